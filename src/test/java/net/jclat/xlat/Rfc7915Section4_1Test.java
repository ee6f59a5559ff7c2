package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.TRANSLATOR4;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7915 §4 and §4.1: translating IPv4 headers into IPv6 headers. */
class Rfc7915Section4_1Test {

    private static byte[] tcpPacket(int tos, int ttl) {
        return ipv4(H4, R4).tos(tos).ttl(ttl).tcp(40000, 443, bytes(100, 1)).build();
    }

    @Test
    void versionIsSixAndAddressesAreMappedWithRfc6052() {
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), tcpPacket(0, 64)).single6();
        assertEquals(6, (v6.raw[0] & 0xF0) >>> 4);
        assertAddress(H4_AS_V6, v6.src);
        assertAddress(R4_AS_V6, v6.dst);
    }

    @Test
    void trafficClassIsCopiedFromTos() {
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), tcpPacket(0xB9, 64)).single6();
        assertEquals(0xB9, v6.trafficClass);
    }

    @Test
    void trafficClassIsZeroWhenTosIsIgnoredByConfiguration() {
        PacketAssert.V6 v6 = XlatRun.run(siit().ignoreTos(true).build(), tcpPacket(0xB8, 64)).single6();
        assertEquals(0, v6.trafficClass);
    }

    @Test
    void flowLabelIsZero() {
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), tcpPacket(0xFF, 64)).single6();
        assertEquals(0, v6.flowLabel);
        assertEquals(0, v6.raw[1] & 0x0F);
        assertEquals(0, get16(v6.raw, 2));
    }

    @Test
    void payloadLengthIsTotalLengthMinusIpv4Header() {
        byte[] in = tcpPacket(0, 64);
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(in.length - 20, v6.payloadLength);
        assertEquals(in.length + 20, v6.raw.length);
    }

    @Test
    void nextHeaderCopiesTheProtocolField() {
        assertEquals(6, XlatRun.run(siitConfig(), tcpPacket(0, 64)).single6().nextHeader);
        byte[] udp = ipv4(H4, R4).udp(1, 2, bytes(10, 3)).build();
        assertEquals(17, XlatRun.run(siitConfig(), udp).single6().nextHeader);
        // RFC 7915 §4.5: all transport protocols are forwarded, their number copied (132 = SCTP).
        byte[] sctp = ipv4(H4, R4).payload(132, bytes(40, 5)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), sctp).single6();
        assertEquals(132, v6.nextHeader);
        assertArrayEquals(bytes(40, 5), v6.upperBytes, "payload of an unknown transport is left unchanged");
    }

    @Test
    void nextHeaderForIcmpv4IsIcmpv6() {
        byte[] ping = ipv4(H4, R4).icmp(8, 0, PacketBuilder.echoRest(7, 1), bytes(32, 9)).build();
        assertEquals(58, XlatRun.run(siitConfig(), ping).single6().nextHeader);
    }

    @Test
    void hopLimitIsTtlMinusOne() {
        assertEquals(63, XlatRun.run(siitConfig(), tcpPacket(0, 64)).single6().hopLimit);
        assertEquals(1, XlatRun.run(siitConfig(), tcpPacket(0, 2)).single6().hopLimit);
    }

    @Test
    void ttlOneIsAnsweredWithTimeExceededFromTranslatorAddress() {
        byte[] in = tcpPacket(0, 1);
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.TTL_EXPIRED));
        assertAddress(TRANSLATOR4, err.src);
        assertAddress(H4, err.dst);
        assertEquals(1, err.protocol);
        assertEquals(11, err.icmpType(), "Time Exceeded");
        assertEquals(0, err.icmpCode(), "TTL exceeded in transit");
        assertEquals(0, err.icmpRest());
        assertArrayEquals(in, err.icmpBody(), "the whole dropped packet is quoted");
        assertTrue(err.ttl > 1);
    }

    @Test
    void ttlZeroIsAnsweredWithTimeExceeded() {
        XlatRun r = XlatRun.run(siitConfig(), tcpPacket(0, 0));
        assertEquals(11, PacketAssert.valid4(r.assertAnswered(Drop.TTL_EXPIRED)).icmpType());
    }

    @Test
    void ipv4OptionsAreIgnoredAndThePacketTranslated() {
        // Record Route (7), length 7, pointer 4, one empty slot; then End of Option List.
        byte[] options = {7, 7, 4, 0, 0, 0, 0, 0};
        byte[] tcp = PacketBuilder.tcp4(v4(H4), v4(R4), 1000, 80, bytes(50, 2));
        byte[] in = ipv4(H4, R4).options(options).payload(6, tcp).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(in.length - 28, v6.payloadLength, "payload length excludes the options");
        assertEquals(6, v6.nextHeader);
        assertTrue(v6.extensions.isEmpty(), "options are not translated into extension headers");
        assertEquals(tcp.length, v6.upperBytes.length);
        assertArrayEquals(slice(tcp, 20, 50), slice(v6.upperBytes, 20, 50));
    }

    @Test
    void expiredLooseSourceRouteIsIgnoredAndThePacketTranslated() {
        // LSRR (131), length 7, pointer 8 > length: every hop already visited.
        byte[] options = {(byte) 131, 7, 8, (byte) 198, 51, 100, 9, 0};
        byte[] in = ipv4(H4, R4).options(options).tcp(1000, 80, bytes(20, 2)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(in.length - 28, v6.payloadLength);
    }

    @Test
    void unexpiredLooseSourceRouteIsDiscardedWithSourceRouteFailed() {
        byte[] options = {(byte) 131, 7, 4, (byte) 198, 51, 100, 9, 0};
        byte[] in = ipv4(H4, R4).options(options).tcp(1000, 80, bytes(20, 2)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.IPV4_SOURCE_ROUTE));
        assertEquals(3, err.icmpType());
        assertEquals(5, err.icmpCode(), "Source Route Failed");
        assertAddress(TRANSLATOR4, err.src);
        assertAddress(H4, err.dst);
        assertArrayEquals(in, err.icmpBody());
    }

    @Test
    void unexpiredStrictSourceRouteIsDiscardedWithSourceRouteFailed() {
        byte[] options = {1, (byte) 137, 7, 4, (byte) 198, 51, 100, 9};
        byte[] in = ipv4(H4, R4).options(options).udp(1000, 53, bytes(20, 2)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.IPV4_SOURCE_ROUTE));
        assertEquals(3, err.icmpType());
        assertEquals(5, err.icmpCode());
    }

    @Test
    void badHeaderChecksumIsDropped() {
        byte[] in = ipv4(H4, R4).corruptChecksum().tcp(1, 2, bytes(10, 0)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.IPV4_BAD_CHECKSUM);
    }

    @Test
    void illegalSourceThisNetworkIsSilentlyDropped() {
        byte[] in = ipv4("0.1.2.3", R4).tcp(1, 2, bytes(10, 0)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ILLEGAL_SOURCE);
        byte[] zero = ipv4("0.0.0.0", R4).udp(68, 67, bytes(10, 0)).build();
        XlatRun.run(siitConfig(), zero).assertSilentDrop(Drop.ILLEGAL_SOURCE);
    }

    @Test
    void illegalSourceLoopbackIsSilentlyDropped() {
        byte[] in = ipv4("127.0.0.1", R4).tcp(1, 2, bytes(10, 0)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ILLEGAL_SOURCE);
        byte[] in2 = ipv4("127.255.0.9", R4).icmp(8, 0, 1, bytes(8, 0)).build();
        XlatRun.run(siitConfig(), in2).assertSilentDrop(Drop.ILLEGAL_SOURCE);
    }

    @Test
    void fragmentHeaderCarriesIpv4FragmentIdentificationOffsetAndMoreFlag() {
        byte[] udp = PacketBuilder.udp4(v4(H4), v4(R4), 5000, 6000, bytes(200, 4));
        byte[] first = ipv4(H4, R4).id(0xBEEF).mf(true).payload(17, slice(udp, 0, 104)).build();
        PacketAssert.V6 f1 = XlatRun.run(siitConfig(), first).single6();
        assertEquals(44, f1.nextHeader, "Next Header: Fragment Header");
        assertTrue(f1.hasFragment);
        assertEquals(17, f1.fragNextHeader);
        assertEquals(0, f1.fragOffsetBytes);
        assertTrue(f1.fragMore);
        assertEquals(0x0000BEEF, f1.fragId, "identification: low 16 bits copied, high 16 bits zero");
        assertEquals(104 + 8, f1.payloadLength, "payload length counts the Fragment Header");

        byte[] last = ipv4(H4, R4).id(0xBEEF).offset(104).payload(17, slice(udp, 104, 104)).build();
        PacketAssert.V6 f2 = XlatRun.run(siitConfig(), last).single6();
        assertEquals(104, f2.fragOffsetBytes);
        assertFalse(f2.fragMore);
        assertEquals(0x0000BEEF, f2.fragId);
        assertEquals(63, f2.hopLimit);

        // The IPv4 fragments reassemble into a UDP datagram valid under the IPv6 pseudo-header.
        byte[] whole = PacketAssert.reassemble6(List.of(f1, f2));
        PacketAssert.transport6(f1.src, f1.dst, 17, whole, true);
    }

    @Test
    void fragmentedIcmpv4IsHeldForReassemblyNotTranslatedPieceByPiece() {
        // RFC 7915 §4.2: the ICMPv6 checksum needs the whole message and its pseudo-header, so a fragment is
        // held until its datagram is complete (FragmentedIcmpReassemblyTest has the rest).
        byte[] first = ipv4(H4, R4).id(77).mf(true).icmp(8, 0, 1, bytes(1472, 0)).build();
        XlatRun r = XlatRun.run(siitConfig(), first);
        assertEquals(Verdict.HELD, r.verdict);
        assertTrue(r.out.isEmpty());
        assertEquals(1, r.counters.get(Counters.REASSEMBLY_PENDING_4TO6));
    }

    @Test
    void dfClearPacketLargerThanLowestIpv6MtuIsSplitIntoFragmentsOfAtMost1280() {
        byte[] udp = PacketBuilder.udp4(v4(H4), v4(R4), 5000, 6000, bytes(1472, 8));
        byte[] in = ipv4(H4, R4).id(0x4242).tos(0x20).ttl(30).payload(17, udp).build();
        assertEquals(1500, in.length);
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.TRANSLATED, r.verdict);
        assertEquals(2, r.out.size());
        List<PacketAssert.V6> frags = new ArrayList<>();
        for (byte[] p : r.out) {
            PacketAssert.V6 f = PacketAssert.valid6(p);
            assertTrue(p.length <= 1280, "fragment of " + p.length + " bytes exceeds 1280");
            assertEquals(44, f.nextHeader);
            assertEquals(17, f.fragNextHeader);
            assertEquals(0x4242, f.fragId);
            assertEquals(29, f.hopLimit);
            assertEquals(0x20, f.trafficClass);
            assertAddress(H4_AS_V6, f.src);
            assertAddress(R4_AS_V6, f.dst);
            frags.add(f);
        }
        assertEquals(1280, r.out.get(0).length, "first fragment fills the lowest IPv6 MTU");
        assertEquals(0, frags.get(0).fragOffsetBytes);
        assertEquals(1232, frags.get(1).fragOffsetBytes, "1280 - 40 - 8");
        byte[] whole = PacketAssert.reassemble6(frags);
        assertEquals(1480, whole.length);
        PacketAssert.transport6(frags.get(0).src, frags.get(0).dst, 17, whole, true);
    }

    @Test
    void lowestIpv6MtuIsConfigurableAboveThe1280Default() {
        byte[] udp = PacketBuilder.udp4(v4(H4), v4(R4), 5000, 6000, bytes(1472, 8));
        byte[] in = ipv4(H4, R4).payload(17, udp).build();
        XlatRun r = XlatRun.run(siit().lowestIpv6Mtu(1400).build(), in);
        assertEquals(2, r.out.size());
        assertEquals(1400, r.out.get(0).length);
        assertEquals(1352, PacketAssert.valid6(r.out.get(1)).fragOffsetBytes);
        // ... and a packet that fits the raised threshold is not fragmented at all.
        byte[] fits = ipv4(H4, R4).udp(1, 2, bytes(1300, 1)).build();
        PacketAssert.V6 v6 = XlatRun.run(siit().lowestIpv6Mtu(1400).build(), fits).single6();
        assertFalse(v6.hasFragment);
    }

    @Test
    void dfClearIpv4FragmentLargerThanLowestIpv6MtuIsSplitKeepingOffsetsAndMoreFlag() {
        byte[] in = ipv4(H4, R4).id(9).mf(true).offset(1480).payload(17, bytes(1480, 3)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(2, r.out.size());
        PacketAssert.V6 a = PacketAssert.valid6(r.out.get(0));
        PacketAssert.V6 b = PacketAssert.valid6(r.out.get(1));
        assertEquals(1480, a.fragOffsetBytes);
        assertEquals(1480 + 1232, b.fragOffsetBytes);
        assertTrue(a.fragMore);
        assertTrue(b.fragMore, "M stays set: the IPv4 fragment was not the last one");
        assertEquals(9, a.fragId);
        assertEquals(9, b.fragId);
        assertArrayEquals(bytes(1480, 3), PacketBuilder.concat(a.upperBytes, b.upperBytes));
    }

    @Test
    void dfClearIpv4FragmentThatOverflowsLowestIpv6MtuOnlyWithItsFragmentHeaderIsSplit() {
        // 20 + 1240 bytes of IPv4 become 40 + 8 + 1240 = 1288 bytes of IPv6: over 1280 "with Fragment Header
        // added to each fragment", so it must be split (RFC 7915 §4.1 first paragraph).
        byte[] in = ipv4(H4, R4).id(5).mf(true).payload(17, bytes(1240, 3)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.TRANSLATED, r.verdict);
        List<PacketAssert.V6> frags = new ArrayList<>();
        for (byte[] p : r.out) {
            assertTrue(p.length <= 1280, "IPv6 packet of " + p.length + " bytes exceeds lowest-ipv6-mtu 1280");
            frags.add(PacketAssert.valid6(p));
        }
        assertEquals(2, frags.size());
        assertTrue(frags.get(1).fragMore, "M stays set");
        byte[] joined = PacketBuilder.concat(frags.get(0).upperBytes, frags.get(1).upperBytes);
        assertEquals(1240, joined.length);
        // Bytes 6-7 are the UDP checksum, updated for the new pseudo-header; the rest is unchanged.
        assertArrayEquals(slice(bytes(1240, 3), 8, 1232), slice(joined, 8, 1232));
    }

    @Test
    void dfClearPacketOfExactlyLowestIpv6MtuHasNoFragmentHeader() {
        byte[] in = ipv4(H4, R4).udp(1, 2, bytes(1232, 1)).build();
        assertEquals(1260, in.length);
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(1280, v6.raw.length);
        assertFalse(v6.hasFragment, "no atomic fragment");
    }

    @Test
    void smallDfClearPacketHasNoFragmentHeader() {
        byte[] in = ipv4(H4, R4).df(false).tcp(1, 2, bytes(100, 1)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertFalse(v6.hasFragment, "RFC 7915 §4: MUST NOT include the Fragment Header for non-fragmented packets");
        assertEquals(6, v6.nextHeader);
    }

    @Test
    void dfSetPacketThatFitsTheIpv6NextHopIsNotFragmented() {
        byte[] in = ipv4(H4, R4).df(true).tcp(1, 2, bytes(1440, 1)).build();
        assertEquals(1480, in.length);
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(1500, v6.raw.length);
        assertFalse(v6.hasFragment);
    }

    @Test
    void dfSetPacketTooBigForIpv6NextHopIsAnsweredWithFragmentationNeeded() {
        byte[] in = ipv4(H4, R4).df(true).tcp(1, 2, bytes(1460, 1)).build();
        assertEquals(1500, in.length);
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.PACKET_TOO_BIG));
        assertEquals(3, err.icmpType());
        assertEquals(4, err.icmpCode(), "Fragmentation Needed and DF set");
        assertEquals(0, get16(err.payload, 4), "unused half of the word");
        assertEquals(1500 - 20, get16(err.payload, 6), "next-hop MTU in IPv4 terms: ipv6Mtu - 20");
        assertAddress(TRANSLATOR4, err.src);
        assertAddress(H4, err.dst);
        assertTrue(err.raw.length <= 576);
        assertArrayEquals(slice(in, 0, err.raw.length - 28), err.icmpBody(), "quote is the packet's beginning");
    }

    @Test
    void dfSetPacketTooBigUsesTheConfiguredIpv6NextHopMtu() {
        byte[] in = ipv4(H4, R4).df(true).tcp(1, 2, bytes(1460, 1)).build();
        XlatRun r = XlatRun.run(siit().ipv6Mtu(1400).build(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.PACKET_TOO_BIG));
        assertEquals(1380, get16(err.payload, 6));
    }
}
