package net.jclat.xlat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6052: IPv4-embedded IPv6 address format (§2.2), the §2.4 examples, and the §3.1 WKP restriction. */
class Rfc6052Test {
    private static final int V4_192_0_2_33 = 0xC0000221;

    /** §2.4 Table 1 and Table 2, with the expected address parsed by the text, not by the code under test. */
    @ParameterizedTest(name = "{0} + 192.0.2.33 = {1}")
    @CsvSource({
        "2001:db8::/32,          2001:db8:c000:221::",
        "2001:db8:100::/40,      2001:db8:1c0:2:21::",
        "2001:db8:122::/48,      2001:db8:122:c000:2:2100::",
        "2001:db8:122:300::/56,  2001:db8:122:3c0:0:221::",
        "2001:db8:122:344::/64,  2001:db8:122:344:c0:2:2100::",
        "2001:db8:122:344::/96,  2001:db8:122:344::192.0.2.33",
        "64:ff9b::/96,           64:ff9b::192.0.2.33",
    })
    void section2_4ExamplesEmbedAndExtract(String prefix, String expected) {
        Pref64 p = Pref64.parse(prefix);
        long[] want = hiLo(expected);
        assertEquals(want[0], p.embedHi(V4_192_0_2_33), "high 64 bits");
        assertEquals(want[1], p.embedLo(V4_192_0_2_33), "low 64 bits");
        assertTrue(p.contains(want[0], want[1]));
        assertEquals(V4_192_0_2_33, p.extract(want[0], want[1]));
    }

