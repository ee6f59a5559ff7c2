package net.jclat.xlat;

import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.get32;
import static net.jclat.xlat.PacketBuilder.pseudo4;
import static net.jclat.xlat.PacketBuilder.pseudo6;
import static net.jclat.xlat.PacketBuilder.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Parses the packets the translator emits and checks them: header fields, lengths, and every checksum
 * (IPv4 header, TCP/UDP/ICMP, ICMPv6 with its pseudo-header, and the headers and transport checksums of the
 * packet quoted inside an ICMP error when it is quoted whole). Uses the test's own RFC 1071 sum.
 */
final class PacketAssert {
    private PacketAssert() {
    }

    /** A parsed IPv4 packet. */
    static final class V4 {
        byte[] raw;
        int ihl;
        int tos;
        int totalLength;
        int id;
        boolean reservedFlag;
        boolean df;
        boolean mf;
        int offsetBytes;
        int ttl;
        int protocol;
        int src;
        int dst;
        byte[] payload;

        boolean isFragment() {
            return mf || offsetBytes != 0;
        }

        int icmpType() {
            return payload[0] & 0xFF;
        }

        int icmpCode() {
            return payload[1] & 0xFF;
        }

        /** Bytes 4..7 of the ICMP header. */
        int icmpRest() {
            return get32(payload, 4);
        }

        /** The datagram quoted after the 8-byte ICMP header. */
        byte[] icmpBody() {
            return Arrays.copyOfRange(payload, 8, payload.length);
        }
    }

    /** A parsed IPv6 packet: extension headers walked, the Fragment Header decoded if present. */
    static final class V6 {
        byte[] raw;
        int trafficClass;
        int flowLabel;
        int payloadLength;
        int nextHeader;
        int hopLimit;
        byte[] src;
        byte[] dst;
        List<Integer> extensions = new ArrayList<>();
        boolean hasFragment;
        int fragNextHeader;
        int fragOffsetBytes;
        boolean fragMore;
        int fragId;
        /** Protocol of the upper layer (after all extension headers) and its bytes. */
        int upper;
        byte[] upperBytes;

        boolean isFragment() {
            return hasFragment && (fragMore || fragOffsetBytes != 0);
        }

        int icmpType() {
            return upperBytes[0] & 0xFF;
        }

        int icmpCode() {
            return upperBytes[1] & 0xFF;
        }

        int icmpRest() {
            return get32(upperBytes, 4);
        }

