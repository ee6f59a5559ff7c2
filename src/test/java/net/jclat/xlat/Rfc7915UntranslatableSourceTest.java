package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.TRANSLATOR4;
import static net.jclat.xlat.Fixtures.TRANSLATOR6;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A packet whose source cannot be translated. RFC 7915 §4.4 / §5.4: a discarded packet SHOULD be answered
 * (3/13 in IPv4, 1/1 in IPv6) unless it is itself an ICMP error (ICMPv6: any ICMPv6 message); RFC 7915 §5.1
 * names 1/5 for an IPv6 source outside the configured prefixes of a stateless translator. Never toward a
 * source RFC 7756 §6 filtering rejects (a CLAT's spoofed LAN source, an IPv6 source outside the prefix, our
 * own address), and always under the shared rate limit.
 */
class Rfc7915UntranslatableSourceTest {
    /** A global IPv4 address (not in RFC 6890's non-global list) on the other side. */
    private static final String GLOBAL4 = "9.9.9.9";

    /** SIIT with the Well-Known Prefix: RFC 6052 §3.1 leaves private IPv4 addresses without an IPv6 form. */
    private static XlatConfig.Builder siitWkp() {
        return XlatConfig.builder().pref64("64:ff9b::/96").translatorIpv6(Ipv6Prefix.parse(TRANSLATOR6));
    }

    // --- IPv4 → IPv6 (RFC 7915 §4.4) ------------------------------------------------------------------

    @Test
    void rfc7915Section4_4WkpNonGlobalIpv4SourceIsAnsweredWithAdministrativelyProhibited() {
        byte[] in = ipv4("10.1.2.3", GLOBAL4).udp(40000, 53, bytes(12, 1)).build();
        XlatRun r = XlatRun.run(siitWkp().build(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.WKP_NON_GLOBAL));
        assertEquals(3, err.icmpType());
        assertEquals(13, err.icmpCode(), "communication administratively prohibited");
        assertAddress(TRANSLATOR4, err.src);
        assertAddress("10.1.2.3", err.dst);
        assertArrayEquals(in, err.icmpBody());
    }

    @Test
    void rfc7915Section4_4SourceWithoutAnyPrefixIsAnswered() {
        byte[] in = ipv4("192.0.2.1", GLOBAL4).udp(1, 2, bytes(10, 1)).build();
        XlatRun r = XlatRun.run(siitWkp().pref64((Pref64) null).build(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.NO_PREF64));
        assertEquals(3, err.icmpType());
        assertEquals(13, err.icmpCode());
    }

    @Test
    void rfc7915Section4_4IcmpErrorFromAnUntranslatableSourceIsNotAnswered() {
        byte[] quoted = ipv4(GLOBAL4, "10.1.2.3").udp(1, 2, bytes(10, 1)).build();
        byte[] in = ipv4("10.1.2.3", GLOBAL4).icmp(3, 3, 0, quoted).build();
        XlatRun r = XlatRun.run(siitWkp().build(), in);
        r.assertSilentDrop(Drop.WKP_NON_GLOBAL);
    }

    @Test
    void rfc7756Section6SpoofedLanSourceOfAClatIsNeverAnswered() {
        XlatConfig clat = XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1", "2001:db8:1::c")
                .pref64ForLocal(false).build();
        byte[] in = ipv4("10.9.9.9", GLOBAL4).udp(40000, 53, bytes(4, 1)).build();
        XlatRun.run(clat, in).assertSilentDrop(Drop.SOURCE_NOT_MAPPED);
    }

    @Test
    void rfc7915Section4_4NoErrorWhenTheAdministratorTurnedThemOff() {
        byte[] in = ipv4("10.1.2.3", GLOBAL4).udp(40000, 53, bytes(12, 1)).build();
        XlatRun.run(siitWkp().sendIcmpErrors(false).build(), in).assertSilentDrop(Drop.WKP_NON_GLOBAL);
    }

    @Test
    void rfc7915Section4_4ErrorsForUntranslatableSourcesShareTheRateLimit() {
        // One token a second and a clock that stands still: the second error is withheld and counted.
        Translator t = new Translator(siitWkp().icmpErrorsPerSecond(1).build(), new Counters(), () -> 5L);
        byte[] in = ipv4("10.1.2.3", GLOBAL4).udp(40000, 53, bytes(12, 1)).build();
        XlatRun.run(t, in).assertAnswered(Drop.WKP_NON_GLOBAL);
        XlatRun.run(t, in).assertSilentDrop(Drop.WKP_NON_GLOBAL);
        assertEquals(1, t.counters().get(Counters.ICMP_ERRORS_RATE_LIMITED));
    }

