package net.jclat.xlat;

import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7756 §6: an IPv6 packet whose source translates to one of the translator's own IPv4 addresses would
 * look locally generated to the IPv4 node; it is dropped.
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
}
