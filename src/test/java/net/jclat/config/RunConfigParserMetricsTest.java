package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code metrics-listen}: off by default, loopback literals only, and errors that name file and line. */
class RunConfigParserMetricsTest {
    private static RunConfig parse(String... args) throws ConfigException {
        return new RunConfigParser().parse(args, 0);
    }

    @Test
    void offByDefaultAndLoopbackLiteralsAccepted() throws Exception {
        assertNull(parse("--uplink", "wan0").metricsListen());
        assertEquals(new InetSocketAddress("127.0.0.1", 9464),
                parse("--uplink", "wan0", "--metrics-listen", "127.0.0.1:9464").metricsListen());
        assertEquals(new InetSocketAddress("127.0.0.53", 1),
                parse("--uplink", "wan0", "--metrics-listen", "127.0.0.53:1").metricsListen());
        assertEquals(new InetSocketAddress("::1", 9464),
                parse("--uplink", "wan0", "--metrics-listen", "[::1]:9464").metricsListen());
    }

    @Test
    void aNonLoopbackAddressInAFileNamesFileAndLine() throws Exception {
        Path f = Files.createTempFile("jclat-metrics", ".conf");
        try {
            Files.writeString(f, "uplink wan0\n# the exporter\nmetrics-listen 0.0.0.0:9464\n");
            ConfigException e = assertThrows(ConfigException.class, () -> parse("--config", f.toString()));
            assertEquals(f + ":3: metrics-listen must be a loopback address (127.0.0.0/8 or ::1), got '0.0.0.0:9464':"
                    + " the metrics have no authentication; scrape them through a local agent or an SSH tunnel",
                    e.getMessage());
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void namesPortsAndGarbageAreRefusedWithoutALookup() {
        String usage = "metrics-listen takes a loopback address and port, 127.0.0.1:PORT or [::1]:PORT, got ";
        assertEquals("--metrics-listen: " + usage + "'localhost:9464'", assertThrows(ConfigException.class,
                () -> parse("--uplink", "w", "--metrics-listen", "localhost:9464")).getMessage());
        assertEquals("--metrics-listen: " + usage + "'9464'", assertThrows(ConfigException.class,
                () -> parse("--uplink", "w", "--metrics-listen", "9464")).getMessage());
        assertEquals("--metrics-listen: metrics-listen port must be a whole number from 1 to 65535, got '0'",
                assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--metrics-listen",
                        "127.0.0.1:0")).getMessage());
        assertEquals("--metrics-listen: metrics-listen must be a loopback address (127.0.0.0/8 or ::1), got"
                + " '[2001:db8::1]:9464': the metrics have no authentication; scrape them through a local agent or"
                + " an SSH tunnel", assertThrows(ConfigException.class, () -> parse("--uplink", "w",
                        "--metrics-listen", "[2001:db8::1]:9464")).getMessage());
    }
}
