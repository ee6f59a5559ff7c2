package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cpu-steering}: auto by default, set by flag or file, and a bad value names its file and line. */
class RunConfigParserCpuSteeringTest {
    @TempDir
    Path dir;

    @Test
    void autoUnlessToldOtherwiseByFlagOrFile() throws Exception {
        assertEquals(Steering.AUTO, new RunConfigParser().parse(new String[] {"--uplink", "wan0"}, 0).cpuSteering());
        assertEquals(Steering.OFF, new RunConfigParser().parse(
                new String[] {"--uplink", "wan0", "--cpu-steering", "off"}, 0).cpuSteering());
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\ncpu-steering on\n");
        assertEquals(Steering.ON,
                new RunConfigParser().parse(new String[] {"--config", file.toString()}, 0).cpuSteering());
    }

    @Test
    void aBadValueNamesFileLineAndTheChoices() throws Exception {
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\n\ncpu-steering rss\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new RunConfigParser().parse(new String[] {"--config", file.toString()}, 0));
        assertEquals(file + ":3: cpu-steering must be on, off or auto, got 'rss'", e.getMessage());
    }
}
