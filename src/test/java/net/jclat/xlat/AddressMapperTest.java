package net.jclat.xlat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The order in which an address is mapped: CLAT single address (RFC 6877 §6.3), dedicated prefix (RFC 6877
 * §6.3), EAM (RFC 7757 §3.3, before RFC 6052), then the NAT64 prefix (RFC 6052); and the CLAT rule that a
 * local address that is not the CLAT's own is not translated.
 */
class AddressMapperTest {
    /** One IPv4 address (198.51.100.1) that every mechanism would map; each level shadows the next. */
    static final String ADDR4 = "198.51.100.1";
    static final String CLAT6 = "2001:db8:1::c";
    static final String DEDICATED = "198.51.100.0/24=2001:db8:d::/96";
    static final String EAM = "198.51.100.0/24=2001:db8:e::/120";
    static final String NSP = "2001:db8:64::/96";

    static XlatConfig.Builder base(boolean clat, boolean dedicated, boolean eam) {
        XlatConfig.Builder b = XlatConfig.builder().pref64(NSP).pref64ForLocal(true);
        if (clat) {
            b.clat(ADDR4, CLAT6);
        }
        if (dedicated) {
            b.dedicatedPrefixes(List.of(DedicatedPrefix.parse(DEDICATED)));
        }
        if (eam) {
            b.eams(List.of(EamEntry.parse(EAM)));
        }
        return b;
    }

    static String toIpv6(AddressMapper m, String v4, boolean local) {
        return toIpv6(m, v4, local, true);
    }

    static String toIpv6(AddressMapper m, String v4, boolean local, boolean useEam) {
        ByteBuffer out = ByteBuffer.allocate(16);
        long r = m.toIpv6(Addresses.parseIpv4(v4), local, useEam, out, 0);
        return r == 0 ? Addresses.formatIpv6(out, 0) : code(r);
    }

    static String toIpv4(AddressMapper m, String v6, boolean local) {
        long[] a = Addresses.parseIpv6(v6);
        long r = m.toIpv4(a[0], a[1], local);
        return r >= 0 ? Addresses.formatIpv4((int) r) : code(r);
    }

    static String code(long r) {
        return r == AddressMapper.NOT_MAPPED ? "NOT_MAPPED" : r == AddressMapper.NON_GLOBAL ? "NON_GLOBAL"
                : r == AddressMapper.NO_PREF64 ? "NO_PREF64" : "?" + r;
    }

    @Test
    void ipv4ToIpv6InOrderClatDedicatedEamPref64() {
        AddressMapper all = new AddressMapper(base(true, true, true).build());
        assertEquals(CLAT6, toIpv6(all, ADDR4, true), "1. the CLAT address");
        assertEquals("2001:db8:d::c633:6402", toIpv6(all, "198.51.100.2", true), "2. the dedicated prefix");
        AddressMapper noDedicated = new AddressMapper(base(true, false, true).build());
        assertEquals(CLAT6, toIpv6(noDedicated, ADDR4, true));
        assertEquals("2001:db8:e::2", toIpv6(noDedicated, "198.51.100.2", false), "3. the EAM");
        AddressMapper pref64Only = new AddressMapper(base(false, false, false).build());
        assertEquals("2001:db8:64::c633:6401", toIpv6(pref64Only, ADDR4, false), "4. RFC 6052");
        assertEquals("2001:db8:64::c633:6402", toIpv6(noDedicated, "198.51.100.2", false, false),
                "the EAM table skipped (RFC 7757 §4.2.1) falls through to RFC 6052");
        assertEquals("2001:db8:64::cb00:7101", toIpv6(all, "203.0.113.1", false), "outside everything: RFC 6052");
    }

    @Test
    void ipv6ToIpv4InOrderClatDedicatedEamPref64() {
        AddressMapper all = new AddressMapper(base(true, true, true).build());
        assertEquals(ADDR4, toIpv4(all, CLAT6, true), "1. the CLAT address");
        assertEquals("198.51.100.2", toIpv4(all, "2001:db8:d::c633:6402", true), "2. the dedicated prefix");
        assertEquals("198.51.100.2", toIpv4(all, "2001:db8:e::2", false), "3. the EAM");
        assertEquals("198.51.100.2", toIpv4(all, "2001:db8:64::c633:6402", false), "4. RFC 6052");
        assertEquals("NOT_MAPPED", toIpv4(all, "2001:db8:65::c633:6402", false), "outside everything");
        // a dedicated prefix only maps the IPv4 subnet it was given; the rest of its /96 falls through
        assertEquals("NOT_MAPPED", toIpv4(all, "2001:db8:d::cb00:7101", false));
    }

    /** The CLAT address wins over an EAM and a dedicated prefix that cover the same IPv6 address too. */
    @Test
    void clatAddressShadowsEamAndDedicatedPrefixFromIpv6() {
        XlatConfig c = XlatConfig.builder().pref64(NSP).clat("192.0.0.1", "2001:db8:e::5")
                .eams(List.of(EamEntry.parse(EAM))).build();
        AddressMapper m = new AddressMapper(c);
        assertEquals("192.0.0.1", toIpv4(m, "2001:db8:e::5", true));
        assertEquals("198.51.100.6", toIpv4(m, "2001:db8:e::6", true));
        assertFalse(m.isEamIpv6(Addresses.parseIpv6("2001:db8:e::5")[0], Addresses.parseIpv6("2001:db8:e::5")[1]));
        assertTrue(m.isEamIpv6(Addresses.parseIpv6("2001:db8:e::6")[0], Addresses.parseIpv6("2001:db8:e::6")[1]));
    }

