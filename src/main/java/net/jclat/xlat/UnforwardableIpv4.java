package net.jclat.xlat;

/**
 * IPv4 addresses no router forwards, whatever the mapping would make of them: a network-specific prefix or
 * an operator who lifted RFC 6052 §3.1 embeds any IPv4 address, so this is checked on the IPv4 form of every
 * packet, outer or quoted, in both directions.
 */
final class UnforwardableIpv4 {
    private static final int LIMITED_BROADCAST = 0xFFFF_FFFF;

    private UnforwardableIpv4() {
    }

    /** The reason a packet from {@code src} to {@code dst} is not forwarded, or null. */
    static Drop check(int src, int dst) {
        Drop d = destination(dst);
        return d != null ? d : source(src);
    }

    static Drop source(int a) {
        int first = a >>> 24;
        if (first == 0 || first == 127) {
            return Drop.ILLEGAL_SOURCE; // RFC 1122 §3.2.1.3, RFC 1812 §5.3.7
        }
        return common(a, first);
    }

    static Drop destination(int a) {
        int first = a >>> 24;
        if (first == 0 || first == 127) {
            return Drop.ILLEGAL_DESTINATION; // RFC 1122 §3.2.1.3, RFC 1812 §5.3.7
        }
        return common(a, first);
    }

    private static Drop common(int a, int first) {
        if (first >= 224) {
            // RFC 1112 §4: 224/4 multicast; RFC 919: limited broadcast; the rest of 240/4 is reserved (class E).
            return first < 240 || a == LIMITED_BROADCAST ? Drop.MULTICAST : Drop.RESERVED_CLASS_E;
        }
        if (first == 169 && (a >>> 16 & 0xFF) == 254) {
            return Drop.LINK_LOCAL; // RFC 3927 §2.7: a router MUST NOT forward it
        }
        return null;
    }
}
