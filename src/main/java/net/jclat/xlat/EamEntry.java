package net.jclat.xlat;

/**
 * One Explicit Address Mapping (RFC 7757 §3.1): an IPv4 prefix and an IPv6 prefix whose suffix lengths are
 * equal, so the bits after each prefix are copied unchanged between the two.
 */
public record EamEntry(Ipv4Prefix ipv4, Ipv6Prefix ipv6) {

    public EamEntry {
        if (32 - ipv4.length() != 128 - ipv6.length()) {
            throw new IllegalArgumentException("EAM " + ipv4 + "=" + ipv6 + ": the suffix lengths differ ("
                    + (32 - ipv4.length()) + " IPv4 bits vs " + (128 - ipv6.length())
                    + " IPv6 bits); RFC 7757 §3.2 needs them equal");
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

    /** The suffix fits in the low 32 bits of both addresses, since it is at most 32 bits long. */
    int suffixMask() {
        return ~ipv4.mask();
    }

    @Override
    public String toString() {
        return ipv4 + "=" + ipv6;
    }
}
