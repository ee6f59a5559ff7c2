package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * RFC 7915 §4.4/§5.4: the administrator chooses how many ICMP errors the translator originates. The setting
 * {@code icmp-errors-per-second} (flag or file; 0 = no limit) reaches the configuration the workers use;
 * the token bucket itself is proven in {@code xlat.Rfc7915Section4_4RateLimitTest}.
 */
class Rfc7915Section4_4IcmpErrorRateSettingTest {
    private static RunConfig parse(String... args) throws ConfigException {
        return new RunConfigParser().parse(args, 0);
    }

    @Test
    void theDefaultIsOneHundredPerSecond() throws Exception {
        assertEquals(100, parse("--uplink", "wan0").icmpErrorsPerSecond());
    }

    @Test
    void aFlagOrAFileLineSetsItAndZeroMeansNoLimit() throws Exception {
        assertEquals(5, parse("--uplink", "wan0", "--icmp-errors-per-second", "5").icmpErrorsPerSecond());
        assertEquals(0, parse("--uplink", "wan0", "--icmp-errors-per-second", "0").icmpErrorsPerSecond());
        Path f = Files.createTempFile("jclat", ".conf");
        try {
            Files.writeString(f, "uplink wan0\nicmp-errors-per-second 7\n");
            assertEquals(7, parse("--config", f.toString()).icmpErrorsPerSecond());
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void aNegativeOrNonNumericRateIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"-1", "fast"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> parse("--uplink", "wan0", "--icmp-errors-per-second", bad));
            assertTrue(e.getMessage().contains("icmp-errors-per-second"), e.getMessage());
        }
    }
}
