package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The translation options {@code jclat translate} has, for {@code jclat run} too: {@code allow-wkp-non-global}
 * (RFC 6052 §3.1), {@code ignore-tos} (RFC 7915 §4.1 SHOULD), {@code icmp-errors} (RFC 7915 §4.4 / §5.4 "sent,
 * rate-limited, or not sent"), by flag or config file line, with the RFC's defaults.
 */
class RunConfigParserTranslationOptionsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsFollowTheRfcs() throws Exception {
        RunConfig c = new RunConfigParser().parse(new String[] {"--uplink", "wan0"}, 0);
        assertFalse(c.allowWkpNonGlobal(), "RFC 6052 §3.1 applies unless lifted");
        assertFalse(c.ignoreTos(), "TOS copied by default");
        assertTrue(c.icmpErrors(), "errors sent by default");
    }

    @Test
    void flagsSetThem() throws Exception {
        RunConfig c = new RunConfigParser().parse(new String[] {"--uplink", "wan0", "--allow-wkp-non-global", "on",
            "--ignore-tos", "on", "--icmp-errors", "off"}, 0);
        assertTrue(c.allowWkpNonGlobal());
        assertTrue(c.ignoreTos());
        assertFalse(c.icmpErrors());
    }

    @Test
    void configFileLinesSetThemAndFlagsOverride() throws Exception {
        Path file = Files.writeString(dir.resolve("jclat.conf"),
                "uplink wan0\nallow-wkp-non-global on\nignore-tos on\nicmp-errors off\n");
        RunConfig c = new RunConfigParser().parse(new String[] {"--config", file.toString(), "--ignore-tos", "off"},
                0);
        assertTrue(c.allowWkpNonGlobal());
        assertFalse(c.ignoreTos());
        assertFalse(c.icmpErrors());
    }

    @Test
    void aBadValueNamesFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\n\nallow-wkp-non-global yes\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new RunConfigParser().parse(new String[] {"--config", file.toString()}, 0));
        assertEquals(file + ":3: allow-wkp-non-global must be 'on' or 'off', got 'yes'", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> new RunConfigParser().parse(new String[] {"--uplink", "wan0", "--icmp-errors", "1"}, 0));
        assertEquals("--icmp-errors: icmp-errors must be 'on' or 'off', got '1'", e.getMessage());
    }
}