    // --- IPv6 → IPv4 (RFC 7915 §5.1, §5.4) ------------------------------------------------------------

    @Test
    void rfc7915Section5_4WkpNonGlobalIpv6SourceIsAnsweredWithAdministrativelyProhibited() {
        String src = "64:ff9b::10.1.2.3";
        byte[] in = ipv6(src, "64:ff9b::" + GLOBAL4).udp(53, 40000, bytes(12, 1)).build();
        XlatRun r = XlatRun.run(siitWkp().build(), in);
        PacketAssert.V6 err = PacketAssert.valid6(r.assertAnswered(Drop.WKP_NON_GLOBAL));
        assertEquals(1, err.icmpType());
        assertEquals(1, err.icmpCode(), "communication with destination administratively prohibited");
        assertAddress(TRANSLATOR6, err.src);
        assertAddress(src, err.dst);
        assertArrayEquals(in, err.icmpBody());
    }

    @Test
    void rfc7915Section5_4IcmpV6FromAnUntranslatableSourceIsNotAnswered() {
        byte[] in = ipv6("64:ff9b::10.1.2.3", "64:ff9b::" + GLOBAL4).icmp(128, 0, 1, bytes(8, 1)).build();
        XlatRun.run(siitWkp().build(), in).assertSilentDrop(Drop.WKP_NON_GLOBAL);
    }

    @Test
    void rfc7915Section5_1SiitAnswersASourceOutsideItsPrefixesWithSourceAddressFailedPolicy() {
        String src = "2001:db8:77::1"; // outside 64:ff9b::/96, no EAM
        byte[] in = ipv6(src, "64:ff9b::" + GLOBAL4).tcp(40000, 80, bytes(20, 1)).build();
        XlatRun r = XlatRun.run(siitWkp().build(), in);
        PacketAssert.V6 err = PacketAssert.valid6(r.assertAnswered(Drop.SOURCE_NOT_MAPPED));
        assertEquals(1, err.icmpType());
        assertEquals(5, err.icmpCode(), "source address failed ingress/egress policy");
        assertAddress(src, err.dst);
    }

    @Test
    void rfc7756Section6AClatNeverAnswersAnIpv6SourceOutsideThePrefixNorOneClaimingItsOwnAddress() {
        XlatConfig clat = XlatConfig.builder().pref64("2001:db8:64::/96").clat("192.0.0.1", "2001:db8:1::c")
                .pref64ForLocal(false).build();
        byte[] outside = ipv6("2001:db8:77::1", "2001:db8:1::c").udp(53, 40000, bytes(4, 1)).build();
        XlatRun.run(clat, outside).assertSilentDrop(Drop.SOURCE_NOT_MAPPED);
        // Answering 2001:db8:64::192.0.0.1 would send the error to the PLAT, which hands it back to us.
        byte[] own = ipv6("2001:db8:64::192.0.0.1", "2001:db8:1::c").udp(53, 40000, bytes(4, 1)).build();
        XlatRun.run(clat, own).assertSilentDrop(Drop.OWN_ADDRESS_SOURCE);
    }

    @Test
    void rfc7915Section5_4ErrorsForUntranslatableSourcesShareTheRateLimitWithIcmpv4() {
        Translator t = new Translator(siitWkp().icmpErrorsPerSecond(1).build(), new Counters(), () -> 5L);
        byte[] v4 = ipv4("10.1.2.3", GLOBAL4).udp(40000, 53, bytes(12, 1)).build();
        byte[] v6 = ipv6("64:ff9b::10.1.2.3", "64:ff9b::" + GLOBAL4).udp(53, 40000, bytes(12, 1)).build();
        XlatRun.run(t, v4).assertAnswered(Drop.WKP_NON_GLOBAL);
        XlatRun r = XlatRun.run(t, v6);
        r.assertSilentDrop(Drop.WKP_NON_GLOBAL);
        assertTrue(t.counters().get(Counters.ICMP_ERRORS_RATE_LIMITED) >= 1);
    }
}
