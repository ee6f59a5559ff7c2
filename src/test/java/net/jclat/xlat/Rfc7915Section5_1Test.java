package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.ROUTER6;
import static net.jclat.xlat.Fixtures.TRANSLATOR6;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7915 §5 and §5.1: translating IPv6 headers into IPv4 headers. */
class Rfc7915Section5_1Test {

    private static PacketBuilder.Ipv6 fromR() {
        return ipv6(R4_AS_V6, H4_AS_V6);
    }

    @Test
    void headerIsVersion4WithoutOptionsAndAddressesMapped() {
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), fromR().tcp(443, 40000, bytes(50, 1)).build()).single4();
        assertEquals(0x45, v4.raw[0] & 0xFF, "version 4, IHL 5");
        assertAddress(R4, v4.src);
        assertAddress(H4, v4.dst);
        assertEquals(6, v4.protocol);
    }

    @Test
    void tosIsCopiedFromTrafficClass() {
        byte[] in = fromR().trafficClass(0xB9).flowLabel(0xABCDE).udp(1, 2, bytes(10, 1)).build();
        assertEquals(0xB9, XlatRun.run(siitConfig(), in).single4().tos);
    }

    @Test
    void totalLengthIsPayloadLengthPlusTwenty() {
        byte[] in = fromR().udp(1, 2, bytes(123, 1)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(in.length - 40 + 20, v4.totalLength);
    }

    @Test
    void moreFragmentsAndOffsetAreZeroAndDfClearUpTo1260Bytes() {
        byte[] in = fromR().udp(1, 2, bytes(1232, 1)).build();
        assertEquals(1280, in.length);
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(1260, v4.totalLength);
        assertFalse(v4.df, "<= 1260: DF clear");
        assertFalse(v4.mf);
        assertEquals(0, v4.offsetBytes);
    }

    @Test
    void dfIsSetAbove1260Bytes() {
        byte[] in = fromR().udp(1, 2, bytes(1233, 1)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(1261, v4.totalLength);
        assertTrue(v4.df, "> 1260: DF set");
        assertFalse(v4.mf);
    }

    @Test
    void identificationComesFromTheTranslatorsGenerator() {
        Translator t = new Translator(siitConfig(), new Counters());
        byte[] in = fromR().udp(1, 2, bytes(10, 1)).build();
        PacketAssert.V4 a = PacketAssert.valid4(XlatRun.run(t, in).single());
        PacketAssert.V4 b = PacketAssert.valid4(XlatRun.run(t, in).single());
        assertTrue(a.id != b.id, "consecutive packets get different identifications");
    }

    @Test
    void ttlIsHopLimitMinusOne() {
        assertEquals(63, XlatRun.run(siitConfig(), fromR().hopLimit(64).udp(1, 2, bytes(1, 1)).build()).single4().ttl);
        assertEquals(1, XlatRun.run(siitConfig(), fromR().hopLimit(2).udp(1, 2, bytes(1, 1)).build()).single4().ttl);
    }

    @Test
    void hopLimitOneIsAnsweredWithIcmpv6TimeExceededFromTranslatorAddress() {
        byte[] in = fromR().hopLimit(1).udp(1, 2, bytes(30, 1)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V6 err = PacketAssert.valid6(r.assertAnswered(Drop.TTL_EXPIRED));
        assertAddress(TRANSLATOR6, err.src);
        assertAddress(R4_AS_V6, err.dst);
        assertEquals(58, err.nextHeader);
        assertEquals(3, err.icmpType(), "Time Exceeded");
        assertEquals(0, err.icmpCode(), "Hop limit exceeded in transit");
        assertEquals(0, err.icmpRest());
        assertArrayEquals(in, err.icmpBody());
    }

    @Test
    void hopLimitZeroIsAlsoExpired() {
        byte[] in = fromR().hopLimit(0).udp(1, 2, bytes(30, 1)).build();
        assertEquals(3, PacketAssert.valid6(XlatRun.run(siitConfig(), in).assertAnswered(Drop.TTL_EXPIRED)).icmpType());
    }

    @Test
    void hopLimitOneIsSilentlyDroppedWhenNoTranslatorIpv6IsConfigured() {
        byte[] in = fromR().hopLimit(1).udp(1, 2, bytes(30, 1)).build();
        XlatRun.run(XlatConfig.builder().pref64(Fixtures.PREF64).build(), in).assertSilentDrop(Drop.TTL_EXPIRED);
    }

    @Test
    void hopByHopDestinationOptionsAndRoutingWithSegmentsLeftZeroAreSkipped() {
        byte[] tcp = PacketBuilder.tcp6(v6(R4_AS_V6), v6(H4_AS_V6), 443, 40000, bytes(64, 2));
        byte[] in = fromR().options(PacketBuilder.HOP_BY_HOP).options(PacketBuilder.DEST_OPTS).routing(0)
                .options(PacketBuilder.DEST_OPTS).payload(6, tcp).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(6, v4.protocol, "protocol of the first header that is not skipped");
        assertEquals(20 + tcp.length, v4.totalLength, "extension headers not counted");
        assertEquals(20, v4.ihl, "no attempt to translate the headers into options");
    }

    @Test
    void routingHeaderWithSegmentsLeftIsAnsweredWithParameterProblemPointingAtSegmentsLeft() {
        byte[] in = fromR().options(PacketBuilder.HOP_BY_HOP).routing(2).udp(1, 2, bytes(20, 1)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V6 err = PacketAssert.valid6(r.assertAnswered(Drop.IPV6_SEGMENTS_LEFT));
        assertEquals(4, err.icmpType());
        assertEquals(0, err.icmpCode(), "erroneous header field encountered");
        assertEquals(40 + 8 + 3, err.icmpRest(), "first byte of Segments Left, from the start of the packet");
        assertAddress(TRANSLATOR6, err.src);
        assertAddress(R4_AS_V6, err.dst);
        assertArrayEquals(in, err.icmpBody());
    }

    @Test
    void icmpv6ErrorWithRoutingHeaderSegmentsLeftIsNotTranslated() {
        byte[] quoted = ipv6(H4_AS_V6, R4_AS_V6).udp(1, 2, bytes(20, 1)).build();
        byte[] in = ipv6(ROUTER6, H4_AS_V6).routing(1).icmp(1, 0, 0, quoted).build();
        // RFC 7915 §5.1: the packet MUST NOT be translated, and being an ICMPv6 error it is not answered.
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.IPV6_SEGMENTS_LEFT);
    }

    @Test
    void multicastDestinationIsDropped() {
        byte[] in = ipv6(R4_AS_V6, "ff0e::1").udp(1, 2, bytes(10, 1)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.MULTICAST);
        byte[] ll = ipv6(R4_AS_V6, "ff02::1").icmp(128, 0, 1, bytes(8, 1)).build();
        XlatRun.run(siitConfig(), ll).assertSilentDrop(Drop.MULTICAST);
    }

    @Test
    void multicastSourceIsDropped() {
        byte[] in = ipv6("ff05::2", H4_AS_V6).udp(1, 2, bytes(10, 1)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.MULTICAST);
    }

    @ParameterizedTest(name = "ICMPv6 type {0} (MLD/ND) is dropped as ndp-mld")
    @ValueSource(ints = {130, 131, 132, 133, 134, 135, 136, 137, 143})
    void neighbourDiscoveryAndMldAreDroppedAsNdpMld(int type) {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).hopLimit(255).icmp(type, 0, 0, bytes(16, 1)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.NDP_MLD);
    }

    @Test
    void unspecifiedAndLoopbackSourcesAreSilentlyDropped() {
        XlatRun.run(siitConfig(), ipv6("::", H4_AS_V6).udp(1, 2, bytes(4, 1)).build())
                .assertSilentDrop(Drop.ILLEGAL_SOURCE);
        XlatRun.run(siitConfig(), ipv6("::1", H4_AS_V6).udp(1, 2, bytes(4, 1)).build())
                .assertSilentDrop(Drop.ILLEGAL_SOURCE);
    }

    @Test
    void unknownTransportIsTranslatedWithItsNumberCopied() {
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), fromR().payload(132, bytes(36, 1)).build()).single4();
        assertEquals(132, v4.protocol);
        assertArrayEquals(bytes(36, 1), v4.payload);
    }

    @Test
    void dfSetPacketTooBigForIpv4NextHopIsAnsweredWithPacketTooBig() {
        byte[] in = fromR().tcp(1, 2, bytes(1440, 1)).build();
        assertEquals(1500, in.length);
        XlatRun r = XlatRun.run(siit().ipv4Mtu(1400).build(), in);
        PacketAssert.V6 err = PacketAssert.valid6(r.assertAnswered(Drop.PACKET_TOO_BIG));
        assertEquals(2, err.icmpType());
        assertEquals(0, err.icmpCode());
        assertEquals(1420, err.icmpRest(), "IPv4 next-hop MTU + 20");
        assertEquals(1280, err.raw.length, "quote limited so the error fits the IPv6 minimum MTU");
    }
}