    /** §2.2: bits 64 to 71 (the u octet) are zero in every embedded address, for every prefix length. */
    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/32", "2001:db8:100::/40", "2001:db8:122::/48", "2001:db8:122:300::/56",
        "2001:db8:122:344::/64", "2001:db8:122:344::/96"})
    void uOctetIsAlwaysZero(String prefix) {
        Pref64 p = Pref64.parse(prefix);
        java.util.Random r = new java.util.Random(6052);
        for (int i = 0; i < 10_000; i++) {
            int v4 = r.nextInt();
            long lo = p.embedLo(v4);
            assertEquals(0, lo >>> 56, "u octet of " + Addresses.formatIpv6(p.embedHi(v4), lo));
            assertEquals(v4, p.extract(p.embedHi(v4), lo), "round trip of " + Addresses.formatIpv4(v4));
        }
        assertEquals(0xFFFF_FFFF, p.extract(p.embedHi(-1), p.embedLo(-1)));
    }

    /** §2.2: the suffix is zero when embedding and ignored when extracting. */
    @ParameterizedTest
    @CsvSource({
        "2001:db8::/32,         2001:db8:c000:221:00ff:ffff:ffff:ffff",
        "2001:db8:100::/40,     2001:db8:1c0:2:21:ffff:ffff:ffff",
        "2001:db8:122::/48,     2001:db8:122:c000:2:21ff:ffff:ffff",
        "2001:db8:122:300::/56, 2001:db8:122:3c0:0:221:ffff:ffff",
        "2001:db8:122:344::/64, 2001:db8:122:344:c0:2:21ff:ffff",
    })
    void suffixIsIgnoredOnExtraction(String prefix, String withSuffix) {
        Pref64 p = Pref64.parse(prefix);
        long[] a = hiLo(withSuffix);
        assertTrue(p.contains(a[0], a[1]));
        assertEquals(V4_192_0_2_33, p.extract(a[0], a[1]));
        long suffixMask = switch (p.length()) {
            case 32 -> 0x00FF_FFFF_FFFF_FFFFL;
            case 40 -> 0x0000_FFFF_FFFF_FFFFL;
            case 48 -> 0x0000_00FF_FFFF_FFFFL;
            case 56 -> 0x0000_0000_FFFF_FFFFL;
            default -> 0x0000_0000_00FF_FFFFL;
        };
        assertEquals(0, p.embedLo(V4_192_0_2_33) & suffixMask, "suffix is zero when embedding");
    }

    /** §2.2: the prefix length must be 32, 40, 48, 56, 64 or 96. */
    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/0", "2001:db8::/16", "2001:db8::/33", "2001:db8::/36", "2001:db8::/63",
        "2001:db8::/80", "2001:db8::/95", "2001:db8::/97", "2001:db8::/104", "2001:db8::/128"})
    void otherPrefixLengthsAreRejected(String prefix) {
        assertThrows(IllegalArgumentException.class, () -> Pref64.parse(prefix));
    }

    /** §2.2: bits 64–71 MUST be zero, so a /96 that sets them can never be used. */
    @ParameterizedTest
    @ValueSource(strings = {"2001:db8:122:344:100::/96", "64:ff9b:0:0:ff00::/96", "2001:db8::100:0:0:0/96"})
    void a96WithANonZeroUOctetIsRejected(String prefix) {
        assertThrows(IllegalArgumentException.class, () -> Pref64.parse(prefix));
    }

    @Test
    void aPrefixWithHostBitsSetIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Pref64.parse("2001:db8::1/64"));
    }

    @Test
    void onlyTheWellKnownPrefixIsWellKnown() {
        assertTrue(Pref64.parse("64:ff9b::/96").isWellKnown());
        assertFalse(Pref64.parse("64:ff9b:1::/48").isWellKnown());
        assertFalse(Pref64.parse("2001:db8:64::/96").isWellKnown());
    }

    // ---------------------------------------------------------------------------------------------
    // §3.1: the Well-Known Prefix MUST NOT be used to represent non-global IPv4 addresses.

    static final String[] NON_GLOBAL = {"10.1.2.3", "192.168.1.1", "127.0.0.1", "172.16.5.4", "172.31.255.254",
        "100.64.0.1", "169.254.1.1", "192.0.2.33", "198.51.100.7", "203.0.113.9", "198.18.0.1", "0.1.2.3"};

    static XlatConfig clat(boolean allowNonGlobal) {
        return XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1", "2001:db8:1::c")
                .pref64ForLocal(false).allowWkpNonGlobal(allowNonGlobal).build();
    }

    static byte[] udp4(byte[] src, byte[] dst) {
        return WirePackets.datagram4(0, 1, true, 64, WirePackets.UDP, src, dst, new byte[0],
                WirePackets.udp(1000, 53, new byte[12]), false);
    }

    static byte[] udp6(byte[] src, byte[] dst) {
        return WirePackets.datagram6(0, 0, 64, src, dst, new int[0], new byte[0][], WirePackets.UDP,
                WirePackets.udp(53, 1000, new byte[12]), false);
    }

    static byte[] v6(String text) {
        long[] a = hiLo(text);
        byte[] b = new byte[16];
        ByteBuffer.wrap(b).putLong(a[0]).putLong(a[1]);
        return b;
    }

    /** Runs one packet; returns the verdict, the emitted packets in {@code out}. */
    static Verdict run(Translator t, byte[] p, List<byte[]> out) {
        ByteBuffer b = ByteBuffer.allocateDirect(Translator.HEADROOM + p.length + 64);
        b.put(Translator.HEADROOM, p);
        out.clear();
        return t.translate(b, Translator.HEADROOM, p.length, (buf, o, l) -> out.add(WirePackets.copy(buf, o, l)));
    }

    @Test
    void wkpRefusesNonGlobalIpv4DestinationsFromIpv4() {
        Translator t = new Translator(clat(false), new Counters());
        List<byte[]> out = new ArrayList<>();
        int wkp = 0;
        for (String a : NON_GLOBAL) {
            Verdict v = run(t, udp4(WirePackets.v4("192.0.0.1"), WirePackets.v4(a)), out);
            assertTrue(v != Verdict.TRANSLATED, a + " translated");
            // Loopback, "this network" and link-local are refused before any mapping (SpecialIpv4AddressesTest).
            Drop unforwardable = UnforwardableIpv4.destination(PacketBuilder.v4(a));
            assertEquals(unforwardable != null ? unforwardable : Drop.WKP_NON_GLOBAL, t.lastDrop(), a);
            wkp += unforwardable == null ? 1 : 0;
            for (byte[] e : out) {
                assertEquals(0x40, e[0] & 0xF0, "only an ICMPv4 error may go back for " + a);
            }
        }
        assertEquals(wkp, t.counters().dropped(Drop.WKP_NON_GLOBAL));
        assertTrue(wkp >= 9);
    }

    @Test
    void wkpRefusesNonGlobalIpv4SourcesFromIpv6() {
        Translator t = new Translator(clat(false), new Counters());
        List<byte[]> out = new ArrayList<>();
        for (String a : NON_GLOBAL) {
            Verdict v = run(t, udp6(v6("64:ff9b::" + a), v6("2001:db8:1::c")), out);
            // Dropped; answered with 1/1 (RFC 7915 §5.4) only where the CLAT has an IPv6 address to send from.
            assertTrue(v != Verdict.TRANSLATED, a + " translated");
            assertEquals(Drop.WKP_NON_GLOBAL, t.lastDrop(), a);
        }
        assertEquals(NON_GLOBAL.length, t.counters().dropped(Drop.WKP_NON_GLOBAL));
    }

    @Test
    void globalAddressesPassTheWkp() {
        Translator t = new Translator(clat(false), new Counters());
        List<byte[]> out = new ArrayList<>();
        for (String a : new String[] {"8.8.8.8", "192.0.0.9", "192.0.0.10", "100.128.0.1", "172.32.0.1"}) {
            assertEquals(Verdict.TRANSLATED, run(t, udp4(WirePackets.v4("192.0.0.1"), WirePackets.v4(a)), out), a);
            assertNull(t.lastDrop());
            WirePackets.Ipv6 x = WirePackets.checkEmitted6(out.get(0));
            assertEquals(java.util.Arrays.toString(v6("64:ff9b::" + a)), java.util.Arrays.toString(x.dst));
            assertEquals(Verdict.TRANSLATED, run(t, udp6(v6("64:ff9b::" + a), v6("2001:db8:1::c")), out), a);
        }
    }

    @Test
    void allowWkpNonGlobalLiftsTheBanBothWays() {
        Translator t = new Translator(clat(true), new Counters());
        List<byte[]> out = new ArrayList<>();
        for (String a : NON_GLOBAL) {
            if (a.startsWith("0.") || a.startsWith("127.") || a.startsWith("169.254.")) {
                continue; // never forwarded anyway (RFC 1812 §5.3.7, RFC 3927 §2.7: SpecialIpv4AddressesTest)
            }
            assertEquals(Verdict.TRANSLATED, run(t, udp4(WirePackets.v4("192.0.0.1"), WirePackets.v4(a)), out), a);
            assertEquals(java.util.Arrays.toString(v6("64:ff9b::" + a)),
                    java.util.Arrays.toString(WirePackets.checkEmitted6(out.get(0)).dst));
            assertEquals(Verdict.TRANSLATED, run(t, udp6(v6("64:ff9b::" + a), v6("2001:db8:1::c")), out), a);
            assertEquals(java.util.Arrays.toString(WirePackets.v4(a)),
                    java.util.Arrays.toString(WirePackets.checkEmitted4(out.get(0)).src));
        }
        assertEquals(0, t.counters().dropped(Drop.WKP_NON_GLOBAL));
    }

    /** §3.1 restricts only the Well-Known Prefix; a Network-Specific Prefix carries any IPv4 address. */
    @Test
    void aNetworkSpecificPrefixCarriesNonGlobalAddresses() {
        XlatConfig c = XlatConfig.builder().pref64("2001:db8:64::/96").clat("192.0.0.1", "2001:db8:1::c")
                .pref64ForLocal(false).build();
        Translator t = new Translator(c, new Counters());
        List<byte[]> out = new ArrayList<>();
        assertEquals(Verdict.TRANSLATED, run(t, udp4(WirePackets.v4("192.0.0.1"), WirePackets.v4("10.1.2.3")), out));
        assertEquals(Verdict.TRANSLATED, run(t, udp6(v6("2001:db8:64::10.1.2.3"), v6("2001:db8:1::c")), out));
    }

    static long[] hiLo(String text) {
        return Addresses.parseIpv6(text);
    }
}
