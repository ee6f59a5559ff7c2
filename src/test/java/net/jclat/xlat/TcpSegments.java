package net.jclat.xlat;

import static net.jclat.xlat.PacketBuilder.put16;
import static net.jclat.xlat.PacketBuilder.put32;

/** TCP headers with chosen sequence number, flags and options, for the offload tests. */
final class TcpSegments {
    static final int FIN = 0x01;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int CWR = 0x80;
    /** NOP, NOP, timestamps (kind 8, length 10): a 32-byte header like Linux sends. */
    static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78};

    private TcpSegments() {
    }

    /** Header and data; checksum field zero. */
    static byte[] raw(long seq, int flags, byte[] options, byte[] data) {
        int hlen = 20 + options.length;
        byte[] seg = new byte[hlen + data.length];
        put16(seg, 0, 40000);
        put16(seg, 2, 443);
        put32(seg, 4, (int) seq);
        put32(seg, 8, 0x0A0B0C0D);
        seg[12] = (byte) (hlen / 4 << 4);
        seg[13] = (byte) flags;
        put16(seg, 14, 501);
        System.arraycopy(options, 0, seg, 20, options.length);
        System.arraycopy(data, 0, seg, hlen, data.length);
        return seg;
    }

    /** With the full checksum over the given pseudo-header sum (from {@link PacketBuilder#pseudo4}/pseudo6). */
    static byte[] withChecksum(byte[] seg, long pseudo, int field) {
        put16(seg, field, 0);
        put16(seg, field, PacketBuilder.checksum(PacketBuilder.sum(seg) + pseudo));
        return seg;
    }

    /** With a partial checksum, as the kernel hands it over with NEEDS_CSUM: the folded pseudo-header sum. */
    static byte[] withPartial(byte[] seg, long pseudo, int field) {
        put16(seg, field, PacketBuilder.fold(pseudo));
        return seg;
    }

    /** What a receiver (or the kernel finishing a partial checksum) computes: the complement of the sum. */
    static int complete(byte[] l4, int field) {
        byte[] c = l4.clone();
        int partial = PacketBuilder.get16(c, field);
        put16(c, field, 0);
        return PacketBuilder.checksum(PacketBuilder.sum(c) + partial);
    }
}
