package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jclat.tun.TunIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tun-io}: auto by default, set by flag or file, and a bad value names its file and line. */
class RunConfigParserTunIoTest {
    @TempDir
    Path dir;

    @Test
    void autoUnlessToldOtherwiseByFlagOrFile() throws Exception {
        assertEquals(TunIo.AUTO, new RunConfigParser().parse(new String[] {"--uplink", "wan0"}, 0).tunIo());
        assertEquals(TunIo.FILECHANNEL, new RunConfigParser().parse(
                new String[] {"--uplink", "wan0", "--tun-io", "filechannel"}, 0).tunIo());
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\ntun-io netty\n");
        assertEquals(TunIo.NETTY, new RunConfigParser().parse(new String[] {"--config", file.toString()}, 0).tunIo());
    }

    @Test
    void aBadValueNamesFileLineAndTheChoices() throws Exception {
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\n# I/O\ntun-io epoll\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new RunConfigParser().parse(new String[] {"--config", file.toString()}, 0));
        assertEquals(file + ":3: tun-io must be netty, filechannel or auto, got 'epoll'", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> new RunConfigParser().parse(new String[] {"--uplink", "wan0", "--tun-io", "jni"}, 0));
        assertEquals("--tun-io: tun-io must be netty, filechannel or auto, got 'jni'", e.getMessage());
    }
}
