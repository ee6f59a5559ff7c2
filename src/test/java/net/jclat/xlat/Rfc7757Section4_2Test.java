package net.jclat.xlat;

import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7757 §4.2: hairpinning. The configuration is the RFC's own example (§4.1 and Appendix B.1): the
 * Well-Known Prefix and EAMs 192.0.2.1 = 2001:db8:aaaa:: and 192.0.2.2 = 2001:db8:bbbb::b. The RFC 6052 §3.1
 * non-global rule is lifted because the example uses documentation addresses.
 */
class Rfc7757Section4_2Test {

    private static XlatConfig config() {
        return XlatConfig.builder().pref64("64:ff9b::/96").allowWkpNonGlobal(true)
                .eams(List.of(EamEntry.parse("192.0.2.1=2001:db8:aaaa::"), EamEntry.parse("192.0.2.2=2001:db8:bbbb::b")))
                .build();
    }

    @Test
    void intrinsicHairpinTranslatesBackToIpv6WithPref64SourceAndEamDestination() {
        byte[] in = ipv6("2001:db8:aaaa::", "64:ff9b::192.0.2.2").hopLimit(64).udp(1111, 2222, bytes(30, 1)).build();
        XlatRun r = XlatRun.run(config(), in);
        PacketAssert.V6 v6 = r.single6();
        assertAddress("64:ff9b::192.0.2.1", v6.src);
        assertAddress("2001:db8:bbbb::b", v6.dst);
        assertEquals(17, v6.nextHeader);
        assertEquals(63, v6.hopLimit, "decremented once, not once per pass (§4.2.2 SHOULD NOT)");
        assertArrayEquals(slice(in, 48, 30), slice(v6.upperBytes, 8, 30));
        assertEquals(1, r.counters.get(Counters.HAIRPINNED));
        // valid6 checked the UDP checksum against the new addresses.
    }

    @Test
    void intrinsicHairpinReplyTravelsTheSameWayBack() {
        // Appendix B.1 step 2: the reply 2001:db8:bbbb::b -> 64:ff9b::192.0.2.1.
        byte[] in = ipv6("2001:db8:bbbb::b", "64:ff9b::192.0.2.1").tcp(2222, 1111, bytes(10, 1)).build();
        PacketAssert.V6 v6 = XlatRun.run(config(), in).single6();
        assertAddress("64:ff9b::192.0.2.2", v6.src);
        assertAddress("2001:db8:aaaa::", v6.dst);
    }

    @Test
    void intrinsicHairpinFixesTheIcmpv6Checksum() {
        byte[] in = ipv6("2001:db8:aaaa::", "64:ff9b::192.0.2.2").icmp(128, 0, 0x00010001, bytes(16, 1)).build();
        PacketAssert.V6 v6 = XlatRun.run(config(), in).single6();
        assertEquals(128, v6.icmpType(), "stays ICMPv6 echo");
    }

    @Test
    void packetToTheEamAddressDirectlyIsNotHairpinned() {
        // Condition A2 fails: the destination came from the EAM, not RFC 6052.
        byte[] in = ipv6("2001:db8:aaaa::", "2001:db8:bbbb::b").udp(1, 2, bytes(4, 1)).build();
        PacketAssert.V4 v4 = XlatRun.run(config(), in).single4();
        assertAddress("192.0.2.1", v4.src);
        assertAddress("192.0.2.2", v4.dst);
    }

    @Test
    void simpleHairpinRule1Ipv4SourceIsNeverMappedThroughTheEam() {
        byte[] in = ipv4("192.0.2.1", "198.51.100.9").udp(1, 2, bytes(8, 1)).build();
        PacketAssert.V6 v6 = XlatRun.run(config(), in).single6();
        assertAddress("64:ff9b::192.0.2.1", v6.src);
        assertAddress("64:ff9b::198.51.100.9", v6.dst);
    }

    @Test
    void simpleHairpinRule1StillMapsTheDestinationThroughTheEam() {
        byte[] in = ipv4("198.51.100.9", "192.0.2.2").udp(1, 2, bytes(8, 1)).build();
        PacketAssert.V6 v6 = XlatRun.run(config(), in).single6();
        assertAddress("64:ff9b::198.51.100.9", v6.src);
        assertAddress("2001:db8:bbbb::b", v6.dst);
    }

    @Test
    void simpleHairpinRule2InnerDestinationOfAnIcmpv4ErrorIsNeverMappedThroughTheEam() {
        byte[] quoted = ipv4("192.0.2.2", "192.0.2.1").udp(1, 2, bytes(8, 1)).build();
        byte[] in = ipv4("198.51.100.254", "192.0.2.2").icmp(3, 3, 0, quoted).build();
        PacketAssert.V6 v6 = XlatRun.run(config(), in).single6();
        PacketAssert.V6 q = PacketAssert.parse6(v6.icmpBody());
        assertAddress("2001:db8:bbbb::b", q.src);
        assertAddress("64:ff9b::192.0.2.1", q.dst);
    }

    @Test
    void simpleHairpinRule3ErrorFromTheQuotedDestinationKeepsItsSourceOutOfTheEam() {
        byte[] quoted = ipv4("192.0.2.2", "192.0.2.1").udp(1, 2, bytes(8, 1)).build();
        byte[] in = ipv4("192.0.2.1", "192.0.2.2").icmp(3, 3, 0, quoted).build();
        PacketAssert.V6 v6 = XlatRun.run(config(), in).single6();
        assertAddress("64:ff9b::192.0.2.1", v6.src);
        assertAddress("2001:db8:bbbb::b", v6.dst);
    }
}