        byte[] icmpBody() {
            return Arrays.copyOfRange(upperBytes, 8, upperBytes.length);
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** Checks any emitted packet by its version. */
    static void valid(byte[] p) {
        int version = (p[0] & 0xF0) >>> 4;
        if (version == 4) {
            valid4(p);
        } else if (version == 6) {
            valid6(p);
        } else {
            fail("emitted packet of version " + version);
        }
    }

    /** Parses an IPv4 packet whose Total Length must equal the array's length, header checksum checked. */
    static V4 parse4(byte[] p) {
        return parse4(p, true);
    }

    private static V4 parse4(byte[] p, boolean exactLength) {
        assertTrue(p.length >= 20, "IPv4 packet shorter than 20 bytes");
        assertEquals(4, (p[0] & 0xF0) >>> 4, "IPv4 version");
        V4 v = new V4();
        v.raw = p;
        v.ihl = (p[0] & 0x0F) * 4;
        assertTrue(v.ihl >= 20 && v.ihl <= p.length, "IPv4 IHL " + v.ihl);
        v.tos = p[1] & 0xFF;
        v.totalLength = get16(p, 2);
        if (exactLength) {
            assertEquals(p.length, v.totalLength, "IPv4 Total Length vs bytes emitted");
        }
        v.id = get16(p, 4);
        int ff = get16(p, 6);
        v.reservedFlag = (ff & 0x8000) != 0;
        v.df = (ff & 0x4000) != 0;
        v.mf = (ff & 0x2000) != 0;
        v.offsetBytes = (ff & 0x1FFF) * 8;
        v.ttl = p[8] & 0xFF;
        v.protocol = p[9] & 0xFF;
        v.src = get32(p, 12);
        v.dst = get32(p, 16);
        assertEquals(0xFFFF, PacketBuilder.fold(sum(p, 0, v.ihl)), "IPv4 header checksum");
        assertFalse(v.reservedFlag, "IPv4 reserved flag must be zero");
        int end = exactLength ? p.length : Math.min(p.length, v.totalLength);
        v.payload = Arrays.copyOfRange(p, v.ihl, Math.max(v.ihl, end));
        return v;
    }

    /** Parses a packet quoted in an ICMP error: it may be cut short, so its length fields are not checked. */
    static V4 parseQuoted4(byte[] p) {
        return parse4(p, false);
    }

    static V6 parseQuoted6(byte[] p) {
        return parse6(p, false);
    }

    /** Parses an IPv4 packet and checks every checksum that can be checked without reassembly. */
    static V4 valid4(byte[] p) {
        V4 v = parse4(p);
        if (!v.isFragment()) {
            transport4(v.src, v.dst, v.protocol, v.payload, true);
        }
        return v;
    }

    /** Parses an IPv6 packet whose Payload Length must match the bytes emitted. */
    static V6 parse6(byte[] p) {
        return parse6(p, true);
    }

    private static V6 parse6(byte[] p, boolean exactLength) {
        assertTrue(p.length >= 40, "IPv6 packet shorter than 40 bytes");
        assertEquals(6, (p[0] & 0xF0) >>> 4, "IPv6 version");
        V6 v = new V6();
        v.raw = p;
        int w = get32(p, 0);
        v.trafficClass = w >>> 20 & 0xFF;
        v.flowLabel = w & 0xFFFFF;
        v.payloadLength = get16(p, 4);
        if (exactLength) {
            assertEquals(p.length - 40, v.payloadLength, "IPv6 Payload Length vs bytes emitted");
        }
        v.nextHeader = p[6] & 0xFF;
        v.hopLimit = p[7] & 0xFF;
        v.src = Arrays.copyOfRange(p, 8, 24);
        v.dst = Arrays.copyOfRange(p, 24, 40);
        int end = Math.min(p.length, 40 + v.payloadLength);
        int nh = v.nextHeader;
        int pos = 40;
        while (pos < end) {
            if (nh == 0 || nh == 43 || nh == 60) {
                v.extensions.add(nh);
                int len = ((p[pos + 1] & 0xFF) + 1) * 8;
                nh = p[pos] & 0xFF;
                pos += len;
            } else if (nh == 44) {
                v.extensions.add(nh);
                assertFalse(v.hasFragment, "two Fragment Headers");
                v.hasFragment = true;
                v.fragNextHeader = p[pos] & 0xFF;
                assertEquals(0, p[pos + 1], "Fragment Header reserved byte");
                int f = get16(p, pos + 2);
                assertEquals(0, f & 6, "Fragment Header Res bits");
                v.fragOffsetBytes = f & 0xFFF8;
                v.fragMore = (f & 1) != 0;
                v.fragId = get32(p, pos + 4);
                nh = v.fragNextHeader;
                pos += 8;
                if (v.fragOffsetBytes != 0) {
                    break;
                }
            } else {
                break;
            }
        }
        v.upper = nh;
        v.upperBytes = Arrays.copyOfRange(p, Math.min(pos, end), end);
        return v;
    }

    /** Parses an IPv6 packet and checks every checksum that can be checked without reassembly. */
    static V6 valid6(byte[] p) {
        V6 v = parse6(p);
        assertEquals(0, v.flowLabel, "RFC 7915 §4.1: Flow Label 0");
        if (!v.isFragment()) {
            transport6(v.src, v.dst, v.upper, v.upperBytes, true);
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------------
    // Transport checksums.

    /**
     * Checks the checksum of a whole IPv4 transport payload; for ICMP errors also the quoted packet.
     * {@code outer} false means this is a quoted packet: ICMP errors in it are not inspected further.
     */
    static void transport4(int src, int dst, int protocol, byte[] seg, boolean outer) {
        switch (protocol) {
            case PacketBuilder.TCP -> assertEquals(0xFFFF,
                    PacketBuilder.fold(sum(seg) + pseudo4(src, dst, protocol, seg.length)), "TCP checksum (IPv4)");
            case PacketBuilder.UDP -> {
                int c = get16(seg, 6);
                assertNotEquals(0, c, "UDP checksum translated from IPv6 must not be 0 (none)");
                assertEquals(0xFFFF, PacketBuilder.fold(sum(seg) + pseudo4(src, dst, protocol, seg.length)),
                        "UDP checksum (IPv4)");
            }
            case PacketBuilder.ICMP -> {
                assertEquals(0xFFFF, PacketBuilder.fold(sum(seg)), "ICMPv4 checksum");
                int type = seg[0] & 0xFF;
                if (outer && (type == 3 || type == 11 || type == 12)) {
                    checkQuoted4(seg);
                }
            }
            default -> {
            }
        }
    }

    /** The IPv4 packet inside an ICMPv4 error: header checksum always, transport checksum when quoted whole. */
    private static void checkQuoted4(byte[] icmp) {
        int lengthWords = icmp[5] & 0xFF;
        int quotedLen = icmp.length - 8;
        if (lengthWords != 0) { // RFC 4884 §4.1: the original datagram ends there
            quotedLen = Math.min(quotedLen, lengthWords * 4);
        }
        byte[] inner = Arrays.copyOfRange(icmp, 8, 8 + quotedLen);
        V4 in = parse4(inner, false);
        if (!in.isFragment() && in.totalLength <= inner.length) {
            transport4(in.src, in.dst, in.protocol, Arrays.copyOfRange(inner, in.ihl, in.totalLength), false);
        }
    }

    static void transport6(byte[] src, byte[] dst, int nh, byte[] seg, boolean outer) {
        switch (nh) {
            case PacketBuilder.TCP -> assertEquals(0xFFFF,
                    PacketBuilder.fold(sum(seg) + pseudo6(src, dst, nh, seg.length)), "TCP checksum (IPv6)");
            case PacketBuilder.UDP -> {
                assertNotEquals(0, get16(seg, 6), "RFC 7915 §4.5: UDP checksum 0x0000 is never emitted in IPv6");
                assertEquals(0xFFFF, PacketBuilder.fold(sum(seg) + pseudo6(src, dst, nh, seg.length)),
                        "UDP checksum (IPv6)");
            }
            case PacketBuilder.ICMPV6 -> {
                assertEquals(0xFFFF, PacketBuilder.fold(sum(seg) + pseudo6(src, dst, nh, seg.length)),
                        "ICMPv6 checksum with pseudo-header");
                if (outer && (seg[0] & 0xFF) < 128) {
                    checkQuoted6(seg);
                }
            }
            default -> {
            }
        }
    }

    private static void checkQuoted6(byte[] icmp) {
        int type = icmp[0] & 0xFF;
        int quotedLen = icmp.length - 8;
        int lengthWords = icmp[4] & 0xFF;
        if ((type == 1 || type == 3) && lengthWords != 0) {
            quotedLen = Math.min(quotedLen, lengthWords * 8);
        }
        byte[] inner = Arrays.copyOfRange(icmp, 8, 8 + quotedLen);
        V6 in = parse6(inner, false);
        if (!in.isFragment() && 40 + in.payloadLength <= inner.length) {
            transport6(in.src, in.dst, in.upper, in.upperBytes, false);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Reassembly, for checking transport checksums across fragments.

    static byte[] reassemble6(List<V6> fragments) {
        List<V6> f = new ArrayList<>(fragments);
        f.sort(Comparator.comparingInt(x -> x.fragOffsetBytes));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < f.size(); i++) {
            V6 x = f.get(i);
            assertTrue(x.hasFragment, "fragment " + i + " has a Fragment Header");
            assertEquals(o.size(), x.fragOffsetBytes, "fragment " + i + " offset is contiguous");
            assertEquals(f.get(0).fragId, x.fragId, "fragment " + i + " identification");
            assertEquals(i + 1 < f.size(), x.fragMore, "fragment " + i + " M flag");
            if (i + 1 < f.size()) {
                assertEquals(0, x.upperBytes.length % 8, "non-last fragment length multiple of 8");
            }
            o.writeBytes(x.upperBytes);
        }
        return o.toByteArray();
    }

    static byte[] reassemble4(List<V4> fragments) {
        List<V4> f = new ArrayList<>(fragments);
        f.sort(Comparator.comparingInt(x -> x.offsetBytes));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < f.size(); i++) {
            V4 x = f.get(i);
            assertEquals(o.size(), x.offsetBytes, "fragment " + i + " offset is contiguous");
            assertEquals(f.get(0).id, x.id, "fragment " + i + " identification");
            assertEquals(i + 1 < f.size(), x.mf, "fragment " + i + " MF flag");
            if (i + 1 < f.size()) {
                assertEquals(0, x.payload.length % 8, "non-last fragment length multiple of 8");
            }
            o.writeBytes(x.payload);
        }
        return o.toByteArray();
    }

    static void assertAddress(String expected, byte[] actual) {
        assertArrayEquals(PacketBuilder.v6(expected), actual, () -> "expected " + expected);
    }

    static void assertAddress(String expected, int actual) {
        assertEquals(PacketBuilder.v4(expected), actual, () -> "expected " + expected + " got "
                + (actual >>> 24) + "." + (actual >>> 16 & 0xFF) + "." + (actual >>> 8 & 0xFF) + "." + (actual & 0xFF));
    }
}
