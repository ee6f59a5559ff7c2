package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fast-path}: auto by default, set by flag or file, and a bad value names its file and line. */
class RunConfigParserFastPathTest {
    @TempDir
    Path dir;

    @Test
    void autoUnlessToldOtherwiseByFlagOrFile() throws Exception {
        assertEquals(FastPathMode.AUTO, new RunConfigParser().parse(new String[] {"--uplink", "wan0"}, 0).fastPath());
        assertEquals(FastPathMode.OFF, new RunConfigParser().parse(
                new String[] {"--uplink", "wan0", "--fast-path", "off"}, 0).fastPath());
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\nfast-path on\n");
        assertEquals(FastPathMode.ON,
                new RunConfigParser().parse(new String[] {"--config", file.toString()}, 0).fastPath());
    }

    @Test
    void aBadValueNamesFileLineAndTheChoices() throws Exception {
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\n\nfast-path yes\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new RunConfigParser().parse(new String[] {"--config", file.toString()}, 0));
        assertEquals(file + ":3: fast-path must be on, off or auto, got 'yes'", e.getMessage());
    }
}
