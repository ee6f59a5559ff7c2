package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reading /proc/net/if_inet6 lines (format of Linux's if6_seq_show) for a usable link-local address. */
class LinkLocalAddressTest {
    private static final String GLOBAL = "20010db8010000000000000000000002 05 40 00 80     wan0\n";
    private static final String LO = "00000000000000000000000000000001 01 80 10 80       lo\n";

    private static String linkLocal(String flags, String dev) {
        return "fe80000000000000a8c1abfffe123456 05 40 20 " + flags + " " + dev + "\n";
    }

    @Test
    void rfc4862Section5_4ATentativeLinkLocalAddressIsNotUsable() {
        assertFalse(LinkLocalAddress.usable(LO + GLOBAL + linkLocal("c0", "wan0"), "wan0"),
                "permanent + tentative: DAD still running; the global address does not count");
        assertTrue(LinkLocalAddress.usable(LO + GLOBAL + linkLocal("80", "wan0"), "wan0"), "DAD done");
    }

    @Test
    void noLinkLocalAddressOrOneThatFailedDadIsNotUsable() {
        assertFalse(LinkLocalAddress.usable(LO + GLOBAL, "wan0"), "no carrier yet: no link-local address");
        assertFalse(LinkLocalAddress.usable(GLOBAL + linkLocal("88", "wan0"), "wan0"), "DAD failed");
        assertFalse(LinkLocalAddress.usable(linkLocal("80", "wan1"), "wan0"), "another interface's");
        assertFalse(LinkLocalAddress.usable("garbage\nfe80 zz 40 xx yy wan0\n", "wan0"));
    }

    @Test
    void rfc4429AnOptimisticAddressMayBeUsedWhileDadRuns() {
        assertTrue(LinkLocalAddress.usable(linkLocal("c4", "wan0"), "wan0"));
    }
}
