package net.jclat.xlat;

/**
 * A CLAT dedicated prefix (RFC 6877 §6.3): the addresses of an IPv4 subnet are embedded, 1:1 and without
 * NAT44, in an IPv6 prefix (for example a /64 from DHCPv6-PD) using the RFC 6052 address format.
 */
public record DedicatedPrefix(Ipv4Prefix ipv4, Pref64 ipv6) {

    /** Parses {@code V4PFX=V6PFX}. */
    public static DedicatedPrefix parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected V4PREFIX=V6PREFIX, got '" + text + "'");
        }
        return new DedicatedPrefix(Ipv4Prefix.parse(text.substring(0, eq).trim()),
                Pref64.parse(text.substring(eq + 1).trim()));
    }

    @Override
    public String toString() {
        return ipv4 + "=" + ipv6;
    }
}
