package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * The transport checksums whose pseudo-header holds the IP addresses — TCP, UDP, DCCP — and their
 * incremental update when only the addresses change (RFC 7915 §4.5/§5.5, RFC 1624). The pseudo-header's
 * length and protocol words sum the same in IPv4 and IPv6, so the address sums are the whole difference.
 */
final class PseudoHeaderChecksum {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int DCCP = 33;

    private PseudoHeaderChecksum() {
    }

    /** Offset of the checksum in the transport header, or -1 for protocols this class does not cover. */
    static int fieldOffset(int protocol) {
        return switch (protocol) {
            case TCP -> 16;
            case UDP, DCCP -> 6;
            default -> -1;
        };
    }

    /**
     * Updates the checksum at {@code p + fieldOffset(protocol)}, which the caller made sure is present. UDP's
     * zero ("no checksum") stays zero; a UDP result of zero is sent as all ones (RFC 768).
     */
    static void adjust(ByteBuffer b, int p, int protocol, long oldAddrSum, long newAddrSum) {
        int at = p + fieldOffset(protocol);
        int sum = b.getShort(at) & 0xFFFF;
        if (protocol == UDP && sum == 0) {
            return;
        }
        int adjusted = Checksum.adjust(sum, oldAddrSum, newAddrSum);
        b.putShort(at, (short) (protocol == UDP ? Ipv4ToIpv6.nonZero(adjusted) : adjusted));
    }

    /**
     * Updates a partial checksum (virtio NEEDS_CSUM: the field holds the pseudo-header sum, not complemented,
     * and the kernel or NIC adds the data and complements later): {@code fold(old + new - old addresses)}.
     * No zero special case: here zero is just a sum, not "no checksum".
     */
    static void adjustPartial(ByteBuffer b, int p, int protocol, long oldAddrSum, long newAddrSum) {
        int at = p + fieldOffset(protocol);
        long s = (b.getShort(at) & 0xFFFF) + Checksum.fold(newAddrSum) + (~Checksum.fold(oldAddrSum) & 0xFFFF);
        b.putShort(at, (short) Checksum.fold(s));
    }
}
