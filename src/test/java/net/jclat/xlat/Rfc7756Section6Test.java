package net.jclat.xlat;

import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7756 §6 ingress filtering, as a CLAT applies it: an IPv6 packet whose source translates to one of the
 * translator's own IPv4 addresses would look locally generated to the IPv4 node, and is dropped; IPv4 is
 * translated only from the sources jclat owns (its CLAT address, its dedicated prefixes); IPv6 only from the
 * NAT64 prefix (or an EAM) to jclat's own addresses — except ICMPv6 errors, whose source may be any router
 * on the path (RFC 7915 §5.1 with RFC 6791).
 */
class Rfc7756Section6Test {
    private static final String CLAT6 = "2001:db8:1::c";

    private static XlatConfig clat() {
        return XlatConfig.builder().pref64("2001:db8:64::/96").clat("192.0.0.1", CLAT6).pref64ForLocal(false)
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("10.1.0.0/24=2001:db8:50::/96"))).build();
    }

    private static XlatRun udpFrom(String src) {
        byte[] udp = PacketBuilder.udp6(v6(src), v6(CLAT6), 53, 40000, new byte[] {1, 2, 3, 4});
        return XlatRun.run(clat(), ipv6(src, CLAT6).payload(17, udp).build());
    }

    @Test
    void sourceEmbeddingTheClatIpv4AddressIsDropped() {
        XlatRun r = udpFrom("2001:db8:64::c000:1"); // 192.0.0.1 under the NAT64 prefix
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(Drop.OWN_ADDRESS_SOURCE, r.drop);
    }

    @Test
    void sourceEmbeddingAnAddressOfOurDedicatedPrefixIsDropped() {
        XlatRun r = udpFrom("2001:db8:64::a01:5"); // 10.1.0.5
        assertEquals(Drop.OWN_ADDRESS_SOURCE, r.drop);
    }

    @Test
    void anOrdinaryRemoteSourceIsTranslated() {
        XlatRun r = udpFrom("2001:db8:64::c633:640a"); // 198.51.100.10
        assertEquals(Verdict.TRANSLATED, r.verdict);
    }

    @Test
    void ipv4FromASourceJclatDoesNotOwnIsNeverTranslated() {
        // 10.9.9.9 is neither the CLAT address nor in the dedicated prefix 10.1.0.0/24: a spoofed LAN source.
        byte[] p = ipv4("10.9.9.9", "198.51.100.10").udp(40000, 53, new byte[] {1, 2, 3, 4}).build();
        XlatRun r = XlatRun.run(clat(), p);
        assertNotEquals(Verdict.TRANSLATED, r.verdict);
        assertEquals(Drop.SOURCE_NOT_MAPPED, r.drop);
        assertTrue(r.out.stream().noneMatch(o -> (o[0] & 0xF0) == 0x60), "nothing goes out as IPv6");
    }

    @Test
    void ipv4FromTheClatAddressAndFromTheDedicatedPrefixIsTranslated() {
        for (String src : new String[] {"192.0.0.1", "10.1.0.5"}) {
            byte[] p = ipv4(src, "198.51.100.10").udp(40000, 53, new byte[] {1, 2, 3, 4}).build();
            assertEquals(Verdict.TRANSLATED, XlatRun.run(clat(), p).verdict, src);
        }
    }

    @Test
    void ipv6FromOutsideTheNat64PrefixIsNeverTranslated() {
        XlatRun r = udpFrom("2001:db8:200::2"); // a native IPv6 host: not under the prefix, no EAM
        r.assertSilentDrop(Drop.SOURCE_NOT_MAPPED);
    }

    @Test
    void ipv6ToAnAddressThatIsNotJclatsIsNeverTranslated() {
        byte[] udp = PacketBuilder.udp6(v6("2001:db8:64::c633:640a"), v6("2001:db8:1::d"), 53, 40000, new byte[] {1});
        XlatRun r = XlatRun.run(clat(), ipv6("2001:db8:64::c633:640a", "2001:db8:1::d").payload(17, udp).build());
        assertNotEquals(Verdict.TRANSLATED, r.verdict);
        assertEquals(Drop.DESTINATION_NOT_MAPPED, r.drop);
        assertTrue(r.out.stream().noneMatch(o -> (o[0] & 0xF0) == 0x40), "nothing goes out as IPv4");
    }

    @Test
    void ipv6FromAnExplicitAddressMappingIsTranslated() {
        XlatConfig c = XlatConfig.builder().pref64("2001:db8:64::/96").clat("192.0.0.1", CLAT6)
                .pref64ForLocal(false).eams(List.of(EamEntry.parse("203.0.113.7/32=2001:db8:200::7/128"))).build();
        byte[] udp = PacketBuilder.udp6(v6("2001:db8:200::7"), v6(CLAT6), 53, 40000, new byte[] {1, 2});
        XlatRun r = XlatRun.run(c, ipv6("2001:db8:200::7", CLAT6).payload(17, udp).build());
        assertEquals(PacketBuilder.v4("203.0.113.7"), r.single4().src);
    }

    @Test
    void anIcmpv6ErrorFromARouterOutsideThePrefixIsTheExceptionAndIsTranslated() {
        // A provider router (not under the prefix) reports Hop Limit Exceeded for our own translated packet.
        byte[] inner = ipv6(CLAT6, "2001:db8:64::c633:640a").hopLimit(1)
                .udp(40000, 53, new byte[] {1, 2, 3, 4}).build();
        byte[] err = ipv6("2001:db8:100::1", CLAT6).icmp(IcmpMaps.V6_TIME_EXCEEDED, 0, 0, inner).build();
        XlatRun r = XlatRun.run(clat(), err);
        PacketAssert.V4 out = r.single4();
        // RFC 6791: the untranslatable source becomes the translator's IPv4 address (192.0.0.8, RFC 7600).
        assertEquals(PacketBuilder.v4("192.0.0.8"), out.src);
    }
}