    /** RFC 7757 §3.3: the EAM is consulted before RFC 6052, also for addresses inside the NAT64 prefix. */
    @Test
    void eamShadowsThePref64() {
        XlatConfig c = XlatConfig.builder().pref64(NSP)
                .eams(List.of(EamEntry.parse("192.0.2.1=2001:db8:64::c633:6401"))).build();
        AddressMapper m = new AddressMapper(c);
        assertEquals("192.0.2.1", toIpv4(m, "2001:db8:64::c633:6401", false));
        assertEquals("198.51.100.2", toIpv4(m, "2001:db8:64::c633:6402", false));
        assertEquals("2001:db8:64::c633:6401", toIpv6(m, "192.0.2.1", false));
    }

    /** RFC 6877 §6.3: a CLAT translates its own address only; other local addresses are not mapped. */
    @Test
    void clatModeRefusesLocalAddressesNotItsOwn() {
        XlatConfig c = XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1", CLAT6).pref64ForLocal(false)
                .build();
        AddressMapper m = new AddressMapper(c);
        assertEquals(CLAT6, toIpv6(m, "192.0.0.1", true));
        assertEquals("NOT_MAPPED", toIpv6(m, "192.168.1.10", true), "another LAN address as a source");
        assertEquals("NOT_MAPPED", toIpv6(m, "8.8.8.8", true), "even a global one");
        assertEquals("64:ff9b::808:808", toIpv6(m, "8.8.8.8", false), "remote side: RFC 6052");
        assertEquals("192.0.0.1", toIpv4(m, CLAT6, true));
        assertEquals("NOT_MAPPED", toIpv4(m, "2001:db8:1::d", true), "a neighbour of the CLAT address");
        assertEquals("NOT_MAPPED", toIpv4(m, "64:ff9b::808:808", true), "a NAT64 address as destination");
        assertEquals("8.8.8.8", toIpv4(m, "64:ff9b::808:808", false));

        // the same through the translator: counted as drops, nothing emitted toward IPv6
        Translator t = new Translator(c, new Counters());
        List<byte[]> out = new ArrayList<>();
        assertEquals(Verdict.DROPPED, Rfc6052Test.run(t, Rfc6052Test.udp4(WirePackets.v4("192.168.1.10"),
                WirePackets.v4("8.8.8.8")), out));
        assertEquals(Drop.SOURCE_NOT_MAPPED, t.lastDrop());
        assertEquals(Verdict.DROPPED, Rfc6052Test.run(t, Rfc6052Test.udp6(Rfc6052Test.v6("64:ff9b::8.8.8.8"),
                Rfc6052Test.v6("2001:db8:1::d")), out));
        assertEquals(Drop.DESTINATION_NOT_MAPPED, t.lastDrop());
        assertEquals(Verdict.TRANSLATED, Rfc6052Test.run(t, Rfc6052Test.udp4(WirePackets.v4("192.0.0.1"),
                WirePackets.v4("8.8.8.8")), out));
        assertEquals(Verdict.TRANSLATED, Rfc6052Test.run(t, Rfc6052Test.udp6(Rfc6052Test.v6("64:ff9b::8.8.8.8"),
                Rfc6052Test.v6(CLAT6)), out));
    }

    /** SIIT (pref64ForLocal): local addresses map with the NAT64 prefix as well. */
    @Test
    void siitModeMapsLocalAddressesWithThePrefix() {
        AddressMapper m = new AddressMapper(XlatConfig.builder().pref64(NSP).build());
        assertEquals("2001:db8:64::c0a8:10a", toIpv6(m, "192.168.1.10", true));
        assertEquals("192.168.1.10", toIpv4(m, "2001:db8:64::c0a8:10a", true));
    }

    @Test
    void withoutAPrefixRemoteAddressesCannotBeMapped() {
        XlatConfig c = XlatConfig.builder().clat("192.0.0.1", CLAT6).pref64ForLocal(false).build();
        AddressMapper m = new AddressMapper(c);
        assertEquals("NO_PREF64", toIpv6(m, "8.8.8.8", false));
        assertEquals("NO_PREF64", toIpv4(m, "64:ff9b::808:808", false));
        assertEquals(CLAT6, toIpv6(m, "192.0.0.1", true), "the CLAT address needs no prefix");
        Translator t = new Translator(c, new Counters());
        assertEquals(Verdict.DROPPED, Rfc6052Test.run(t, Rfc6052Test.udp6(Rfc6052Test.v6("64:ff9b::8.8.8.8"),
                Rfc6052Test.v6(CLAT6)), new ArrayList<>()));
        assertEquals(Drop.NO_PREF64, t.lastDrop());
    }

    @Test
    void wkpNonGlobalIsReportedAsSuch() {
        AddressMapper m = new AddressMapper(XlatConfig.builder().pref64("64:ff9b::/96").build());
        assertEquals("NON_GLOBAL", toIpv6(m, "10.0.0.1", false));
        assertEquals("NON_GLOBAL", toIpv4(m, "64:ff9b::a00:1", false));
        AddressMapper allowed = new AddressMapper(XlatConfig.builder().pref64("64:ff9b::/96")
                .allowWkpNonGlobal(true).build());
        assertEquals("64:ff9b::a00:1", toIpv6(allowed, "10.0.0.1", false));
        assertEquals("10.0.0.1", toIpv4(allowed, "64:ff9b::a00:1", false));
    }
}
