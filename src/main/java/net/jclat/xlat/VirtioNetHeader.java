package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * The 10-byte {@code struct virtio_net_hdr} a TUN device opened with IFF_VNET_HDR puts in front of every
 * packet (Linux include/uapi/linux/virtio_net.h; virtio 1.x §5.1.6): checksum and segmentation offload
 * state. Static accessors like {@link Ipv4Header}; multi-byte fields are little-endian (a TUN's legacy
 * virtio header is in the host's order, and the hosts jclat supports — x86_64, aarch64 — are little-endian).
 */
public final class VirtioNetHeader {
    public static final int LENGTH = 10;
    /** The L4 checksum is partial: its field holds the pseudo-header sum, not complemented (virtio §5.1.6.2). */
    public static final int F_NEEDS_CSUM = 1;
    /** The kernel has verified the packet's checksum (virtio 1.x §5.1.6.4, VIRTIO_NET_HDR_F_DATA_VALID). */
    public static final int F_DATA_VALID = 2;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    /** UDP fragmentation offload (UFO): one big datagram the sender expects to be IP-fragmented. */
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    /** UDP segmentation offload (USO): the payload is cut into gso_size datagrams, each with its own header. */
    public static final int GSO_UDP_L4 = 5;
    /** Flag on TCP GSO: CWR is set in the first segment only. */
    public static final int GSO_ECN = 0x80;

    private VirtioNetHeader() {
    }

    public static int flags(ByteBuffer b, int h) {
        return b.get(h) & 0xFF;
    }

    public static int gsoType(ByteBuffer b, int h) {
        return b.get(h + 1) & 0xFF;
    }

    /** Length of the headers of a GSO packet. The kernel's value on read is not reliable; jclat recomputes it. */
    public static int hdrLen(ByteBuffer b, int h) {
        return le16(b, h + 2);
    }

    /** Payload bytes per segment of a GSO packet (the MSS for TCP). */
    public static int gsoSize(ByteBuffer b, int h) {
        return le16(b, h + 4);
    }

    /** Where the partial checksum's region starts, counted from the IP header. */
    public static int csumStart(ByteBuffer b, int h) {
        return le16(b, h + 6);
    }

    /** Where the checksum field sits, counted from {@link #csumStart}. */
    public static int csumOffset(ByteBuffer b, int h) {
        return le16(b, h + 8);
    }

    public static void write(ByteBuffer b, int h, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
            int csumOffset) {
        b.put(h, (byte) flags);
        b.put(h + 1, (byte) gsoType);
        b.putShort(h + 2, Short.reverseBytes((short) hdrLen));
        b.putShort(h + 4, Short.reverseBytes((short) gsoSize));
        b.putShort(h + 6, Short.reverseBytes((short) csumStart));
        b.putShort(h + 8, Short.reverseBytes((short) csumOffset));
    }

    /** A header saying "a complete packet, nothing to do": flags 0, GSO none. */
    public static void writeNone(ByteBuffer b, int h) {
        b.putLong(h, 0L);
        b.putShort(h + 8, (short) 0);
    }

    private static int le16(ByteBuffer b, int at) {
        return Short.reverseBytes(b.getShort(at)) & 0xFFFF;
    }
}
