package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.ROUTER4;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.concat;
import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 7915 §4.3 (and the §4.2 "ICMP Error Payload" rule): the packet inside an ICMPv4 error. */
class Rfc7915Section4_3Test {

    private static byte[] error(int type, int code, int rest, byte[] quoted) {
        return ipv4(ROUTER4, R4).ttl(40).icmp(type, code, rest, quoted).build();
    }

    @Test
    void innerIpv4PacketIsTranslatedLikeAnOrdinaryPacket() {
        byte[] udp = PacketBuilder.udp4(v4(R4), v4(H4), 33434, 33435, bytes(24, 6));
        byte[] inner = ipv4(R4, H4).tos(0x10).ttl(1).payload(17, udp).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), error(11, 0, 0, inner)).single6();
        byte[] q = v6.icmpBody();
        assertEquals(40 + udp.length, q.length, "the inner header grew by 20, nothing else changed length");
        PacketAssert.V6 in = PacketAssert.parse6(q);
        assertAddress(R4_AS_V6, in.src);
        assertAddress(H4_AS_V6, in.dst);
        assertEquals(17, in.nextHeader);
        assertEquals(udp.length, in.payloadLength);
        assertEquals(0x10, in.trafficClass);
        assertEquals(0, in.flowLabel);
        // The inner UDP checksum now matches the inner IPv6 pseudo-header (checked by valid6 too).
        PacketAssert.transport6(in.src, in.dst, 17, in.upperBytes, false);
        assertArrayEquals(slice(udp, 0, 6), slice(in.upperBytes, 0, 6), "ports and length unchanged");
        assertArrayEquals(slice(udp, 8, 24), slice(in.upperBytes, 8, 24));
    }

    @Test
    void innerTtlIsKeptAndOnlyTheOuterIsDecremented() {
        byte[] inner = ipv4(R4, H4).ttl(1).udp(1, 2, bytes(8, 0)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), error(11, 0, 0, inner)).single6();
        assertEquals(39, v6.hopLimit, "outer TTL 40 - 1");
        assertEquals(1, PacketAssert.parse6(v6.icmpBody()).hopLimit, "inner TTL not decremented");
    }

    @Test
    void outerPayloadLengthIsUpdatedForTheLargerInnerHeader() {
        byte[] inner = ipv4(R4, H4).tcp(443, 50000, bytes(30, 1)).build();
        byte[] in = error(3, 1, 0, inner);
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(in.length - 20 + 20, v6.payloadLength, "8 ICMP + inner (grown by 20)");
        PacketAssert.V6 q = PacketAssert.parse6(v6.icmpBody());
        PacketAssert.transport6(q.src, q.dst, 6, q.upperBytes, false);
    }

    @Test
    void innerFragmentGetsAFragmentHeader() {
        byte[] inner = ipv4(R4, H4).id(0xABCD).mf(true).payload(17, bytes(64, 1)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), error(3, 1, 0, inner)).single6();
        PacketAssert.V6 q = PacketAssert.parse6(v6.icmpBody());
        assertTrue(q.hasFragment);
        assertEquals(0xABCD, q.fragId);
        assertTrue(q.fragMore);
        assertEquals(17, q.fragNextHeader);
    }

    @Test
    void innerEchoRequestBecomesIcmpv6EchoWithValidChecksum() {
        byte[] echo = PacketBuilder.icmp4(8, 0, PacketBuilder.echoRest(1, 2), bytes(16, 5));
        byte[] inner = ipv4(R4, H4).payload(1, echo).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), error(3, 3, 0, inner)).single6();
        PacketAssert.V6 q = PacketAssert.parse6(v6.icmpBody());
        assertEquals(58, q.nextHeader);
        assertEquals(128, q.icmpType());
        PacketAssert.transport6(q.src, q.dst, 58, q.upperBytes, false);
    }

    @Test
    void icmpErrorInsideAnIcmpErrorIsDropped() {
        byte[] innermost = ipv4(H4, R4).udp(1, 2, bytes(8, 0)).build();
        byte[] innerError = ipv4(R4, H4).icmp(3, 3, 0, innermost).build();
        XlatRun.run(siitConfig(), error(11, 0, 0, innerError)).assertSilentDrop(Drop.ICMP_NESTED_ERROR);
    }

    @Test
    void translatedErrorIsTruncatedToTheIpv6MinimumMtu() {
        byte[] inner = ipv4(R4, H4).df(true).udp(1, 2, bytes(1372, 3)).build();
        assertEquals(1400, inner.length);
        byte[] in = error(3, 4, 1400, inner);
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(1280, v6.raw.length, "RFC 4443 §2.4(c): the ICMPv6 error fits in 1280 bytes");
        PacketAssert.V6 q = PacketAssert.parseQuoted6(v6.icmpBody());
        assertEquals(1380, q.payloadLength, "the quoted header still says how long the packet was");
    }

    @Test
    void rfc4884LengthIsReexpressedIn64BitWordsAndExtensionKept() {
        // Original datagram: 128 bytes quoted of a 300-byte UDP packet (length attribute 32 words), then an
        // 8-byte extension structure (version 2, checksum left as is, one 4-byte object header).
        byte[] original = slice(ipv4(R4, H4).udp(1, 2, bytes(272, 3)).build(), 0, 128);
        byte[] extension = {0x20, 0, 0x12, 0x34, 0, 4, 1, 1};
        byte[] in = error(3, 1, 32 << 16, concat(original, extension));
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(1, v6.icmpType());
        assertEquals(0, v6.icmpCode());
        int words = v6.upperBytes[4] & 0xFF;
        assertEquals(19, words, "148 translated bytes, zero padded to 152 = 19 * 8");
        assertEquals(0, v6.upperBytes[5] | v6.upperBytes[6] | v6.upperBytes[7]);
        byte[] body = v6.icmpBody();
        assertEquals(152 + extension.length, body.length);
        assertArrayEquals(new byte[4], slice(body, 148, 4), "padding is zero");
        assertArrayEquals(extension, slice(body, 152, extension.length), "extension passed as opaque bytes");
        PacketAssert.V6 q = PacketAssert.parseQuoted6(slice(body, 0, 148));
        assertAddress(R4_AS_V6, q.src);
        assertEquals(280, q.payloadLength);
    }

    @Test
    void rfc4884ShortOriginalDatagramIsZeroPaddedTo128Bytes() {
        // A (non-compliant) 64-byte original: the translated 84 bytes are padded to 128, length 16 words.
        byte[] original = slice(ipv4(R4, H4).udp(1, 2, bytes(100, 3)).build(), 0, 64);
        byte[] extension = {0x20, 0, 0x55, 0x66, 0, 8, 2, 1, 9, 9, 9, 9};
        byte[] in = error(11, 0, 16 << 16, concat(original, extension));
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(3, v6.icmpType());
        assertEquals(16, v6.upperBytes[4] & 0xFF);
        byte[] body = v6.icmpBody();
        assertEquals(128 + extension.length, body.length);
        assertArrayEquals(new byte[128 - 84], slice(body, 84, 128 - 84));
        assertArrayEquals(extension, slice(body, 128, extension.length));
    }

    @Test
    void errorWithoutExtensionHasLengthAttributeZero() {
        byte[] inner = ipv4(R4, H4).udp(1, 2, bytes(100, 3)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), error(3, 1, 0, inner)).single6();
        assertEquals(0, get16(v6.upperBytes, 4));
        assertEquals(40 + 108, v6.icmpBody().length);
    }

    @Test
    void maximumSizeIcmpv4ErrorIsTruncatedTo1280WithoutOverrunningTheTranslator() {
        // A 65535-byte error quoting a fragment: the translator must cut the quote, not run out of buffer.
        byte[] inner = ipv4(R4, H4).mf(true).payload(17, bytes(65535 - 48, 1)).build();
        byte[] in = error(3, 1, 0, inner);
        assertEquals(65535, in.length);
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(1280, v6.raw.length);
        assertTrue(PacketAssert.parseQuoted6(v6.icmpBody()).hasFragment);
    }

    @Test
    void rfc4884ExtensionIsNotCarriedIntoPacketTooBigOrParameterProblem() {
        // RFC 4884 §4.5: ICMPv6 Packet Too Big and Parameter Problem have no length attribute, so an extension
        // on the ICMPv4 Fragmentation Needed (3/4) or Parameter Problem (12/0) is left out, not appended.
        byte[] original = slice(ipv4(R4, H4).udp(1, 2, bytes(272, 3)).build(), 0, 128);
        byte[] extension = {0x20, 0, 0x12, 0x34, 0, 4, 1, 1};
        byte[] quoted = concat(original, extension);
        PacketAssert.V6 ptb = XlatRun.run(siitConfig(), error(3, 4, 32 << 16 | 1400, quoted)).single6();
        assertEquals(2, ptb.icmpType());
        assertEquals(148, ptb.icmpBody().length, "the 128 quoted bytes translated (+20), no padding, no extension");
        PacketAssert.V6 pp = XlatRun.run(siitConfig(), error(12, 0, 8 << 24 | 32 << 16, quoted)).single6();
        assertEquals(4, pp.icmpType());
        assertEquals(7, pp.upperBytes[7] & 0xFF, "pointer to the TTL becomes the pointer to the Hop Limit");
        assertEquals(148, pp.icmpBody().length);
        // The same extension on Destination Unreachable (3/1) is kept: the test can tell the difference.
        PacketAssert.V6 du = XlatRun.run(siitConfig(), error(3, 1, 32 << 16, quoted)).single6();
        assertEquals(152 + extension.length, du.icmpBody().length);
    }
}
