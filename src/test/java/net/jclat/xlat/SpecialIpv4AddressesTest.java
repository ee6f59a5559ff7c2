package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.ipv6;

import org.junit.jupiter.api.Test;

/**
 * IPv4 addresses no router forwards, whichever side they come from. A network-specific prefix (the SIIT
 * fixture) embeds any IPv4 address, so RFC 6052 §3.1 does not stop these; the rules below do, in both
 * directions, silently (RFC 1812 §4.3.2.7: no ICMP error about a datagram from a non-unique source).
 * <ul>
 * <li>RFC 1122 §3.2.1.3 / RFC 1812 §5.3.7: 0.0.0.0/8 and 127.0.0.0/8 are never a forwarded source or
 *     destination: {@code illegal-source}, {@code illegal-destination}.
 * <li>RFC 3927 §2.7: a router MUST NOT forward a packet with a 169.254/16 source or destination:
 *     {@code link-local}.
 * <li>RFC 1112 §4 / RFC 919: multicast and limited broadcast: {@code multicast}; RFC 1112 §4 / RFC 6890:
 *     240.0.0.0/4 is reserved (class E): {@code reserved-class-e}.
 * </ul>
 */
class SpecialIpv4AddressesTest {

    private static byte[] fromIpv6(String src4, String dst4) {
        return ipv6("2001:db8:64::" + src4, "2001:db8:64::" + dst4).udp(53, 40000, bytes(12, 1)).build();
    }

    private static byte[] fromIpv4(String src, String dst) {
        return ipv4(src, dst).udp(40000, 53, bytes(12, 1)).build();
    }

    private static void silent(byte[] in, Drop reason) {
        XlatRun.run(siitConfig(), in).assertSilentDrop(reason);
    }

    @Test
    void rfc1122Section3_2_1_3ThisNetworkIsNeverEmittedAsAnIpv4Source() {
        silent(fromIpv6("0.1.2.3", R4), Drop.ILLEGAL_SOURCE);
        silent(fromIpv6("0.0.0.0", R4), Drop.ILLEGAL_SOURCE);
    }

    @Test
    void rfc1812Section5_3_7LoopbackIsNeverEmittedAsAnIpv4Source() {
        silent(fromIpv6("127.0.0.1", R4), Drop.ILLEGAL_SOURCE);
    }

    @Test
    void rfc1122Section3_2_1_3ThisNetworkAndLoopbackAreNeverADestinationEitherWay() {
        silent(fromIpv6(H4, "0.0.0.1"), Drop.ILLEGAL_DESTINATION);
        silent(fromIpv6(H4, "127.1.1.1"), Drop.ILLEGAL_DESTINATION);
        silent(fromIpv4(H4, "0.1.1.1"), Drop.ILLEGAL_DESTINATION);
        silent(fromIpv4(H4, "127.0.0.1"), Drop.ILLEGAL_DESTINATION);
    }

    @Test
    void rfc3927Section2_7LinkLocalIsNotForwardedFromIpv6() {
        silent(fromIpv6("169.254.0.42", R4), Drop.LINK_LOCAL);
        silent(fromIpv6(H4, "169.254.69.42"), Drop.LINK_LOCAL);
    }

    @Test
    void rfc3927Section2_7LinkLocalIsNotForwardedFromIpv4() {
        silent(fromIpv4("169.254.0.42", R4), Drop.LINK_LOCAL);
        silent(fromIpv4(H4, "169.254.69.42"), Drop.LINK_LOCAL);
    }

    @Test
    void classEIsDroppedAsReservedNotAsMulticastBothWays() {
        silent(fromIpv4("240.0.0.1", R4), Drop.RESERVED_CLASS_E);
        silent(fromIpv4(H4, "251.5.6.7"), Drop.RESERVED_CLASS_E);
        silent(fromIpv4(H4, "255.255.255.254"), Drop.RESERVED_CLASS_E);
        silent(fromIpv6("250.0.0.0", R4), Drop.RESERVED_CLASS_E);
        silent(fromIpv6(H4, "240.0.0.1"), Drop.RESERVED_CLASS_E);
    }

    @Test
    void multicastAndLimitedBroadcastAreDroppedAsMulticastBothWays() {
        silent(fromIpv4(H4, "224.0.0.1"), Drop.MULTICAST);
        silent(fromIpv4(H4, "255.255.255.255"), Drop.MULTICAST);
        silent(fromIpv6(H4, "239.0.0.1"), Drop.MULTICAST);
        silent(fromIpv6(H4, "255.255.255.255"), Drop.MULTICAST);
        silent(fromIpv6("224.0.0.1", R4), Drop.MULTICAST);
    }

    @Test
    void liftingTheWkpRuleDoesNotLetLoopbackOut() {
        XlatConfig wkp = XlatConfig.builder().pref64("64:ff9b::/96").allowWkpNonGlobal(true).build();
        byte[] in = ipv6("64:ff9b::127.0.0.1", "64:ff9b::9.9.9.9").udp(53, 40000, bytes(4, 1)).build();
        XlatRun.run(wkp, in).assertSilentDrop(Drop.ILLEGAL_SOURCE);
    }

    @Test
    void anIcmpv6ErrorFromALoopbackIpv4FormIsNotTranslated() {
        byte[] quoted = ipv6(H4_AS_V6, R4_AS_V6).udp(1, 2, bytes(8, 1)).build();
        byte[] in = ipv6("2001:db8:64::127.0.0.1", H4_AS_V6).icmp(1, 4, 0, quoted).build();
        silent(in, Drop.ILLEGAL_SOURCE);
    }

    @Test
    void anIcmpv4ErrorFromLoopbackIsNotTranslated() {
        byte[] quoted = ipv4(R4, H4).udp(1, 2, bytes(8, 1)).build();
        byte[] in = ipv4("127.0.0.1", R4).icmp(3, 3, 0, quoted).build();
        silent(in, Drop.ILLEGAL_SOURCE);
    }

    @Test
    void ordinaryAddressesStillPass() {
        XlatRun.run(siitConfig(), fromIpv6(R4, H4)).single4();
        XlatRun.run(siitConfig(), fromIpv4(H4, R4)).single6();
        XlatRun.run(siitConfig(), fromIpv6("169.253.255.255", "169.255.0.0")).single4();
        XlatRun.run(siitConfig(), fromIpv4("1.0.0.0", "223.255.255.255")).single6();
    }
}
