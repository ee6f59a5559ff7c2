package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * User-space UDP GRO for a TUN with virtio-net headers: consecutive datagrams of one flow, read one by one,
 * are merged into one UDP_L4 super-packet in the form the kernel's own UDP GSO gives (what a sender with
 * UDP_SEGMENT produces), which {@link Translator#translateVnet} then translates once and the kernel cuts
 * into the original datagrams after us. Small datagrams cost a translator one read and one write each, and
 * the write carries nearly all the kernel's forwarding work (~5 µs here); merged, one write forwards up to
 * {@link #MAX_SEGMENTS} of them.
 *
 * <p>What may merge is what the kernel's UDP GRO merges: same addresses, ports, TOS/traffic class, flow label,
 * TTL/hop limit and DF; no IPv4 options or IPv6 extension headers; not a fragment; every datagram as long as
 * the first, the last one may be shorter and ends the batch. A datagram whose checksum is complete is merged
 * only when that checksum is right, because the super-packet's checksums are computed afresh by the kernel
 * — a corrupted datagram is left alone and translated on its own, still carrying its wrong checksum
 * (RFC 7915 §4.5 / §5.4 update checksums, they do not repair them). A zero (absent) IPv4 UDP checksum is
 * never merged: RFC 7915 §4.5 leaves that case to its own setting.
 *
 * <p>The first datagram stays where it was read; each later one is copied (payload only) to its end, which
 * is cheaper than the write it saves. One instance per worker; no allocation.
 */
public final class UdpCoalescer {
    /** The kernel accepts 64 segments in a UDP_L4 packet on every version that has UDP GSO (UDP_MAX_SEGMENTS). */
    public static final int MAX_SEGMENTS = 64;
    private static final int PROTO_UDP = 17;
    private static final int UDP_HEADER = 8;
    private static final int MAX_IP_PACKET = 65535;

    private final Counters counters;
    private ByteBuffer buf;
    private int ip;
    private int l4;
    private int end;
    private boolean v4;
    private int segmentPayload;
    private int segments;
    private boolean closed;
    private boolean firstChecked;

    public UdpCoalescer(Counters counters) {
        this.counters = counters;
    }

    /**
     * Takes the packet at {@code b[ip..ip+len)} (its virtio-net header right before {@code ip}) as the start
     * of a batch if it is a datagram that could merge with the next; false leaves nothing held.
     */
    public boolean start(ByteBuffer b, int ip, int len) {
        int payloadAt = mergeableUdpStart(b, ip, len);
        if (payloadAt < 0) {
            return false;
        }
        this.buf = b;
        this.ip = ip;
        this.l4 = payloadAt - UDP_HEADER;
        this.end = ip + len;
        this.v4 = (b.get(ip) & 0xF0) == 0x40;
        this.segmentPayload = end - payloadAt;
        this.segments = 1;
        this.closed = false;
        this.firstChecked = false;
        return true;
    }

    /**
     * Appends the datagram at {@code p[pip..pip+len)} to the held batch if it belongs there; false leaves the
     * batch as it was (finish it, then treat this packet on its own).
     */
    public boolean append(ByteBuffer p, int pip, int len) {
        if (!canTakeMore()) {
            return false;
        }
        int payloadAt = mergeableUdpStart(p, pip, len);
        if (payloadAt < 0 || (p.get(pip) & 0xF0) == 0x40 != v4 || !sameFlow(p, pip, payloadAt - UDP_HEADER)) {
            return false;
        }
        int payload = pip + len - payloadAt;
        // IPv4 total length, or (IPv6) the IPv4 total length it becomes: at most 65535 either way.
        int limit = v4 ? MAX_IP_PACKET : MAX_IP_PACKET + Ipv6Header.LENGTH - Ipv4Header.MIN_LENGTH;
        if (payload > segmentPayload || end - ip + payload > limit || end + payload > buf.capacity()) {
            return false;
        }
        if (!firstChecked) {
            if (!checksumUsable(buf, ip, l4, end)) {
                return false;
            }
            firstChecked = true;
        }
        if (!checksumUsable(p, pip, payloadAt - UDP_HEADER, pip + len)) {
            return false;
        }
        buf.put(end, p, payloadAt, payload);
        end += payload;
        segments++;
        closed = payload < segmentPayload;
        return true;
    }

    /**
     * Ends the batch and returns the length of the packet at {@code ip}: unchanged for a single datagram,
     * else the super-packet in the kernel's UDP GSO form — lengths for the whole, virtio-net header
     * NEEDS_CSUM / UDP_L4 / gso_size, UDP checksum field holding the pseudo-header sum over the whole length.
     */
    public int finish() {
        ByteBuffer b = buf;
        buf = null;
        if (b == null) {
            return 0;
        }
        int len = end - ip;
        if (segments < 2) {
            return len;
        }
        int udpLength = end - l4;
        long addresses;
        if (v4) {
            b.putShort(ip + 2, (short) len);
            b.putShort(ip + 10, (short) 0);
            b.putShort(ip + 10, (short) Checksum.finish(Checksum.sum(b, ip, Ipv4Header.MIN_LENGTH)));
            addresses = Checksum.ipv4Addresses(Ipv4Header.source(b, ip), Ipv4Header.destination(b, ip));
        } else {
            b.putShort(ip + 4, (short) (len - Ipv6Header.LENGTH));
            addresses = Checksum.ipv6Addresses(b, ip);
        }
        b.putShort(l4 + 4, (short) udpLength);
        // Not complemented: the kernel completes each segment's sum (virtio 1.x §5.1.6.2, NEEDS_CSUM).
        b.putShort(l4 + 6, (short) Checksum.fold(addresses + PROTO_UDP + udpLength));
        int hdrLen = l4 - ip + UDP_HEADER;
        VirtioNetHeader.write(b, ip - VirtioNetHeader.LENGTH, VirtioNetHeader.F_NEEDS_CSUM,
                VirtioNetHeader.GSO_UDP_L4, hdrLen, segmentPayload, l4 - ip, 6);
        counters.add(Counters.UDP_COALESCED, segments - 1);
        return len;
    }

    /** Whether the held batch may still grow: not full, and its last datagram was not a short one. */
    public boolean canTakeMore() {
        return buf != null && !closed && segments < MAX_SEGMENTS;
    }

    /**
     * Where the UDP payload starts if the packet is a single UDP datagram that may merge: no GSO, plain
     * header, not a fragment, lengths consistent, at least one payload byte, a partial checksum only in the
     * usual place. -1 otherwise.
     */
    private static int mergeableUdpStart(ByteBuffer b, int ip, int len) {
        int h = ip - VirtioNetHeader.LENGTH;
        if (VirtioNetHeader.gsoType(b, h) != VirtioNetHeader.GSO_NONE || len < Ipv4Header.MIN_LENGTH) {
            return -1;
        }
        int l4;
        int version = (b.get(ip) & 0xF0) >>> 4;
        if (version == 4) {
            if ((b.get(ip) & 0x0F) != 5 || Ipv4Header.protocol(b, ip) != PROTO_UDP
                    || Ipv4Header.totalLength(b, ip) != len
                    || (Ipv4Header.fragmentField(b, ip) & (Ipv4Header.FLAG_MF | 0x1FFF)) != 0) {
                return -1;
            }
            l4 = ip + Ipv4Header.MIN_LENGTH;
        } else if (version == 6) {
            if (len < Ipv6Header.LENGTH || Ipv6Header.nextHeader(b, ip) != PROTO_UDP
                    || Ipv6Header.payloadLength(b, ip) != len - Ipv6Header.LENGTH) {
                return -1;
            }
            l4 = ip + Ipv6Header.LENGTH;
        } else {
            return -1;
        }
        int payloadAt = l4 + UDP_HEADER;
        if (payloadAt >= ip + len || (b.getShort(l4 + 4) & 0xFFFF) != ip + len - l4) {
            return -1;
        }
        if ((VirtioNetHeader.flags(b, h) & VirtioNetHeader.F_NEEDS_CSUM) != 0) {
            if (VirtioNetHeader.csumStart(b, h) != l4 - ip || VirtioNetHeader.csumOffset(b, h) != 6) {
                return -1;
            }
        } else if (version == 4 && b.getShort(l4 + 6) == 0) {
            return -1;
        }
        return payloadAt;
    }

    /** Same addresses, ports and the header fields GRO requires equal (IPv4: TOS, DF, TTL; IPv6: first word, hop limit). */
    private boolean sameFlow(ByteBuffer p, int pip, int pl4) {
        if (p.getInt(pl4) != buf.getInt(l4)) {
            return false;
        }
        if (v4) {
            return p.get(pip + 1) == buf.get(ip + 1)
                    && (p.getShort(pip + 6) & Ipv4Header.FLAG_DF) == (buf.getShort(ip + 6) & Ipv4Header.FLAG_DF)
                    && p.get(pip + 8) == buf.get(ip + 8)
                    && p.getLong(pip + 12) == buf.getLong(ip + 12);
        }
        return p.getInt(pip) == buf.getInt(ip) && p.get(pip + 7) == buf.get(ip + 7)
                && p.getLong(pip + 8) == buf.getLong(ip + 8) && p.getLong(pip + 16) == buf.getLong(ip + 16)
                && p.getLong(pip + 24) == buf.getLong(ip + 24) && p.getLong(pip + 32) == buf.getLong(ip + 32);
    }

    /**
     * A partial checksum is usable as it is, and so is one the kernel has verified (DATA_VALID); any other
     * only if it verifies here.
     */
    private static boolean checksumUsable(ByteBuffer b, int ip, int l4, int end) {
        int flags = VirtioNetHeader.flags(b, ip - VirtioNetHeader.LENGTH);
        if ((flags & (VirtioNetHeader.F_NEEDS_CSUM | VirtioNetHeader.F_DATA_VALID)) != 0) {
            return true;
        }
        long addresses = (b.get(ip) & 0xF0) == 0x40
                ? Checksum.ipv4Addresses(Ipv4Header.source(b, ip), Ipv4Header.destination(b, ip))
                : Checksum.ipv6Addresses(b, ip);
        return Checksum.finish(addresses + PROTO_UDP + (end - l4) + Checksum.sum(b, l4, end - l4)) == 0;
    }
}
