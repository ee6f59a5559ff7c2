package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IPv6-mostly keys (docs/ipv6-mostly.md): off by default, RFC 8925 §3.4's floor, names checked. */
class RunConfigParserIpv6MostlyTest {
    private static RunConfig parse(String... args) throws ConfigException {
        return new RunConfigParser().parse(args, 0);
    }

    private static String error(String... args) {
        return assertThrows(ConfigException.class, () -> parse(args)).getMessage();
    }

    @Test
    void offByDefaultWithRfc8925sDefaultWait() throws Exception {
        Ipv6MostlyConfig m = parse("--uplink", "wan0").ipv6Mostly();
        assertFalse(m.enabled());
        assertTrue(m.sendRa());
        assertEquals(1800, m.v6onlyWait());
        assertNull(m.dhcpOptionsFile());
        assertNull(m.dhcpServerPidFile());
    }

    @Test
    void everyKeyFromAFile() throws Exception {
        Path f = Files.createTempFile("jclat-mostly", ".conf");
        try {
            Files.writeString(f, "uplink wan0\nipv6-mostly lan0, br-guest\nipv6-mostly lan2\nipv6-mostly-ra off\n"
                    + "v6only-wait 300\ndhcp-options-file /run/jclat/opts\ndhcp-server-pid-file /run/dnsmasq.pid\n");
            Ipv6MostlyConfig m = parse("--config", f.toString()).ipv6Mostly();
            assertEquals(List.of("lan0", "br-guest", "lan2"), m.interfaces());
            assertFalse(m.sendRa());
            assertEquals(300, m.v6onlyWait());
            assertEquals(Path.of("/run/jclat/opts"), m.dhcpOptionsFile());
            assertEquals(Path.of("/run/dnsmasq.pid"), m.dhcpServerPidFile());
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void aWaitUnderMinV6onlyWaitIsRefusedWithTheReasonAndFileAndLine() throws Exception {
        Path f = Files.createTempFile("jclat-mostly", ".conf");
        try {
            Files.writeString(f, "uplink wan0\n\nv6only-wait 299\n");
            assertEquals(f + ":3: v6only-wait must be at least 300 seconds, got 299: RFC 8925 §3.4 sets"
                    + " MIN_V6ONLY_WAIT to 300 and a client uses 300 for any smaller value", error("--config",
                            f.toString()));
        } finally {
            Files.delete(f);
        }
        assertEquals("--v6only-wait: v6only-wait must be a whole number from 0 to 2147483647, got 'soon'",
                error("--uplink", "w", "--v6only-wait", "soon"));
    }

    @Test
    void interfaceNamesAreCheckedAndNeitherUplinkNorTun() {
        assertEquals("--ipv6-mostly: ipv6-mostly takes interface names separated by ',' (1 to 15 letters, digits,"
                + " '_', '-', '.' or '@'), got 'a/b'", error("--uplink", "w", "--ipv6-mostly", "a/b"));
        assertTrue(error("--uplink", "w", "--ipv6-mostly", "lan0,").endsWith("got ''"));
        assertTrue(error("--uplink", "w", "--ipv6-mostly", "sixteen-chars-xx").endsWith("got 'sixteen-chars-xx'"));
        assertTrue(error("--uplink", "w", "--ipv6-mostly", "..").endsWith("got '..'"));
        assertEquals("--ipv6-mostly: ipv6-mostly lists lan0 twice", error("--uplink", "w", "--ipv6-mostly",
                "lan0,lan0"));
        assertEquals("ipv6-mostly lists wan0, which is the uplink: it takes the LAN interfaces whose hosts should use"
                + " their own CLAT", error("--uplink", "wan0", "--ipv6-mostly", "wan0"));
        assertTrue(error("--uplink", "wan0", "--ipv6-mostly", "clat").contains("which is the TUN"));
        assertEquals("--ipv6-mostly-ra: ipv6-mostly-ra must be 'on' or 'off', got 'yes'", error("--uplink", "w",
                "--ipv6-mostly-ra", "yes"));
    }

    @Test
    void aPidFileWithoutAnOptionsFileIsRefused() {
        assertTrue(error("--uplink", "w", "--ipv6-mostly", "lan0", "--dhcp-server-pid-file", "/run/x.pid")
                .startsWith("dhcp-server-pid-file is set but dhcp-options-file is not"));
    }
}
