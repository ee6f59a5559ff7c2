package net.jclat.xlat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7757 §3: the Explicit Address Mapping Table. */
class EamTableTest {

    static int v4(String s) {
        return Addresses.parseIpv4(s);
    }

    static long[] v6(String s) {
        return Addresses.parseIpv6(s);
    }

    /** IPv4 -> IPv6 through the table: the suffix bits after the IPv4 prefix are copied (§3.2). */
    static String toIpv6(EamTable t, String a) {
        EamEntry e = t.matchIpv4(v4(a));
        return e == null ? null : Addresses.formatIpv6(EamTable.toIpv6Hi(e, v4(a)), EamTable.toIpv6Lo(e, v4(a)));
    }

    static String toIpv4(EamTable t, String a) {
        long[] x = v6(a);
        EamEntry e = t.matchIpv6(x[0], x[1]);
        return e == null ? null : Addresses.formatIpv4(EamTable.toIpv4(e, x[0], x[1]));
    }

    /**
     * §3.2 Figure 1, the EAMT of the RFC's examples: rows 1, 2, 3 and 6 as printed, row 4 with its IPv6
     * prefix narrowed to a /122 (equal suffix lengths); the printed /64 form is tested below.
     */
    static final EamTable FIGURE_1 = new EamTable(List.of(
            EamEntry.parse("192.0.2.1=2001:db8:aaaa::"),
            EamEntry.parse("192.0.2.2/32=2001:db8:bbbb::b/128"),
            EamEntry.parse("192.0.2.16/28=2001:db8:cccc::/124"),
            EamEntry.parse("192.0.2.128/26=2001:db8:dddd::/122"),
            EamEntry.parse("192.0.2.224/31=64:ff9b::/127")));

    @Test
    void figure1MapsBothWays() {
        assertEquals("2001:db8:aaaa::", toIpv6(FIGURE_1, "192.0.2.1"));
        assertEquals("2001:db8:bbbb::b", toIpv6(FIGURE_1, "192.0.2.2"));
        assertEquals("2001:db8:cccc::", toIpv6(FIGURE_1, "192.0.2.16"));
        assertEquals("2001:db8:cccc::f", toIpv6(FIGURE_1, "192.0.2.31"));
        assertEquals("64:ff9b::", toIpv6(FIGURE_1, "192.0.2.224"));
        assertEquals("64:ff9b::1", toIpv6(FIGURE_1, "192.0.2.225"));
        assertNull(toIpv6(FIGURE_1, "192.0.2.226"));
        assertNull(toIpv6(FIGURE_1, "192.0.2.3"));
        assertNull(toIpv6(FIGURE_1, "192.0.2.32"));

        assertEquals("192.0.2.1", toIpv4(FIGURE_1, "2001:db8:aaaa::"));
        assertEquals("192.0.2.2", toIpv4(FIGURE_1, "2001:db8:bbbb::b"));
        assertEquals("192.0.2.21", toIpv4(FIGURE_1, "2001:db8:cccc::5"));
        assertEquals("192.0.2.225", toIpv4(FIGURE_1, "64:ff9b::1"));
        assertNull(toIpv4(FIGURE_1, "64:ff9b::2"));
        assertNull(toIpv4(FIGURE_1, "2001:db8:aaaa::1"));
        assertNull(toIpv4(FIGURE_1, "2001:db8:cccc::10"));
    }

    /**
     * §3.2: the IPv4 and IPv6 prefix lengths differ (a /26 = a /122 here) while the suffix lengths are equal
     * (6 bits); §3.3: the suffix bits are copied unchanged behind the other prefix.
     */
    @Test
    void unequalPrefixLengthsWithEqualSuffixLengths() {
        assertEquals("2001:db8:dddd::", toIpv6(FIGURE_1, "192.0.2.128"));
        assertEquals("2001:db8:dddd::3f", toIpv6(FIGURE_1, "192.0.2.191"));
        assertEquals("192.0.2.170", toIpv4(FIGURE_1, "2001:db8:dddd::2a"));
        assertNull(toIpv4(FIGURE_1, "2001:db8:dddd::40"));
        for (int i = 0; i < 64; i++) {
            String a = "192.0.2." + (128 + i);
            assertEquals(a, toIpv4(FIGURE_1, toIpv6(FIGURE_1, a)), "round trip of " + a);
        }
    }

    /** §3.3/§3.4: longest prefix match, in the IPv4 direction. */
    @Test
    void longestMatchFromIpv4() {
        EamTable t = new EamTable(List.of(
                EamEntry.parse("198.51.100.0/24=2001:db8:1::/120"),
                EamEntry.parse("198.51.100.8/29=2001:db8:2::/125"),
                EamEntry.parse("198.51.100.9/32=2001:db8:3::9/128"),
                EamEntry.parse("198.51.0.0/16=2001:db8:4::/112")));
        assertEquals("2001:db8:1::7", toIpv6(t, "198.51.100.7"));
        assertEquals("2001:db8:2::", toIpv6(t, "198.51.100.8"));
        assertEquals("2001:db8:3::9", toIpv6(t, "198.51.100.9"));
        assertEquals("2001:db8:2::7", toIpv6(t, "198.51.100.15"));
        assertEquals("2001:db8:1::10", toIpv6(t, "198.51.100.16"));
        assertEquals("2001:db8:4::6501", toIpv6(t, "198.51.101.1"));
        assertNull(toIpv6(t, "198.52.0.1"));
    }

