package net.jclat.xlat;

import java.nio.ByteBuffer;

/** Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
public final class Checksum {
    private Checksum() {
    }

    /** One's-complement sum of {@code len} bytes, not folded; an odd last byte is padded with zero. */
    public static long sum(ByteBuffer b, int off, int len) {
        long s = 0;
        int i = off;
        int end = off + len;
        for (; i + 4 <= end; i += 4) {
            s += b.getInt(i) & 0xFFFF_FFFFL;
        }
        if (i + 2 <= end) {
            s += b.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            s += (b.get(i) & 0xFF) << 8;
        }
        return s;
    }

    /** Folds a sum to 16 bits with end-around carry. */
    public static int fold(long s) {
        s = (s & 0xFFFF_FFFFL) + (s >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /** The checksum field value for a sum: its complement. */
    public static int finish(long s) {
        return ~fold(s) & 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), where {@code oldSum} (m) is the sum of the data removed from
     * the checksummed region and {@code newSum} (m') the sum of the data that replaced it.
     */
    public static int adjust(int checksum, long oldSum, long newSum) {
        long s = (~checksum & 0xFFFF) + (~fold(oldSum) & 0xFFFF) + fold(newSum);
        return ~fold(s) & 0xFFFF;
    }

    /** Sum of the 32 address bytes of an IPv6 header at {@code ip6}. */
    public static long ipv6Addresses(ByteBuffer b, int ip6) {
        return sum(b, ip6 + 8, 32);
    }

    /** Sum of two IPv4 addresses. */
    public static long ipv4Addresses(int src, int dst) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF);
    }
}
