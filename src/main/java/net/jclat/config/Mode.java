package net.jclat.config;

/** How jclat sits between the IPv4 LAN and the IPv6 uplink. */
public enum Mode {
    /** LAN IPv4 source-NATed to the CLAT IPv4 address, one IPv6 address used (RFC 6877 §6.3, the CPE case). */
    NAT44,
    /** A LAN IPv4 subnet embedded 1:1 in a dedicated IPv6 prefix, no NAT44 (RFC 6877 §6.3). */
    PREFIX,
    /** Generic stateless translator / SIIT-DC Edge Relay (RFC 7756): NAT64 prefix, EAMs, no NAT. */
    SIIT;

    public static Mode parse(String s) {
        return switch (s) {
            case "nat44" -> NAT44;
            case "prefix" -> PREFIX;
            case "siit" -> SIIT;
            default -> throw new IllegalArgumentException("mode must be nat44, prefix or siit, got '" + s + "'");
        };
    }
}
