package net.jclat.xlat;

/**
 * One Explicit Address Mapping (RFC 7757 §3.1): an IPv4 prefix and an IPv6 prefix. The IPv4 suffix bits
 * are copied to just after the IPv6 prefix, and back (§3.3); so the IPv4 suffix may not be longer than the
 * IPv6 one (§3.2), but may be shorter, in which case the trailing IPv6 bits are zero one way and ignored
 * the other.
 */
public record EamEntry(Ipv4Prefix ipv4, Ipv6Prefix ipv6) {

    public EamEntry {
        if (32 - ipv4.length() > 128 - ipv6.length()) {
            throw new IllegalArgumentException("EAM " + ipv4 + "=" + ipv6 + ": the IPv4 suffix ("
                    + (32 - ipv4.length()) + " bits) is longer than the IPv6 suffix (" + (128 - ipv6.length())
                    + " bits); RFC 7757 §3.2 forbids it");
        }
    }

    /** Parses {@code V4PFX=V6PFX}. */
    public static EamEntry parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected V4PREFIX=V6PREFIX, got '" + text + "'");
        }
        return new EamEntry(Ipv4Prefix.parse(text.substring(0, eq).trim()),
                Ipv6Prefix.parse(text.substring(eq + 1).trim()));
    }


    @Override
    public String toString() {
        return ipv4 + "=" + ipv6;
    }
}
