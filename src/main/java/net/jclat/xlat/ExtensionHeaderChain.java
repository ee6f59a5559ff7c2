package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * The result of walking an IPv6 packet's extension headers (RFC 7915 §5.1): where the upper protocol starts,
 * which it is, and what a Fragment Header said. One per translator and walk site, reused for every packet
 * (one worker thread), so the walk allocates nothing.
 */
final class ExtensionHeaderChain {
    private static final int PROTO_AH = 51;

    /** The upper-layer protocol after the last extension header walked. */
    int nextHeader;
    /** Offset of what follows the headers (the upper-layer header, or fragment data past the first). */
    int payload;
    boolean fragment;
    /** Fragment offset in bytes. */
    int fragOffset;
    boolean more;
    int fragId;
    /** Offset of the first non-zero Segments Left field of a Routing header, or -1. */
    int segmentsLeftAt;

    /**
     * Walks HBH / Destination Options / Routing / Fragment headers of the packet at {@code off} up to
     * {@code end}. Returns a drop reason or null.
     */
    Drop walk(ByteBuffer b, int off, int end) {
        int nh = Ipv6Header.nextHeader(b, off);
        int pos = off + Ipv6Header.LENGTH;
        fragment = false;
        fragOffset = 0;
        more = false;
        fragId = 0;
        segmentsLeftAt = -1;
        while (true) {
            if (nh == Ipv6Header.NH_HOP_BY_HOP || nh == Ipv6Header.NH_DESTINATION_OPTIONS
                    || nh == Ipv6Header.NH_ROUTING || nh == PROTO_AH) {
                // HBH only first (RFC 8200 §4.1); after a Fragment Header an extension header other than
                // ESP means the packet should be dropped (RFC 7915 §5.1.1).
                if ((nh == Ipv6Header.NH_HOP_BY_HOP && pos != off + Ipv6Header.LENGTH) || fragment
                        || nh == PROTO_AH) {
                    return nh == PROTO_AH ? Drop.UNTRANSLATABLE_PROTOCOL : Drop.IPV6_BAD_EXTENSION;
                }
                if (pos + 8 > end) {
                    return Drop.IPV6_BAD_EXTENSION;
                }
                int hlen = ((b.get(pos + 1) & 0xFF) + 1) * 8;
                if (pos + hlen > end) {
                    return Drop.IPV6_BAD_EXTENSION;
                }
                if (nh == Ipv6Header.NH_ROUTING && (b.get(pos + 3) & 0xFF) != 0 && segmentsLeftAt < 0) {
                    segmentsLeftAt = pos + 3;
                }
                nh = b.get(pos) & 0xFF;
                pos += hlen;
            } else if (nh == Ipv6Header.NH_FRAGMENT) {
                if (fragment || pos + 8 > end) {
                    return Drop.IPV6_BAD_EXTENSION;
                }
                int field = b.getShort(pos + 2) & 0xFFFF;
                fragment = true;
                fragOffset = field & 0xFFF8;
                more = (field & 1) != 0;
                fragId = b.getInt(pos + 4);
                nh = b.get(pos) & 0xFF;
                pos += 8;
                if (fragOffset != 0) {
                    break; // the rest is the middle of the payload, not headers
                }
            } else {
                break;
            }
        }
        nextHeader = nh;
        payload = pos;
        return null;
    }
}
