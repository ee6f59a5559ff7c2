package net.jclat.xlat;

import java.nio.ByteBuffer;

/** Static accessors for an IPv6 header at {@code o} in a buffer (RFC 8200 §3). */
public final class Ipv6Header {
    private Ipv6Header() {
    }

    public static final int LENGTH = 40;
    public static final int FRAGMENT_HEADER_LENGTH = 8;

    public static final int NH_HOP_BY_HOP = 0;
    public static final int NH_ROUTING = 43;
    public static final int NH_FRAGMENT = 44;
    public static final int NH_ICMPV6 = 58;
    public static final int NH_NONE = 59;
    public static final int NH_DESTINATION_OPTIONS = 60;

    public static int trafficClass(ByteBuffer b, int o) {
        return b.getShort(o) >>> 4 & 0xFF;
    }

    public static int payloadLength(ByteBuffer b, int o) {
        return b.getShort(o + 4) & 0xFFFF;
    }

    public static int nextHeader(ByteBuffer b, int o) {
        return b.get(o + 6) & 0xFF;
    }

    public static int hopLimit(ByteBuffer b, int o) {
        return b.get(o + 7) & 0xFF;
    }

    public static long sourceHi(ByteBuffer b, int o) {
        return b.getLong(o + 8);
    }

    public static long sourceLo(ByteBuffer b, int o) {
        return b.getLong(o + 16);
    }

    public static long destinationHi(ByteBuffer b, int o) {
        return b.getLong(o + 24);
    }

    public static long destinationLo(ByteBuffer b, int o) {
        return b.getLong(o + 32);
    }

    /** Writes the first 8 bytes: version 6, traffic class, flow label 0 (RFC 7915 §4.1), lengths. */
    public static void writeFixed(ByteBuffer b, int o, int trafficClass, int payloadLength, int nextHeader,
            int hopLimit) {
        b.putInt(o, 0x6000_0000 | trafficClass << 20);
        b.putInt(o + 4, payloadLength << 16 | nextHeader << 8 | hopLimit);
    }

    public static void writeAddresses(ByteBuffer b, int o, long srcHi, long srcLo, long dstHi, long dstLo) {
        b.putLong(o + 8, srcHi);
        b.putLong(o + 16, srcLo);
        b.putLong(o + 24, dstHi);
        b.putLong(o + 32, dstLo);
    }

    /** Fragment header (RFC 8200 §4.5): offset in bytes (a multiple of 8), M flag, 32-bit identification. */
    public static void writeFragmentHeader(ByteBuffer b, int o, int nextHeader, int offsetBytes, boolean more,
            int id) {
        b.putShort(o, (short) (nextHeader << 8));
        b.putShort(o + 2, (short) (offsetBytes | (more ? 1 : 0)));
        b.putInt(o + 4, id);
    }

    public static boolean isMulticast(long hi) {
        return (hi >>> 56) == 0xFF;
    }

    /** One's-complement sum of the two 128-bit addresses given as longs. */
    public static long addressSum(long srcHi, long srcLo, long dstHi, long dstLo) {
        return halves(srcHi) + halves(srcLo) + halves(dstHi) + halves(dstLo);
    }

    private static long halves(long v) {
        return (v >>> 32) + (v & 0xFFFF_FFFFL);
    }
}
