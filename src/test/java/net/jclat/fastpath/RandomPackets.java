package net.jclat.fastpath;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.xlat.XlatConfig;

/**
 * A property generator: random CLAT configurations (nat44 and prefix mode, each of the six RFC 6052 prefix
 * lengths for the NAT64 and the dedicated prefix, the Well-Known Prefix, MTUs, TOS policy) and random valid
 * TCP, UDP and ICMP echo packets for them in both directions — mostly ones the fast path should take, with
 * the edges it must leave (TTL 1, sizes around the MTUs, zero UDP checksums, addresses outside the mapping).
 * Checksums are computed here with a plain RFC 1071 sum.
 */
final class RandomPackets {
    private static final int[] LENGTHS = {32, 40, 48, 56, 64, 96};

    record Case(XlatConfig config, byte[] packet) {
    }

    private final Random r;

    RandomPackets(long seed) {
        r = new Random(seed);
    }

    Case next() {
        boolean wkp = r.nextInt(4) == 0;
        Pref64 pref64 = wkp ? Pref64.parse("64:ff9b::/96") : new Pref64(prefix(0x20010db8_00640000L, pick(LENGTHS)));
        XlatConfig.Builder b = XlatConfig.builder().pref64(pref64).pref64ForLocal(false)
                .ignoreTos(r.nextInt(4) == 0).allowWkpNonGlobal(r.nextInt(3) == 0);
        int ipv6Mtu = pick(new int[] {1280, 1500, 9000});
        b.ipv6Mtu(ipv6Mtu).lowestIpv6Mtu(r.nextBoolean() ? 1280 : ipv6Mtu).ipv4Mtu(pick(new int[] {576, 1500, 9000}));
        int mode = r.nextInt(3); // 0 nat44, 1 prefix, 2 both
        int clat4 = 0xC0000001;
        byte[] clat6 = new byte[16];
        if (mode != 1) {
            ByteBuffer.wrap(clat6).putLong(0x20010db8_00010000L | r.nextInt(0x10000)).putLong(r.nextLong());
            b.clatIpv4(new Ipv4Prefix(clat4, 32)).clatIpv6(new Ipv6Prefix(hi(clat6), lo(clat6), 128));
        }
        Ipv4Prefix ded4 = null;
        Pref64 ded6 = null;
        if (mode != 0) {
            int len4 = pick(new int[] {16, 24, 28, 32});
            int mask = -1 << (32 - len4);
            ded4 = new Ipv4Prefix((0xC0A80000 | r.nextInt(256) << 8 | r.nextInt(256)) & mask, len4);
            ded6 = new Pref64(prefix(0x20010db8_aaaa0000L, pick(LENGTHS)));
            b.dedicatedPrefixes(List.of(new DedicatedPrefix(ded4, ded6)));
        }
        XlatConfig c = b.build();
        boolean outside = r.nextInt(10) == 0;
        if (r.nextBoolean()) {
            int src = mode == 1 || mode == 2 && r.nextBoolean() ? host(ded4) : clat4;
            if (outside) {
                src = r.nextInt();
            }
            return new Case(c, ipv4(src, remote4()));
        }
        byte[] dst = mode == 1 || mode == 2 && r.nextBoolean() ? embed(ded6, host(ded4)) : clat6;
        byte[] src = embed(pref64, remote4());
        if (outside) {
            (r.nextBoolean() ? src : dst)[r.nextInt(16)] ^= (byte) (1 + r.nextInt(255));
        }
        return new Case(c, ipv6(src, dst));
    }

    /** A remote IPv4 address: mostly global, sometimes one RFC 6052 §3.1 keeps out of the Well-Known Prefix. */
    private int remote4() {
        return switch (r.nextInt(6)) {
            case 0 -> pick(new int[] {0x0A000001, 0xC0A80101, 0x64400001, 0xC0000009, 0xAC100001, 0xC6336401,
                0xA9FE0101, 0x7F000001, 0x00000001, 0xF0000001, 0xE0000001, 0xFFFFFFFF}); // incl. unforwardable
            default -> 0x5DB8D800 | r.nextInt(256); // 93.184.216.x
        };
    }

    private int host(Ipv4Prefix p) {
        return p.address() | r.nextInt() & ~p.mask();
    }

    private Ipv6Prefix prefix(long top, int len) {
        byte[] a = new byte[16];
        ByteBuffer.wrap(a).putLong(top | r.nextInt(0x10000)).putLong(r.nextLong());
        for (int i = len / 8; i < 16; i++) {
            a[i] = 0;
        }
        a[8] = 0; // RFC 6052 §2.2: the u octet
        return new Ipv6Prefix(hi(a), lo(a), len);
    }

