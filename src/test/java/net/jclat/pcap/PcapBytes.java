package net.jclat.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds pcap files byte by byte so tests control byte order, magic and corruption. */
final class PcapBytes {

    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;

    private final ByteOrder order;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PcapBytes(ByteOrder order, int magic, int linkType) {
        this.order = order;
        ByteBuffer b = buffer(24);
        b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        out.writeBytes(b.array());
    }

    static PcapBytes littleEndianMicros(int linkType) {
        return new PcapBytes(ByteOrder.LITTLE_ENDIAN, MAGIC_MICROS, linkType);
    }

    PcapBytes record(long seconds, long fraction, byte[] data) {
        return record(seconds, fraction, data, data.length);
    }

    PcapBytes record(long seconds, long fraction, byte[] data, int originalLength) {
        recordHeader(seconds, fraction, data.length, originalLength);
        out.writeBytes(data);
        return this;
    }

    /** A record header alone, for building files whose data does not match it. */
    PcapBytes recordHeader(long seconds, long fraction, int capturedLength, int originalLength) {
        ByteBuffer b = buffer(16);
        b.putInt((int) seconds).putInt((int) fraction).putInt(capturedLength).putInt(originalLength);
        out.writeBytes(b.array());
        return this;
    }

    PcapBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(order);
    }

    // --- sample packets and frames ---

    /** Minimal IPv4 packet (UDP protocol number) whose total-length field is right. */
    static byte[] ipv4(int payloadBytes) {
        byte[] p = new byte[20 + payloadBytes];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        for (int i = 20; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    /** Minimal IPv6 packet whose payload-length field is right. */
    static byte[] ipv6(int payloadBytes) {
        byte[] p = new byte[40 + payloadBytes];
        p[0] = 0x60;
        p[4] = (byte) (payloadBytes >>> 8);
        p[5] = (byte) payloadBytes;
        p[6] = 17;
        p[7] = 64;
        for (int i = 40; i < p.length; i++) {
            p[i] = (byte) (i * 3);
        }
        return p;
    }

    /** Ethernet frame: MACs, then each VLAN TPID with a TCI, then the ethertype and payload. */
    static byte[] ethernet(int ethertype, byte[] payload, int... vlanTpids) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlanTpids.length + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
        for (int tpid : vlanTpids) {
            b.putShort((short) tpid).putShort((short) 42);
        }
        b.putShort((short) ethertype).put(payload);
        return b.array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
