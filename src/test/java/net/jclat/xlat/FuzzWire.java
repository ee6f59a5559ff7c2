package net.jclat.xlat;

/**
 * The fuzz oracle's own view of packets on the wire: an RFC 1071 checksum, pseudo-headers and a walk of
 * IPv4 and IPv6 headers, written for the fuzz tests and sharing no code with the production {@link Checksum}
 * or header classes (nor with the other test helpers), so a bug in either cannot hide behind the same bug
 * here. Works on {@code byte[]} without allocating, because it runs millions of times per fuzz run.
 */
final class FuzzWire {
    private FuzzWire() {
    }

    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;

    /** One's-complement sum of 16-bit big-endian words (RFC 1071 §4.1); an odd byte is padded with zero. */
    static long sum(byte[] b, int off, int len) {
        long s = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s += (b[off + i] & 0xFF) << 8 | b[off + i + 1] & 0xFF;
        }
        if (i < len) {
            s += (b[off + i] & 0xFF) << 8;
        }
        return s;
    }

    static int fold(long s) {
        while (s >>> 16 != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /** A sum over data that contains its checksum folds to all ones. */
    static boolean verifies(long s) {
        return fold(s) == 0xFFFF;
    }

    /** The value to store in a zeroed checksum field so the data verifies. */
    static int checksumFor(long s) {
        return ~fold(s) & 0xFFFF;
    }

    /** RFC 791 / RFC 793 §3.1 pseudo-header of IPv4: addresses at {@code ip + 12}, zero, protocol, length. */
    static long pseudo4(byte[] p, int ip, int protocol, int length) {
        return sum(p, ip + 12, 8) + protocol + length;
    }

    /** RFC 8200 §8.1 pseudo-header of IPv6: addresses at {@code ip + 8}, 32-bit length, next header. */
    static long pseudo6(byte[] p, int ip, int nextHeader, int length) {
        return sum(p, ip + 8, 32) + (length >>> 16) + (length & 0xFFFF) + nextHeader;
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | b[i + 1] & 0xFF;
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    /** Offset of the checksum field in a transport header, or -1 for protocols without one we know. */
    static int checksumOffset(int protocol) {
        return switch (protocol) {
            case TCP -> 16;
            case UDP -> 6;
            case ICMP, ICMPV6 -> 2;
            default -> -1;
        };
    }

    /** Shortest header of a transport protocol whose checksum we check. */
    static int minimumHeader(int protocol) {
        return protocol == TCP ? 20 : 8;
    }

    /**
     * Where an IPv6 packet's upper layer starts, walking Hop-by-Hop, Routing, Destination Options and Fragment
     * headers (RFC 8200 §4) up to {@code end}. Result fields are in {@link Walk6}.
     */
    static final class Walk6 {
        boolean ok;
        int upper;
        int upperOffset;
        boolean hasFragmentHeader;
        int fragmentHeaderOffset;
        int fragmentOffset;
        boolean more;
        int reservedBits;
        long id;
        int fragmentHeaders;

        boolean isFragment() {
            return hasFragmentHeader && (more || fragmentOffset != 0);
        }

        /** Walks {@code p[ip .. end)}; {@link #ok} is false when a header overruns {@code end}. */
        Walk6 walk(byte[] p, int ip, int end) {
            ok = false;
            hasFragmentHeader = false;
            fragmentHeaders = 0;
            int nh = u8(p, ip + 6);
            int at = ip + 40;
            while (true) {
                if (nh == 0 || nh == 43 || nh == 60) {
                    if (at + 8 > end) {
                        return this;
                    }
                    int len = (u8(p, at + 1) + 1) * 8;
                    if (at + len > end) {
                        return this;
                    }
                    nh = u8(p, at);
                    at += len;
                } else if (nh == 44) {
                    if (at + 8 > end) {
                        return this;
                    }
                    fragmentHeaders++;
                    hasFragmentHeader = true;
                    fragmentHeaderOffset = at;
                    int f = u16(p, at + 2);
                    fragmentOffset = f & 0xFFF8;
                    more = (f & 1) != 0;
                    reservedBits = u8(p, at + 1) << 16 | f & 6;
                    id = (long) u16(p, at + 4) << 16 | u16(p, at + 6);
                    nh = u8(p, at);
                    at += 8;
                    if (fragmentOffset != 0) {
                        break; // a later fragment: what follows is data, not headers
                    }
                } else {
                    break;
                }
            }
            upper = nh;
            upperOffset = at;
            ok = true;
            return this;
        }
    }
}