    private static byte[] embed(Pref64 p, int v4) {
        return ByteBuffer.allocate(16).putLong(p.embedHi(v4)).putLong(p.embedLo(v4)).array();
    }

    private int size() {
        return switch (r.nextInt(8)) {
            case 0 -> 1180 + r.nextInt(360); // around the 1260 DF threshold and 1280/1500 MTUs
            case 1 -> 500 + r.nextInt(TestRun.MAX_PACKET - 600);
            default -> r.nextInt(120);
        };
    }

    private int ttl() {
        return r.nextInt(6) == 0 ? r.nextInt(3) : 2 + r.nextInt(254);
    }

    /** TCP, UDP (now and then without checksum) or ICMP echo with {@code echoType} request/reply types. */
    private byte[] l4(int proto, int data, int echoRequest, int echoReply) {
        int hdr = proto == 6 ? 20 : 8;
        byte[] l4 = new byte[hdr + data];
        r.nextBytes(l4);
        if (proto == 6) {
            l4[12] = 0x50;
        } else if (proto == 17) {
            ByteBuffer.wrap(l4).putShort(4, (short) l4.length);
        } else {
            l4[0] = (byte) (r.nextBoolean() ? echoRequest : echoReply);
            l4[1] = (byte) (r.nextInt(8) == 0 ? r.nextInt(256) : 0);
        }
        return l4;
    }

    private int proto() {
        return pick(new int[] {6, 17, 1});
    }

    private byte[] ipv4(int src, int dst) {
        int proto = proto();
        byte[] l4 = l4(proto, size(), 8, 0);
        ByteBuffer p = ByteBuffer.allocate(20 + l4.length);
        p.put(0, (byte) 0x45).put(1, (byte) r.nextInt(256)).putShort(2, (short) (20 + l4.length))
                .putShort(4, (short) r.nextInt()).putShort(6, (short) (r.nextBoolean() ? 0x4000 : 0))
                .put(8, (byte) ttl()).put(9, (byte) proto).putInt(12, src).putInt(16, dst);
        p.putShort(10, (short) ~fold(sum(p.array(), 0, 20)));
        p.put(20, l4);
        long pseudo = proto == 1 ? 0 : sum(p.array(), 12, 8) + proto + l4.length;
        setChecksum(p, 20, proto == 6 ? 16 : proto == 17 ? 6 : 2, pseudo + sum(l4, 0, l4.length), proto == 17);
        return p.array();
    }

    private byte[] ipv6(byte[] src, byte[] dst) {
        int proto = proto();
        byte[] l4 = l4(proto, size(), 128, 129);
        int nh = proto == 1 ? 58 : proto;
        ByteBuffer p = ByteBuffer.allocate(40 + l4.length);
        p.putInt(0, 6 << 28 | r.nextInt(256) << 20 | (r.nextBoolean() ? r.nextInt(1 << 20) : 0))
                .putShort(4, (short) l4.length).put(6, (byte) nh).put(7, (byte) ttl()).put(8, src).put(24, dst);
        p.put(40, l4);
        long pseudo = sum(p.array(), 8, 32) + nh + l4.length;
        setChecksum(p, 40, proto == 6 ? 16 : proto == 17 ? 6 : 2, pseudo + sum(l4, 0, l4.length), proto == 17);
        return p.array();
    }

    /** Writes the checksum over a zeroed field; UDP sometimes keeps zero ("none", RFC 768). */
    private void setChecksum(ByteBuffer p, int l4, int field, long sumWithRandomField, boolean udp) {
        long s = sumWithRandomField - (p.getShort(l4 + field) & 0xFFFF);
        int c = ~fold(s) & 0xFFFF;
        if (udp && r.nextInt(16) == 0) {
            c = 0;
        } else if (udp && c == 0) {
            c = 0xFFFF;
        }
        p.putShort(l4 + field, (short) c);
    }

    private int pick(int[] a) {
        return a[r.nextInt(a.length)];
    }

    static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            s += (b[off + i] & 0xFF) << 8 | (i + 1 < len ? b[off + i + 1] & 0xFF : 0);
        }
        return s;
    }

    static int fold(long s) {
        while (s >>> 16 != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    private static long hi(byte[] a) {
        return ByteBuffer.wrap(a).getLong(0);
    }

    private static long lo(byte[] a) {
        return ByteBuffer.wrap(a).getLong(8);
    }
}
