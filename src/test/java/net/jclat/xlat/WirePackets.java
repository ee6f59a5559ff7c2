package net.jclat.xlat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Packets as plain {@code byte[]} for the property, allocation and benchmark code: builders for valid
 * IPv4/IPv6 TCP, UDP and ICMP packets, fragmenters, and a strict parser that checks lengths and checksums.
 * Every checksum here is an independent RFC 1071 implementation that shares no code with the production
 * {@link Checksum}, so a production bug cannot hide behind the same bug in the test.
 */
public final class WirePackets {
    private WirePackets() {
    }

    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;
    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int DEST_OPTS = 60;

    // ---------------------------------------------------------------------------------------------
    // RFC 1071, the obvious way: 16-bit big-endian words, end-around carry.

    public static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            int word = (b[off + i] & 0xFF) << 8;
            if (i + 1 < len) {
                word |= b[off + i + 1] & 0xFF;
            }
            s += word;
        }
        return s;
    }

    public static int fold(long s) {
        while (s >>> 16 != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    public static int checksumOf(long s) {
        return ~fold(s) & 0xFFFF;
    }

    /** True when data that includes its checksum field sums to all ones (RFC 1071 §1, verification). */
    public static boolean verifies(long s) {
        return fold(s) == 0xFFFF;
    }

    public static long pseudo4(byte[] src4, byte[] dst4, int protocol, int length) {
        return sum(src4, 0, 4) + sum(dst4, 0, 4) + protocol + length;
    }

    public static long pseudo6(byte[] src16, byte[] dst16, int nextHeader, long length) {
        return sum(src16, 0, 16) + sum(dst16, 0, 16) + (length >>> 16) + (length & 0xFFFF) + nextHeader;
    }

    // ---------------------------------------------------------------------------------------------
    // Small byte helpers.

    public static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    public static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | b[i + 1] & 0xFF;
    }

    public static long u32(byte[] b, int i) {
        return (long) u16(b, i) << 16 | u16(b, i + 2);
    }

    public static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    public static void put32(byte[] b, int i, long v) {
        put16(b, i, (int) (v >>> 16));
        put16(b, i + 2, (int) v);
    }

    public static byte[] v4(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    public static byte[] v4(String dotted) {
        String[] p = dotted.split("\\.");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(p[i]);
        }
        return out;
    }

    /** RFC 6052 §2.2 by hand: a /96 or /64 prefix (given as its first 12 or 8 bytes) with {@code v4} inside. */
    public static byte[] embed(byte[] prefix, int prefixLength, byte[] v4) {
        byte[] a = new byte[16];
        System.arraycopy(prefix, 0, a, 0, prefixLength / 8);
        if (prefixLength == 96) {
            System.arraycopy(v4, 0, a, 12, 4);
        } else if (prefixLength == 64) {
            a[8] = 0; // u octet
            System.arraycopy(v4, 0, a, 9, 4);
        } else {
            throw new IllegalArgumentException("only /64 and /96 here");
        }
        return a;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------
    // Transport segments with their checksum left zero; {@link #finishL4} fills it in.

    public static byte[] tcp(int srcPort, int dstPort, long seq, int flags, byte[] data) {
        byte[] s = new byte[20 + data.length];
        put16(s, 0, srcPort);
        put16(s, 2, dstPort);
        put32(s, 4, seq);
        put32(s, 8, seq * 31 + 7);
        s[12] = 0x50;
        s[13] = (byte) flags;
        put16(s, 14, 65535);
        System.arraycopy(data, 0, s, 20, data.length);
        return s;
    }

    public static byte[] udp(int srcPort, int dstPort, byte[] data) {
        byte[] s = new byte[8 + data.length];
        put16(s, 0, srcPort);
        put16(s, 2, dstPort);
        put16(s, 4, s.length);
        System.arraycopy(data, 0, s, 8, data.length);
        return s;
    }

    /** An ICMP or ICMPv6 message: type, code, 4 bytes of "rest", body. */
    public static byte[] icmp(int type, int code, long rest, byte[] body) {
        byte[] s = new byte[8 + body.length];
        s[0] = (byte) type;
        s[1] = (byte) code;
        put32(s, 4, rest);
        System.arraycopy(body, 0, s, 8, body.length);
        return s;
    }

    static int checksumOffset(int protocol) {
        return switch (protocol) {
            case TCP -> 16;
            case UDP -> 6;
            case ICMP, ICMPV6 -> 2;
            default -> -1;
        };
    }

    /** Fills in the checksum of a whole segment; UDP may be left at zero (IPv4 "no checksum"). */
    public static void finishL4(byte[] seg, int protocol, long pseudo, boolean udpZero) {
        int at = checksumOffset(protocol);
        if (at < 0) {
            return;
        }
        put16(seg, at, 0);
        if (protocol == UDP && udpZero) {
            return;
        }
        long s = sum(seg, 0, seg.length) + (protocol == ICMP ? 0 : pseudo);
        int c = checksumOf(s);
        if (protocol == UDP && c == 0) {
            c = 0xFFFF; // RFC 768
        }
        put16(seg, at, c);
    }

    // ---------------------------------------------------------------------------------------------
    // IPv4.

    /** An IPv4 packet; the L4 checksum of {@code seg} must already be final. */
    public static byte[] ipv4(int tos, int id, boolean df, boolean mf, int fragOffsetBytes, int ttl, int protocol,
            byte[] src, byte[] dst, byte[] options, byte[] seg) {
        if (options.length % 4 != 0 || options.length > 40) {
            throw new IllegalArgumentException("options must be a multiple of 4, at most 40");
        }
        int ihl = 20 + options.length;
        byte[] p = new byte[ihl + seg.length];
        p[0] = (byte) (0x40 | ihl / 4);
        p[1] = (byte) tos;
        put16(p, 2, p.length);
        put16(p, 4, id);
        put16(p, 6, (df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | fragOffsetBytes / 8);
        p[8] = (byte) ttl;
        p[9] = (byte) protocol;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        System.arraycopy(options, 0, p, 20, options.length);
        System.arraycopy(seg, 0, p, ihl, seg.length);
        put16(p, 10, checksumOf(sum(p, 0, ihl)));
        return p;
    }

    /** A whole, unfragmented IPv4 datagram with its L4 checksum computed. */
    public static byte[] datagram4(int tos, int id, boolean df, int ttl, int protocol, byte[] src, byte[] dst,
            byte[] options, byte[] seg, boolean udpZero) {
        finishL4(seg, protocol, pseudo4(src, dst, protocol, seg.length), udpZero);
        return ipv4(tos, id, df, false, 0, ttl, protocol, src, dst, options, seg);
    }

    /**
     * RFC 791 §3.2 fragmentation of an unfragmented datagram: data pieces of at most {@code maxData} bytes
     * (a multiple of 8); options are copied into the first fragment only, for simplicity.
     */
    public static List<byte[]> fragment4(byte[] d, int maxData) {
        Ipv4 h = Ipv4.parseLoose(d);
        List<byte[]> out = new ArrayList<>();
        byte[] data = Arrays.copyOfRange(d, h.ihl, h.totalLength);
        byte[] options = Arrays.copyOfRange(d, 20, h.ihl);
        for (int done = 0; done < data.length; ) {
            int n = Math.min(maxData, data.length - done);
            boolean last = done + n == data.length;
            out.add(ipv4(h.tos, h.id, false, !last, done, h.ttl, h.protocol, h.src, h.dst,
                    done == 0 ? options : new byte[0], Arrays.copyOfRange(data, done, done + n)));
            done += n;
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // IPv6.

    /** An extension header of type {@code type} (HBH, Destination Options or Routing) of 8*(len+1) bytes. */
    public static byte[] extension(int type, int lengthUnits, int segmentsLeft, byte[] fill) {
        byte[] e = new byte[8 * (lengthUnits + 1)];
        System.arraycopy(fill, 0, e, 2, Math.min(fill.length, e.length - 2));
        e[1] = (byte) lengthUnits;
        if (type == HOP_BY_HOP || type == DEST_OPTS) {
            // PadN option covering the whole body keeps the options well formed.
            e[2] = 1;
            e[3] = (byte) (e.length - 4);
            Arrays.fill(e, 4, e.length, (byte) 0);
        } else if (type == ROUTING) {
            e[2] = (byte) 253; // routing type reserved for experiments: RFC 4727
            e[3] = (byte) segmentsLeft;
        }
        return e;
    }

    /**
     * An IPv6 packet. {@code extTypes}/{@code exts} are the extension headers before {@code seg} (next
     * header fields are chained here), {@code upper} is the upper-layer protocol.
     */
    public static byte[] ipv6(int trafficClass, int flowLabel, int hopLimit, byte[] src, byte[] dst,
            int[] extTypes, byte[][] exts, int upper, byte[] seg) {
        int extLen = 0;
        for (byte[] e : exts) {
            extLen += e.length;
        }
        byte[] p = new byte[40 + extLen + seg.length];
        put32(p, 0, 6L << 28 | (long) trafficClass << 20 | flowLabel);
        put16(p, 4, extLen + seg.length);
        p[6] = (byte) (extTypes.length > 0 ? extTypes[0] : upper);
        p[7] = (byte) hopLimit;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        int at = 40;
        for (int i = 0; i < exts.length; i++) {
            System.arraycopy(exts[i], 0, p, at, exts[i].length);
            p[at] = (byte) (i + 1 < extTypes.length ? extTypes[i + 1] : upper);
            at += exts[i].length;
        }
        System.arraycopy(seg, 0, p, at, seg.length);
        return p;
    }

    /** A whole IPv6 datagram with its L4 checksum computed (UDP zero only if asked, which IPv6 forbids). */
    public static byte[] datagram6(int trafficClass, int flowLabel, int hopLimit, byte[] src, byte[] dst,
            int[] extTypes, byte[][] exts, int upper, byte[] seg, boolean udpZero) {
        finishL4(seg, upper, pseudo6(src, dst, upper, seg.length), udpZero);
        return ipv6(trafficClass, flowLabel, hopLimit, src, dst, extTypes, exts, upper, seg);
    }

    /**
     * RFC 8200 §4.5 fragmentation: the unfragmentable part ({@code extTypes}/{@code exts}, here everything
     * before the Fragment Header) repeats in every fragment; the segment is cut into pieces of at most
     * {@code maxData} bytes (a multiple of 8). With {@code maxData} &gt;= the segment, one atomic fragment.
     */
    public static List<byte[]> fragment6(int trafficClass, int flowLabel, int hopLimit, byte[] src, byte[] dst,
            int[] extTypes, byte[][] exts, int upper, byte[] seg, int maxData, int id) {
        List<byte[]> out = new ArrayList<>();
        int[] types = Arrays.copyOf(extTypes, extTypes.length + 1);
        types[extTypes.length] = FRAGMENT;
        for (int done = 0; done < seg.length || done == 0; ) {
            int n = Math.min(maxData, seg.length - done);
            boolean last = done + n == seg.length;
            byte[] fh = new byte[8];
            put16(fh, 2, done | (last ? 0 : 1));
            put32(fh, 4, id & 0xFFFF_FFFFL);
            byte[][] e = Arrays.copyOf(exts, exts.length + 1);
            e[exts.length] = fh;
            out.add(ipv6(trafficClass, flowLabel, hopLimit, src, dst, types, e, upper,
                    Arrays.copyOfRange(seg, done, done + n)));
            done += n;
            if (n == 0) {
                break;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Parsing. Strict: a malformed packet throws AssertionError naming what is wrong.

    static AssertionError bad(String what, byte[] p) {
        return new AssertionError(what + " in " + hex(p, 80));
    }

    public static String hex(byte[] p, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(p.length, max); i++) {
            sb.append(String.format("%02x", p[i] & 0xFF));
            if (i % 4 == 3) {
                sb.append(' ');
            }
        }
        return sb + (p.length > max ? "... (" + p.length + " bytes)" : " (" + p.length + " bytes)");
    }

    public static byte[] copy(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }

    /** A parsed IPv4 packet. */
    public static final class Ipv4 {
        public byte[] raw;
        public int ihl;
        public int tos;
        public int totalLength;
        public int id;
        public boolean df;
        public boolean mf;
        public int fragOffset;
        public int ttl;
        public int protocol;
        public byte[] src;
        public byte[] dst;
        /** Bytes after the header (and options). */
        public byte[] payload;

        public boolean isFragment() {
            return mf || fragOffset != 0;
        }

        static Ipv4 parseLoose(byte[] p) {
            Ipv4 h = new Ipv4();
            h.raw = p;
            h.ihl = (p[0] & 0x0F) * 4;
            h.tos = u8(p, 1);
            h.totalLength = u16(p, 2);
            h.id = u16(p, 4);
            int f = u16(p, 6);
            h.df = (f & 0x4000) != 0;
            h.mf = (f & 0x2000) != 0;
            h.fragOffset = (f & 0x1FFF) * 8;
            h.ttl = u8(p, 8);
            h.protocol = u8(p, 9);
            h.src = Arrays.copyOfRange(p, 12, 16);
            h.dst = Arrays.copyOfRange(p, 16, 20);
            h.payload = Arrays.copyOfRange(p, h.ihl, Math.min(p.length, h.totalLength));
            return h;
        }

        /** Parses and checks version, lengths, reserved flag and header checksum. */
        public static Ipv4 parse(byte[] p) {
            if (p.length < 20 || (p[0] & 0xF0) != 0x40) {
                throw bad("not IPv4", p);
            }
            Ipv4 h = parseLoose(p);
            if (h.ihl < 20 || h.ihl > p.length) {
                throw bad("bad IHL " + h.ihl, p);
            }
            if (h.totalLength != p.length) {
                throw bad("total length " + h.totalLength + " != packet length " + p.length, p);
            }
            if ((u16(p, 6) & 0x8000) != 0) {
                throw bad("reserved flag set", p);
            }
            if (!verifies(sum(p, 0, h.ihl))) {
                throw bad("bad IPv4 header checksum", p);
            }
            if (h.df && h.isFragment() && h.mf) {
                throw bad("DF and MF both set", p);
            }
            return h;
        }
    }

    /** A parsed IPv6 packet; extension headers before the upper layer are walked. */
    public static final class Ipv6 {
        public byte[] raw;
        public int trafficClass;
        public int flowLabel;
        public int payloadLength;
        public int hopLimit;
        public byte[] src;
        public byte[] dst;
        /** Protocol after all extension headers. */
        public int upper;
        public boolean hasFragmentHeader;
        public int fragOffset;
        public boolean more;
        public long fragId;
        public int extensionBytes;
        /** Bytes after all extension headers. */
        public byte[] payload;

        public boolean isFragment() {
            return hasFragmentHeader && (more || fragOffset != 0);
        }

        public static Ipv6 parse(byte[] p) {
            if (p.length < 40 || (p[0] & 0xF0) != 0x60) {
                throw bad("not IPv6", p);
            }
            Ipv6 h = new Ipv6();
            h.raw = p;
            long w = u32(p, 0);
            h.trafficClass = (int) (w >>> 20) & 0xFF;
            h.flowLabel = (int) w & 0xFFFFF;
            h.payloadLength = u16(p, 4);
            if (h.payloadLength + 40 != p.length) {
                throw bad("payload length " + h.payloadLength + " + 40 != packet length " + p.length, p);
            }
            h.hopLimit = u8(p, 7);
            h.src = Arrays.copyOfRange(p, 8, 24);
            h.dst = Arrays.copyOfRange(p, 24, 40);
            int nh = u8(p, 6);
            int at = 40;
            while (true) {
                if (nh == HOP_BY_HOP || nh == ROUTING || nh == DEST_OPTS) {
                    if (at + 8 > p.length) {
                        throw bad("truncated extension header", p);
                    }
                    int len = (u8(p, at + 1) + 1) * 8;
                    if (at + len > p.length) {
                        throw bad("extension header overruns", p);
                    }
                    nh = u8(p, at);
                    at += len;
                } else if (nh == FRAGMENT) {
                    if (h.hasFragmentHeader || at + 8 > p.length) {
                        throw bad("bad fragment header", p);
                    }
                    h.hasFragmentHeader = true;
                    int f = u16(p, at + 2);
                    if ((f & 6) != 0 || p[at + 1] != 0) {
                        throw bad("reserved fragment header bits set", p);
                    }
                    h.fragOffset = f & 0xFFF8;
                    h.more = (f & 1) != 0;
                    h.fragId = u32(p, at + 4);
                    nh = u8(p, at);
                    at += 8;
                    if (h.fragOffset != 0) {
                        break;
                    }
                } else {
                    break;
                }
            }
            h.upper = nh;
            h.extensionBytes = at - 40;
            h.payload = Arrays.copyOfRange(p, at, p.length);
            if (h.isFragment() && h.more && h.payload.length % 8 != 0) {
                throw bad("non-last fragment not a multiple of 8", p);
            }
            return h;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Upper layer checks.

    /**
     * Checks a whole (unfragmented or reassembled) upper-layer segment: fixed header present, UDP length
     * field, checksum (IPv4 UDP may carry zero; an IPv6 UDP checksum may not be zero, and an emitted UDP
     * checksum is never zero when {@code udpZeroForbidden}). {@code pseudo} is the pseudo-header sum
     * (ignored for ICMPv4).
     */
    public static void checkL4(byte[] seg, int protocol, long pseudo, boolean udpZeroForbidden, byte[] ctx) {
        switch (protocol) {
            case TCP -> {
                if (seg.length < 20) {
                    throw bad("TCP shorter than 20", ctx);
                }
                if (!verifies(sum(seg, 0, seg.length) + pseudo)) {
                    throw bad("bad TCP checksum", ctx);
                }
            }
            case UDP -> {
                if (seg.length < 8) {
                    throw bad("UDP shorter than 8", ctx);
                }
                if (u16(seg, 4) != seg.length) {
                    throw bad("UDP length " + u16(seg, 4) + " != " + seg.length, ctx);
                }
                if (u16(seg, 6) == 0) {
                    if (udpZeroForbidden) {
                        throw bad("UDP checksum 0x0000", ctx);
                    }
                } else if (!verifies(sum(seg, 0, seg.length) + pseudo)) {
                    throw bad("bad UDP checksum", ctx);
                }
            }
            case ICMP -> {
                if (seg.length < 8 || !verifies(sum(seg, 0, seg.length))) {
                    throw bad("bad ICMP checksum", ctx);
                }
            }
            case ICMPV6 -> {
                if (seg.length < 8 || !verifies(sum(seg, 0, seg.length) + pseudo)) {
                    throw bad("bad ICMPv6 checksum", ctx);
                }
            }
            default -> {
                // nothing to check
            }
        }
    }

    /** Parses an emitted IPv4 packet; a whole datagram has its transport checked too. */
    public static Ipv4 checkEmitted4(byte[] p) {
        Ipv4 h = Ipv4.parse(p);
        if (!h.isFragment()) {
            checkL4(h.payload, h.protocol, pseudo4(h.src, h.dst, h.protocol, h.payload.length), true, p);
        }
        return h;
    }

    /** Parses an emitted IPv6 packet; a whole datagram has its transport checked too. */
    public static Ipv6 checkEmitted6(byte[] p) {
        Ipv6 h = Ipv6.parse(p);
        if (!h.isFragment()) {
            checkL4(h.payload, h.upper, pseudo6(h.src, h.dst, h.upper, h.payload.length), true, p);
        }
        return h;
    }

    /**
     * Reassembles IPv4 fragments (any order) of one datagram into a header-less-options datagram: header
     * fields from the first fragment, payload concatenated. Checks coverage without holes or overlap.
     */
    public static Ipv4 reassemble4(List<Ipv4> frags) {
        if (frags.size() == 1 && !frags.get(0).isFragment()) {
            return frags.get(0);
        }
        List<Ipv4> sorted = new ArrayList<>(frags);
        sorted.sort(Comparator.comparingInt(f -> f.fragOffset));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < sorted.size(); i++) {
            Ipv4 f = sorted.get(i);
            Ipv4 first = sorted.get(0);
            if (f.id != first.id || f.protocol != first.protocol || !Arrays.equals(f.src, first.src)
                    || !Arrays.equals(f.dst, first.dst)) {
                throw bad("fragments of different datagrams", f.raw);
            }
            if (f.fragOffset != data.size()) {
                throw bad("fragment at " + f.fragOffset + " but " + data.size() + " bytes so far", f.raw);
            }
            if (f.mf == (i == sorted.size() - 1)) {
                throw bad("MF wrong on fragment " + i + " of " + sorted.size(), f.raw);
            }
            if (f.df) {
                throw bad("DF set on a fragment", f.raw);
            }
            data.writeBytes(f.payload);
        }
        Ipv4 first = sorted.get(0);
        Ipv4 r = new Ipv4();
        r.raw = first.raw;
        r.ihl = 20;
        r.tos = first.tos;
        r.id = first.id;
        r.df = false;
        r.ttl = first.ttl;
        r.protocol = first.protocol;
        r.src = first.src;
        r.dst = first.dst;
        r.payload = data.toByteArray();
        r.totalLength = 20 + r.payload.length;
        return r;
    }

    /** Like {@link #reassemble4} for IPv6 fragments (the Fragment Header identification must agree). */
    public static Ipv6 reassemble6(List<Ipv6> frags) {
        if (frags.size() == 1 && !frags.get(0).isFragment()) {
            return frags.get(0);
        }
        List<Ipv6> sorted = new ArrayList<>(frags);
        sorted.sort(Comparator.comparingInt(f -> f.fragOffset));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Ipv6 first = sorted.get(0);
        for (int i = 0; i < sorted.size(); i++) {
            Ipv6 f = sorted.get(i);
            if (!f.hasFragmentHeader || f.fragId != first.fragId || !Arrays.equals(f.src, first.src)
                    || !Arrays.equals(f.dst, first.dst)) {
                throw bad("fragments of different datagrams", f.raw);
            }
            if (f.fragOffset != data.size()) {
                throw bad("fragment at " + f.fragOffset + " but " + data.size() + " bytes so far", f.raw);
            }
            if (f.more == (i == sorted.size() - 1)) {
                throw bad("M wrong on fragment " + i + " of " + sorted.size(), f.raw);
            }
            data.writeBytes(f.payload);
        }
        Ipv6 r = new Ipv6();
        r.raw = first.raw;
        r.trafficClass = first.trafficClass;
        r.flowLabel = first.flowLabel;
        r.hopLimit = first.hopLimit;
        r.src = first.src;
        r.dst = first.dst;
        r.upper = first.upper;
        r.hasFragmentHeader = true;
        r.fragId = first.fragId;
        r.payload = data.toByteArray();
        r.payloadLength = r.payload.length;
        return r;
    }
}
