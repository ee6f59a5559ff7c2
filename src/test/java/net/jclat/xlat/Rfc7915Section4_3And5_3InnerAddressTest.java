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
 * RFC 7915 §4.3 / §5.3: the packet inside an ICMP error is translated "in the same way" as an outer one, so
 * an address an outer packet could never carry (RFC 1122 §3.2.1.3 loopback and "this network", RFC 3927 §2.7
 * link-local, multicast, class E) makes the quoted packet one no router sent: the error is dropped as
 * {@code icmp-bad-inner}, never translated and never answered.
 */
class Rfc7915Section4_3And5_3InnerAddressTest {

    /** An ICMPv4 Host Unreachable from the IPv4 host H4 about a packet R4 sent it (the TAYGA suite's shape). */
    private static byte[] icmp4Quoting(String innerSrc, String innerDst) {
        byte[] quoted = ipv4(innerSrc, innerDst).ttl(64).udp(6969, 9696, bytes(64, 1)).build();
        return ipv4(H4, R4).icmp(3, 1, 0, quoted).build();
    }

    /** An ICMPv6 Address Unreachable from R4 about a packet H4 sent it. */
    private static byte[] icmp6Quoting(String innerSrc, String innerDst) {
        byte[] quoted = ipv6(innerSrc, innerDst).udp(6969, 9696, bytes(64, 1)).build();
        return ipv6(R4_AS_V6, H4_AS_V6).icmp(1, 3, 0, quoted).build();
    }

    private static void dropped(byte[] in) {
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_BAD_INNER);
    }

    @Test
    void rfc7915Section4_3InnerIpv4WithLoopbackSourceIsDropped() {
        dropped(icmp4Quoting("127.0.0.1", H4));
    }

    @Test
    void rfc7915Section4_3InnerIpv4WithLoopbackDestinationIsDropped() {
        dropped(icmp4Quoting(R4, "127.0.0.1"));
    }

    @Test
    void rfc7915Section4_3InnerIpv4WithThisNetworkLinkLocalMulticastOrClassEIsDropped() {
        dropped(icmp4Quoting("0.1.2.3", H4));
        dropped(icmp4Quoting(R4, "169.254.1.1"));
        dropped(icmp4Quoting(R4, "224.0.0.9"));
        dropped(icmp4Quoting("240.0.0.1", H4));
    }

    @Test
    void rfc7915Section5_3InnerIpv6WhoseIpv4FormIsLoopbackIsDropped() {
        dropped(icmp6Quoting("2001:db8:64::127.0.0.1", R4_AS_V6));
        dropped(icmp6Quoting(H4_AS_V6, "2001:db8:64::127.0.0.1"));
    }

    @Test
    void rfc7915Section5_3InnerIpv6WhoseIpv4FormIsLinkLocalOrThisNetworkIsDropped() {
        dropped(icmp6Quoting("2001:db8:64::169.254.9.9", R4_AS_V6));
        dropped(icmp6Quoting(H4_AS_V6, "2001:db8:64::0.0.0.7"));
    }

    @Test
    void anOrdinaryQuotedPacketIsStillTranslated() {
        XlatRun.run(siitConfig(), icmp4Quoting(R4, H4)).single6();
        XlatRun.run(siitConfig(), icmp6Quoting(H4_AS_V6, R4_AS_V6)).single4();
    }
}
