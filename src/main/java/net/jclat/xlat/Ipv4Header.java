package net.jclat.xlat;

import java.nio.ByteBuffer;

/** Static accessors for an IPv4 header at {@code o} in a buffer (RFC 791 §3.1). */
public final class Ipv4Header {
    private Ipv4Header() {
    }

    public static final int MIN_LENGTH = 20;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int OFFSET_MASK = 0x1FFF;

    public static int ihl(ByteBuffer b, int o) {
        return (b.get(o) & 0x0F) * 4;
    }

    public static int tos(ByteBuffer b, int o) {
        return b.get(o + 1) & 0xFF;
    }

    public static int totalLength(ByteBuffer b, int o) {
        return b.getShort(o + 2) & 0xFFFF;
    }

    public static int identification(ByteBuffer b, int o) {
        return b.getShort(o + 4) & 0xFFFF;
    }

    /** Flags and fragment offset, the 16 bits at byte 6. */
    public static int fragmentField(ByteBuffer b, int o) {
        return b.getShort(o + 6) & 0xFFFF;
    }

    public static int ttl(ByteBuffer b, int o) {
        return b.get(o + 8) & 0xFF;
    }

    public static int protocol(ByteBuffer b, int o) {
        return b.get(o + 9) & 0xFF;
    }

    public static int source(ByteBuffer b, int o) {
        return b.getInt(o + 12);
    }

    public static int destination(ByteBuffer b, int o) {
        return b.getInt(o + 16);
    }

    /** Offset of the payload in bytes, from the fragment field. */
    public static int fragmentOffsetBytes(int fragmentField) {
        return (fragmentField & OFFSET_MASK) * 8;
    }

    /** Writes a 20-byte header without options and fills in its checksum. */
    public static void write(ByteBuffer b, int o, int tos, int totalLength, int id, int fragmentField, int ttl,
            int protocol, int src, int dst) {
        b.putInt(o, 0x4500_0000 | tos << 16 | totalLength);
        b.putInt(o + 4, id << 16 | fragmentField);
        b.putInt(o + 8, ttl << 24 | protocol << 16);
        b.putInt(o + 12, src);
        b.putInt(o + 16, dst);
        b.putShort(o + 10, (short) Checksum.finish(Checksum.sum(b, o, MIN_LENGTH)));
    }

    /** Multicast (224/4), reserved (240/4) and limited broadcast can never be translated. */
    public static boolean isMulticastOrReserved(int a) {
        return (a & 0xE000_0000) == 0xE000_0000;
    }
}
