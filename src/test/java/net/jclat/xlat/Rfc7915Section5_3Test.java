package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.ROUTER6;
import static net.jclat.xlat.Fixtures.ROUTER6_AS_V4;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.concat;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 7915 §5.3 (and RFC 6791): the packet inside an ICMPv6 error, and the error's IPv4 source. */
class Rfc7915Section5_3Test {

    private static byte[] error(String from, int type, int code, int rest, byte[] quoted) {
        return ipv6(from, H4_AS_V6).hopLimit(50).icmp(type, code, rest, quoted).build();
    }

    @Test
    void innerIpv6PacketIsTranslatedLikeAnOrdinaryPacket() {
        byte[] udp = PacketBuilder.udp6(v6(H4_AS_V6), v6(R4_AS_V6), 33434, 33435, bytes(24, 6));
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).trafficClass(0x10).hopLimit(1).payload(17, udp).build();
        byte[] in = error(ROUTER6, 3, 0, 0, inner);
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(in.length - 40, v4.totalLength, "outer and inner headers each shrank by 20");
        byte[] q = v4.icmpBody();
        assertEquals(20 + udp.length, q.length);
        PacketAssert.V4 inner4 = PacketAssert.parse4(q);
        assertAddress(H4, inner4.src);
        assertAddress(R4, inner4.dst);
        assertEquals(17, inner4.protocol);
        assertEquals(20 + udp.length, inner4.totalLength);
        assertEquals(1, inner4.ttl, "inner hop limit is not decremented");
        assertEquals(0x10, inner4.tos);
        PacketAssert.transport4(inner4.src, inner4.dst, 17, inner4.payload, false);
        assertArrayEquals(slice(udp, 8, 24), slice(inner4.payload, 8, 24));
    }

    @Test
    void innerExtensionHeadersAreSkipped() {
        byte[] tcp = PacketBuilder.tcp6(v6(H4_AS_V6), v6(R4_AS_V6), 1, 2, bytes(20, 6));
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).options(PacketBuilder.DEST_OPTS).payload(6, tcp).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), error(ROUTER6, 1, 4, 0, inner)).single4();
        PacketAssert.V4 inner4 = PacketAssert.parse4(v4.icmpBody());
        assertEquals(6, inner4.protocol);
        assertEquals(20 + tcp.length, inner4.totalLength);
    }

    @Test
    void innerEchoRequestBecomesIcmpv4EchoWithValidChecksum() {
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).icmp(128, 0, PacketBuilder.echoRest(9, 9), bytes(20, 1)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), error(ROUTER6, 3, 0, 0, inner)).single4();
        PacketAssert.V4 inner4 = PacketAssert.parse4(v4.icmpBody());
        assertEquals(1, inner4.protocol);
        assertEquals(8, inner4.icmpType());
        PacketAssert.transport4(inner4.src, inner4.dst, 1, inner4.payload, false);
    }

    @Test
    void icmpv6ErrorInsideAnIcmpv6ErrorIsDropped() {
        byte[] innermost = ipv6(R4_AS_V6, H4_AS_V6).udp(1, 2, bytes(8, 0)).build();
        byte[] innerError = ipv6(H4_AS_V6, R4_AS_V6).icmp(1, 4, 0, innermost).build();
        XlatRun.run(siitConfig(), error(ROUTER6, 3, 0, 0, innerError)).assertSilentDrop(Drop.ICMP_NESTED_ERROR);
    }

    @Test
    void translatedErrorIsTruncatedTo576Bytes() {
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).udp(1, 2, bytes(1000, 1)).build();
        byte[] in = error(ROUTER6, 1, 0, 0, inner);
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(576, v4.raw.length, "RFC 1812 §4.3.2.3");
        PacketAssert.V4 inner4 = PacketAssert.parseQuoted4(v4.icmpBody());
        assertEquals(20 + 1008, inner4.totalLength, "the quoted header still says how long the packet was");
        assertEquals(548, v4.icmpBody().length);
    }

    @Test
    void rfc6791PoolAddressIsTheSourceWhenTheIcmpv6SourceHasNoIpv4Form() {
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).udp(1, 2, bytes(20, 1)).build();
        byte[] in = error("2001:db8:beef::1", 3, 0, 0, inner);
        XlatConfig c = siit().translatorIpv4(Ipv4Prefix.parse("203.0.113.7/32")).build();
        PacketAssert.V4 v4 = XlatRun.run(c, in).single4();
        assertAddress("203.0.113.7", v4.src);
        assertAddress(H4, v4.dst);
        assertEquals(11, v4.icmpType());
    }

    @Test
    void rfc6791PoolAddressIsDrawnFromTheConfiguredPool() {
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).udp(1, 2, bytes(20, 1)).build();
        XlatConfig c = siit().translatorIpv4(Ipv4Prefix.parse("203.0.113.16/28")).build();
        for (String router : new String[] {"2001:db8:beef::1", "2001:db8:beef::2", "2001:db8:cafe::99"}) {
            PacketAssert.V4 v4 = XlatRun.run(c, error(router, 3, 0, 0, inner)).single4();
            assertEquals(v4("203.0.113.16"), v4.src & 0xFFFFFFF0, "source inside 203.0.113.16/28");
        }
    }

    @Test
    void icmpv6SourceInsideThePrefixIsMappedNormally() {
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).udp(1, 2, bytes(20, 1)).build();
        XlatConfig c = siit().translatorIpv4(Ipv4Prefix.parse("203.0.113.7/32")).build();
        PacketAssert.V4 v4 = XlatRun.run(c, error(ROUTER6, 3, 0, 0, inner)).single4();
        assertAddress(ROUTER6_AS_V4, v4.src);
    }

    @Test
    void innerFragmentBecomesAnIpv4FragmentHeader() {
        byte[] inner = ipv6(H4_AS_V6, R4_AS_V6).fragment(0, true, 0x11112222).payload(17, bytes(64, 1)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), error(ROUTER6, 3, 1, 0, inner)).single4();
        PacketAssert.V4 inner4 = PacketAssert.parse4(v4.icmpBody());
        assertEquals(0x2222, inner4.id);
        assertTrue(inner4.mf);
        assertFalse(inner4.df);
        assertEquals(17, inner4.protocol);
    }

    @Test
    void rfc4884LengthIsReexpressedIn32BitWords() {
        // 128 bytes of original datagram (16 64-bit words), then an 8-byte extension structure.
        byte[] original = slice(ipv6(H4_AS_V6, R4_AS_V6).udp(1, 2, bytes(300, 3)).build(), 0, 128);
        byte[] extension = {0x20, 0, 0x12, 0x34, 0, 4, 1, 1};
        byte[] in = error(ROUTER6, 1, 0, 16 << 24, concat(original, extension));
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(3, v4.icmpType());
        assertEquals(32, v4.payload[5] & 0xFF, "108 translated bytes padded to the 128 minimum = 32 words");
        byte[] body = v4.icmpBody();
        assertEquals(128 + extension.length, body.length);
        assertArrayEquals(new byte[20], slice(body, 108, 20), "zero padding");
        assertArrayEquals(extension, slice(body, 128, extension.length));
    }
}
