package net.jclat.xlat;

/**
 * What to do with an IPv4 UDP datagram whose checksum is zero (RFC 7915 §4.5): IPv6 forbids a zero UDP
 * checksum, so it is either computed (possible only when the whole datagram is in one packet) or dropped.
 */
public enum UdpZeroChecksum {
    /** Compute the checksum for unfragmented datagrams, drop fragmented ones (the default). */
    COMPUTE,
    /** Drop every such datagram. */
    DROP;

    public static UdpZeroChecksum parse(String s) {
        return switch (s) {
            case "compute" -> COMPUTE;
            case "drop" -> DROP;
            default -> throw new IllegalArgumentException("--udp-zero-checksum must be 'drop' or 'compute', got '"
                    + s + "'");
        };
    }
}
