package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cpu-steering}: auto by default, on/off/auto by flag or file, and a bad value names its file and line. */
class RunConfigParserCpuSteeringTest {
    @TempDir
    Path dir;

    private static CpuSteeringMode flag(String... args) throws ConfigException {
        return new RunConfigParser().parse(args, 0).cpuSteering();
    }

    @Test
    void autoUnlessToldOtherwise() throws Exception {
        assertEquals(CpuSteeringMode.AUTO, flag("--uplink", "wan0"));
    }

    @Test
    void everyValueByFlag() throws Exception {
        assertEquals(CpuSteeringMode.ON, flag("--uplink", "wan0", "--cpu-steering", "on"));
        assertEquals(CpuSteeringMode.OFF, flag("--uplink", "wan0", "--cpu-steering", "off"));
        assertEquals(CpuSteeringMode.AUTO, flag("--uplink", "wan0", "--cpu-steering", "auto"));
    }

    @Test
    void byFileAndAFlagOverridesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\ncpu-steering off\n");
        assertEquals(CpuSteeringMode.OFF, flag("--config", file.toString()));
        assertEquals(CpuSteeringMode.ON, flag("--config", file.toString(), "--cpu-steering", "on"));
    }

    @Test
    void aBadValueNamesFileLineAndTheChoices() throws Exception {
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\n# queues\ncpu-steering yes\n");
        ConfigException e = assertThrows(ConfigException.class, () -> flag("--config", file.toString()));
        assertEquals(file + ":3: cpu-steering must be on, off or auto, got 'yes'", e.getMessage());
        e = assertThrows(ConfigException.class, () -> flag("--uplink", "wan0", "--cpu-steering", "ON"));
        assertEquals("--cpu-steering: cpu-steering must be on, off or auto, got 'ON'", e.getMessage());
    }
}