    /** §3.3/§3.4: longest prefix match, in the IPv6 direction (IPv6 prefixes nested, IPv4 ones not). */
    @Test
    void longestMatchFromIpv6() {
        EamTable t = new EamTable(List.of(
                EamEntry.parse("10.0.0.0/8=2001:db8::/104"),
                EamEntry.parse("192.0.2.0/24=2001:db8::100/120"),
                EamEntry.parse("203.0.113.5=2001:db8::105")));
        assertEquals("203.0.113.5", toIpv4(t, "2001:db8::105"));
        assertEquals("192.0.2.6", toIpv4(t, "2001:db8::106"));
        assertEquals("10.1.0.5", toIpv4(t, "2001:db8::1:5"));
        assertEquals("10.0.0.5", toIpv4(t, "2001:db8::5"));
        assertNull(toIpv4(t, "2001:db8::1:0:0"));
    }

    /** The order the entries are given in does not matter. */
    @Test
    void matchDoesNotDependOnOrder() {
        EamEntry wide = EamEntry.parse("10.0.0.0/8=2001:db8::/104");
        EamEntry narrow = EamEntry.parse("10.1.2.0/24=2001:db8:1::/120");
        for (List<EamEntry> l : List.of(List.of(wide, narrow), List.of(narrow, wide))) {
            EamTable t = new EamTable(l);
            assertSame(narrow, t.matchIpv4(v4("10.1.2.3")));
            assertSame(wide, t.matchIpv4(v4("10.1.3.3")));
            long[] a = v6("2001:db8:1::3");
            assertSame(narrow, t.matchIpv6(a[0], a[1]));
        }
    }

    /**
     * §3.2: "An EAM's IPv4 prefix value MUST have an identical or smaller number of suffix bits than its
     * corresponding IPv6 prefix value." More IPv4 suffix bits than IPv6 ones could not be carried.
     */
    @Test
    void mismatchedSuffixLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> EamEntry.parse("192.0.2.0/24=2001:db8::/121"));
        assertThrows(IllegalArgumentException.class, () -> EamEntry.parse("192.0.2.0/31=2001:db8::1/128"));
        assertThrows(IllegalArgumentException.class, () -> EamEntry.parse("10.0.0.0/8=2001:db8::/112"));
        assertThrows(IllegalArgumentException.class, () -> EamEntry.parse("0.0.0.0/0=::/97"));
        assertThrows(IllegalArgumentException.class, () -> EamEntry.parse("192.0.2.0/24"));
        assertThrows(IllegalArgumentException.class, () -> EamEntry.parse("192.0.2.1/24=2001:db8::/120"));
    }

    /**
     * §3.2 allows an IPv6 suffix longer than the IPv4 one; §3.3.1 puts the IPv4 suffix bits right after
     * the IPv6 prefix and pads with zeros, §3.3.2 reads them back from there and discards the rest.
     */
    @Test
    void longerIpv6SuffixTakesTheIpv4SuffixRightAfterThePrefix() {
        EamTable t = new EamTable(List.of(EamEntry.parse("192.0.2.128/26=2001:db8:dddd::/64")));
        assertEquals("2001:db8:dddd:0:800::", toIpv6(t, "192.0.2.130")); // suffix 000010 at bits 64-69
        assertEquals("2001:db8:dddd:0:fc00::", toIpv6(t, "192.0.2.191"));
        assertEquals("192.0.2.130", toIpv4(t, "2001:db8:dddd:0:800::"));
        assertEquals("192.0.2.130", toIpv4(t, "2001:db8:dddd:0:8ff:ffff:ffff:ffff")); // trailing bits ignored
    }

    /** The suffix may straddle the two 64-bit halves: a /24 behind a /60 occupies bits 60 to 67. */
    @Test
    void suffixStraddlingBit64IsSplitAcrossBothHalves() {
        EamTable t = new EamTable(List.of(EamEntry.parse("198.51.100.0/24=2001:db8:1:10::/60")));
        assertEquals("2001:db8:1:1a:b000::", toIpv6(t, "198.51.100.171")); // 0xab
        assertEquals("198.51.100.171", toIpv4(t, "2001:db8:1:1a:b000::"));
        for (int i = 0; i < 256; i++) {
            String a = "198.51.100." + i;
            assertEquals(a, toIpv4(t, toIpv6(t, a)));
        }
    }

    @Test
    void aPrefixMappedTwiceIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EamTable(List.of(
                EamEntry.parse("192.0.2.1=2001:db8::1"), EamEntry.parse("192.0.2.1=2001:db8::2"))));
        assertThrows(IllegalArgumentException.class, () -> new EamTable(List.of(
                EamEntry.parse("192.0.2.1=2001:db8::1"), EamEntry.parse("192.0.2.2=2001:db8::1"))));
    }

    @Test
    void theEmptyTableMatchesNothing() {
        assertTrue(EamTable.EMPTY.isEmpty());
        assertNull(EamTable.EMPTY.matchIpv4(v4("192.0.2.1")));
        assertNull(EamTable.EMPTY.matchIpv6(0, 1));
    }
}
