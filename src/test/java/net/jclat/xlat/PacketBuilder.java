package net.jclat.xlat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds IPv4/IPv6/TCP/UDP/ICMP packets byte by byte for the RFC 7915 tests. Every checksum is computed here
 * with a plain RFC 1071 sum that shares no code with the production {@link Checksum}, so a wrong production
 * checksum cannot hide behind the same bug in the test.
 */
final class PacketBuilder {
    private PacketBuilder() {
    }

    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;
    static final int HOP_BY_HOP = 0;
    static final int ROUTING = 43;
    static final int FRAGMENT = 44;
    static final int DEST_OPTS = 60;

    // ------------------------------------------------------------------------------------------------
    // RFC 1071, done the slow and obvious way.

    /** One's-complement sum of 16-bit big-endian words, odd byte padded with zero, not folded. */
    static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        return s;
    }

    static long sum(byte[] b) {
        return sum(b, 0, b.length);
    }

    static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /** Checksum field value: the complement of the folded sum. */
    static int checksum(long s) {
        return ~fold(s) & 0xFFFF;
    }

    static long pseudo4(int src, int dst, int protocol, int length) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + length;
    }

    static long pseudo6(byte[] src, byte[] dst, int nextHeader, int length) {
        return sum(src) + sum(dst) + (length >>> 16) + (length & 0xFFFF) + nextHeader;
    }

    // ------------------------------------------------------------------------------------------------
    // Addresses.

    static int v4(String text) {
        String[] p = text.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
                | Integer.parseInt(p[3]);
    }

    static byte[] v4Bytes(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    /** Parses an IPv6 address (with "::" and an optional trailing dotted quad) independently of Addresses. */
    static byte[] v6(String text) {
        byte[] out = new byte[16];
        String s = text;
        int[] tailV4 = null;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.', lastColon) > 0) {
            int a = v4(s.substring(lastColon + 1));
            tailV4 = new int[] {a >>> 16, a & 0xFFFF};
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        int gap = s.indexOf("::");
        String h = gap >= 0 ? s.substring(0, gap) : s;
        String t = gap >= 0 ? s.substring(gap + 2) : "";
        for (String g : h.isEmpty() ? new String[0] : h.split(":")) {
            head.add(Integer.parseInt(g, 16));
        }
        for (String g : t.isEmpty() ? new String[0] : t.split(":")) {
            tail.add(Integer.parseInt(g, 16));
        }
        int[] groups = new int[8];
        for (int i = 0; i < head.size(); i++) {
            groups[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            groups[8 - tail.size() + i] = tail.get(i);
        }
        if (tailV4 != null) {
            groups[6] = tailV4[0];
            groups[7] = tailV4[1];
        }
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (groups[i] >>> 8);
            out[2 * i + 1] = (byte) groups[i];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // Transport segments (checksums over the given pseudo-header addresses).

    /** A TCP segment: 20-byte header (PSH|ACK, window 65535) plus data, checksum over the IPv4 pseudo-header. */
    static byte[] tcp4(int src, int dst, int sport, int dport, byte[] data) {
        byte[] seg = tcpRaw(sport, dport, data);
        put16(seg, 16, checksum(sum(seg) + pseudo4(src, dst, TCP, seg.length)));
        return seg;
    }

    static byte[] tcp6(byte[] src, byte[] dst, int sport, int dport, byte[] data) {
        byte[] seg = tcpRaw(sport, dport, data);
        put16(seg, 16, checksum(sum(seg) + pseudo6(src, dst, TCP, seg.length)));
        return seg;
    }

    private static byte[] tcpRaw(int sport, int dport, byte[] data) {
        byte[] seg = new byte[20 + data.length];
        put16(seg, 0, sport);
        put16(seg, 2, dport);
        put32(seg, 4, 0x01020304);
        put32(seg, 8, 0x0A0B0C0D);
        seg[12] = 0x50;
        seg[13] = 0x18;
        put16(seg, 14, 0xFFFF);
        System.arraycopy(data, 0, seg, 20, data.length);
        return seg;
    }

    /** UDP with its checksum over the IPv4 pseudo-header (0 sent as 0xFFFF). */
    static byte[] udp4(int src, int dst, int sport, int dport, byte[] data) {
        byte[] seg = udpRaw(sport, dport, data);
        int c = checksum(sum(seg) + pseudo4(src, dst, UDP, seg.length));
        put16(seg, 6, c == 0 ? 0xFFFF : c);
        return seg;
    }

    /** UDP with the checksum field zero ("no checksum", legal only in IPv4). */
    static byte[] udp4NoChecksum(int sport, int dport, byte[] data) {
        return udpRaw(sport, dport, data);
    }

    static byte[] udp6(byte[] src, byte[] dst, int sport, int dport, byte[] data) {
        byte[] seg = udpRaw(sport, dport, data);
        int c = checksum(sum(seg) + pseudo6(src, dst, UDP, seg.length));
        put16(seg, 6, c == 0 ? 0xFFFF : c);
        return seg;
    }

    private static byte[] udpRaw(int sport, int dport, byte[] data) {
        byte[] seg = new byte[8 + data.length];
        put16(seg, 0, sport);
        put16(seg, 2, dport);
        put16(seg, 4, seg.length);
        System.arraycopy(data, 0, seg, 8, data.length);
        return seg;
    }

    /** ICMPv4 message: type, code, the 32-bit "rest of header", body; checksum over the message only. */
    static byte[] icmp4(int type, int code, int rest, byte[] body) {
        byte[] m = icmpRaw(type, code, rest, body);
        put16(m, 2, checksum(sum(m)));
        return m;
    }

    static byte[] icmp6(byte[] src, byte[] dst, int type, int code, int rest, byte[] body) {
        byte[] m = icmpRaw(type, code, rest, body);
        put16(m, 2, checksum(sum(m) + pseudo6(src, dst, ICMPV6, m.length)));
        return m;
    }

    private static byte[] icmpRaw(int type, int code, int rest, byte[] body) {
        byte[] m = new byte[8 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        put32(m, 4, rest);
        System.arraycopy(body, 0, m, 8, body.length);
        return m;
    }

    /** Echo request/reply body helper: identifier and sequence number form the "rest" word. */
    static int echoRest(int id, int seq) {
        return id << 16 | seq;
    }

    // ------------------------------------------------------------------------------------------------
    // IPv4.

    static Ipv4 ipv4(String src, String dst) {
        return new Ipv4(v4(src), v4(dst));
    }

    static final class Ipv4 {
        int src;
        int dst;
        int tos;
        int id = 0x1234;
        boolean df;
        boolean mf;
        int offsetBytes;
        int ttl = 64;
        int protocol = 253;
        byte[] options = new byte[0];
        byte[] payload = new byte[0];
        Integer totalLengthOverride;
        boolean corruptChecksum;

        Ipv4(int src, int dst) {
            this.src = src;
            this.dst = dst;
        }

        Ipv4 tos(int v) { tos = v; return this; }
        Ipv4 id(int v) { id = v; return this; }
        Ipv4 df(boolean v) { df = v; return this; }
        Ipv4 mf(boolean v) { mf = v; return this; }
        Ipv4 offset(int bytes) { offsetBytes = bytes; return this; }
        Ipv4 ttl(int v) { ttl = v; return this; }
        Ipv4 options(byte[] v) { options = v; return this; }
        Ipv4 totalLength(int v) { totalLengthOverride = v; return this; }
        Ipv4 corruptChecksum() { corruptChecksum = true; return this; }

        /** Raw payload: whatever bytes, protocol as given, nothing recomputed. */
        Ipv4 payload(int proto, byte[] bytes) {
            protocol = proto;
            payload = bytes;
            return this;
        }

        Ipv4 tcp(int sport, int dport, byte[] data) {
            return payload(TCP, tcp4(src, dst, sport, dport, data));
        }

        Ipv4 udp(int sport, int dport, byte[] data) {
            return payload(UDP, udp4(src, dst, sport, dport, data));
        }

        Ipv4 udpNoChecksum(int sport, int dport, byte[] data) {
            return payload(UDP, udp4NoChecksum(sport, dport, data));
        }

        Ipv4 icmp(int type, int code, int rest, byte[] body) {
            return payload(ICMP, icmp4(type, code, rest, body));
        }

        byte[] build() {
            if (options.length % 4 != 0) {
                throw new IllegalArgumentException("options must be a multiple of 4 bytes");
            }
            int ihl = 20 + options.length;
            byte[] p = new byte[ihl + payload.length];
            p[0] = (byte) (0x40 | ihl / 4);
            p[1] = (byte) tos;
            put16(p, 2, totalLengthOverride != null ? totalLengthOverride : p.length);
            put16(p, 4, id);
            put16(p, 6, (df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | offsetBytes / 8);
            p[8] = (byte) ttl;
            p[9] = (byte) protocol;
            put32(p, 12, src);
            put32(p, 16, dst);
            System.arraycopy(options, 0, p, 20, options.length);
            int c = checksum(sum(p, 0, ihl));
            put16(p, 10, corruptChecksum ? c ^ 0x0101 : c);
            System.arraycopy(payload, 0, p, ihl, payload.length);
            return p;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // IPv6.

    static Ipv6 ipv6(String src, String dst) {
        return new Ipv6(v6(src), v6(dst));
    }

    static final class Ipv6 {
        final byte[] src;
        final byte[] dst;
        int trafficClass;
        int flowLabel;
        int hopLimit = 64;
        final List<int[]> extTypes = new ArrayList<>();
        final List<byte[]> extBodies = new ArrayList<>();
        int upper = 59;
        byte[] payload = new byte[0];

        Ipv6(byte[] src, byte[] dst) {
            this.src = src;
            this.dst = dst;
        }

        Ipv6 trafficClass(int v) { trafficClass = v; return this; }
        Ipv6 flowLabel(int v) { flowLabel = v; return this; }
        Ipv6 hopLimit(int v) { hopLimit = v; return this; }

        /** An extension header; its first byte (Next Header) is filled in by build(). */
        Ipv6 ext(int type, byte[] body) {
            extTypes.add(new int[] {type});
            extBodies.add(body.clone());
            return this;
        }

        /** Hop-by-Hop or Destination Options header of 8 bytes holding one PadN option. */
        Ipv6 options(int type) {
            return ext(type, new byte[] {0, 0, 1, 4, 0, 0, 0, 0});
        }

        /** Routing header type 0 with one address (24 bytes) and the given Segments Left. */
        Ipv6 routing(int segmentsLeft) {
            byte[] r = new byte[24];
            r[1] = 2;
            r[2] = 0;
            r[3] = (byte) segmentsLeft;
            System.arraycopy(v6("2001:db8:9::9"), 0, r, 8, 16);
            return ext(ROUTING, r);
        }

        Ipv6 fragment(int offsetBytes, boolean more, int id) {
            byte[] f = new byte[8];
            put16(f, 2, offsetBytes | (more ? 1 : 0));
            put32(f, 4, id);
            return ext(FRAGMENT, f);
        }

        Ipv6 payload(int nextHeader, byte[] bytes) {
            upper = nextHeader;
            payload = bytes;
            return this;
        }

        Ipv6 tcp(int sport, int dport, byte[] data) {
            return payload(TCP, tcp6(src, dst, sport, dport, data));
        }

        Ipv6 udp(int sport, int dport, byte[] data) {
            return payload(UDP, udp6(src, dst, sport, dport, data));
        }

        Ipv6 icmp(int type, int code, int rest, byte[] body) {
            return payload(ICMPV6, icmp6(src, dst, type, code, rest, body));
        }

        byte[] build() {
            ByteArrayOutputStream chain = new ByteArrayOutputStream();
            for (int i = 0; i < extBodies.size(); i++) {
                byte[] e = extBodies.get(i).clone();
                e[0] = (byte) (i + 1 < extBodies.size() ? extTypes.get(i + 1)[0] : upper);
                chain.writeBytes(e);
            }
            chain.writeBytes(payload);
            byte[] body = chain.toByteArray();
            byte[] p = new byte[40 + body.length];
            put32(p, 0, 6 << 28 | trafficClass << 20 | flowLabel);
            put16(p, 4, body.length);
            p[6] = (byte) (extBodies.isEmpty() ? upper : extTypes.get(0)[0]);
            p[7] = (byte) hopLimit;
            System.arraycopy(src, 0, p, 8, 16);
            System.arraycopy(dst, 0, p, 24, 16);
            System.arraycopy(body, 0, p, 40, body.length);
            return p;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Small helpers.

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] slice(byte[] b, int from, int len) {
        return Arrays.copyOfRange(b, from, from + len);
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    static void put32(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }

    static int get16(byte[] b, int o) {
        return (b[o] & 0xFF) << 8 | (b[o + 1] & 0xFF);
    }

    static int get32(byte[] b, int o) {
        return get16(b, o) << 16 | get16(b, o + 2);
    }
}
