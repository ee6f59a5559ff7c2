package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * Cuts a GSO super-packet (TCP segmentation or UDP segmentation offload) into the packets the kernel would
 * have put on the wire, for the cases the super-packet cannot be translated whole: it must become fragments,
 * or its segments do not fit the next hop. Each segment is complete — full checksums, its own lengths — and
 * is then translated as an ordinary packet. Follows what Linux does in tcp_gso_segment / __udp_gso_segment /
 * inet_gso_segment: TCP sequence numbers advance by the MSS, FIN and PSH only on the last segment, CWR only
 * on the first (RFC 3168 §6.1.2: CWR is sent once); IPv4 identification advances by one per segment.
 */
final class GsoSegmenter {
    private static final int TCP_FLAG_FIN = 0x01;
    private static final int TCP_FLAG_PSH = 0x08;
    private static final int TCP_FLAG_CWR = 0x80;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    private GsoSegmenter() {
    }

    /** How many segments {@code payload} bytes of transport data make at {@code mss} bytes each. */
    static int count(int payload, int mss) {
        return payload <= 0 ? 1 : (payload + mss - 1) / mss;
    }

    /**
     * Builds segment {@code index} of the super-packet {@code b[off..end)} — IP header (and any IPv6 extension
     * headers) at {@code off}, the transport header at {@code l4}, {@code l4Len} bytes long — at {@code out[at..]}
     * and returns its length. {@code tcp} false means UDP.
     */
    static int build(ByteBuffer b, int off, int l4, int l4Len, int end, int mss, boolean tcp, int index,
            ByteBuffer out, int at) {
        int headers = l4 - off + l4Len;
        int data = l4 + l4Len;
        int payload = end - data;
        int first = index * mss;
        int chunk = Math.max(0, Math.min(mss, payload - first));
        boolean last = first + chunk >= payload;
        out.put(at, b, off, headers);
        out.put(at + headers, b, data + first, chunk);
        int len = headers + chunk;
        int o4 = at + (l4 - off);
        int l4Bytes = l4Len + chunk;
        long pseudo;
        if ((b.get(off) & 0xF0) == 0x40) {
            int ihl = Ipv4Header.ihl(b, off);
            out.putShort(at + 2, (short) len);
            out.putShort(at + 4, (short) (Ipv4Header.identification(b, off) + index));
            out.putShort(at + 10, (short) 0);
            out.putShort(at + 10, (short) Checksum.finish(Checksum.sum(out, at, ihl)));
            pseudo = Checksum.ipv4Addresses(Ipv4Header.source(b, off), Ipv4Header.destination(b, off));
        } else {
            out.putShort(at + 4, (short) (len - Ipv6Header.LENGTH));
            pseudo = Checksum.ipv6Addresses(b, off);
        }
        int field;
        if (tcp) {
            out.putInt(o4 + 4, b.getInt(l4 + 4) + first);
            int flags = b.get(l4 + 13) & 0xFF;
            if (!last) {
                flags &= ~(TCP_FLAG_FIN | TCP_FLAG_PSH);
            }
            if (index > 0) {
                flags &= ~TCP_FLAG_CWR;
            }
            out.put(o4 + 13, (byte) flags);
            field = o4 + 16;
            pseudo += PROTO_TCP + l4Bytes;
        } else {
            out.putShort(o4 + 4, (short) l4Bytes);
            field = o4 + 6;
            pseudo += PROTO_UDP + l4Bytes;
        }
        out.putShort(field, (short) 0);
        int sum = Checksum.finish(pseudo + Checksum.sum(out, o4, l4Bytes));
        // RFC 768: a computed UDP checksum of zero is sent as all ones (the same value in one's complement).
        out.putShort(field, (short) (!tcp && sum == 0 ? 0xFFFF : sum));
        return len;
    }
}
