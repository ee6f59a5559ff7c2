package net.jclat.xlat;

/**
 * An RFC 6052 IPv4-embedded IPv6 prefix (a NAT64 prefix) and the address format of RFC 6052 §2.2:
 * the 32 IPv4 bits are placed after the prefix, skipping bits 64–71 (the "u" octet), which MUST be zero;
 * the bits after the IPv4 address (the suffix) are zero when embedding and ignored when extracting.
 */
public final class Pref64 {
    /** The Well-Known Prefix, RFC 6052 §2.1. */
    public static final Ipv6Prefix WELL_KNOWN = Ipv6Prefix.parse("64:ff9b::/96");

    private final Ipv6Prefix prefix;
    private final long maskHi;
    private final long maskLo;
    private final boolean wellKnown;

    public Pref64(Ipv6Prefix prefix) {
        int l = prefix.length();
        if (l != 32 && l != 40 && l != 48 && l != 56 && l != 64 && l != 96) {
            throw new IllegalArgumentException("NAT64 prefix " + prefix
                    + ": RFC 6052 §2.2 allows only lengths 32, 40, 48, 56, 64 and 96");
        }
        // RFC 6052 §2.2: bits 64 to 71 of the address are reserved and MUST be zero; a prefix that
        // sets them could never produce a valid address.
        if (l == 96 && (prefix.lo() & 0xFF00_0000_0000_0000L) != 0) {
            throw new IllegalArgumentException("NAT64 prefix " + prefix
                    + ": bits 64-71 (the u octet) must be zero (RFC 6052 §2.2)");
        }
        this.prefix = prefix;
        this.maskHi = Ipv6Prefix.maskHi(l);
        this.maskLo = Ipv6Prefix.maskLo(l);
        this.wellKnown = prefix.equals(WELL_KNOWN);
    }

    public static Pref64 parse(String text) {
        return new Pref64(Ipv6Prefix.parse(text));
    }

    public Ipv6Prefix prefix() {
        return prefix;
    }

    public int length() {
        return prefix.length();
    }

    public boolean isWellKnown() {
        return wellKnown;
    }

    /** True when the address lies inside this prefix (suffix and u-octet are not checked, §2.2). */
    public boolean contains(long hi, long lo) {
        return (hi & maskHi) == prefix.hi() && (lo & maskLo) == prefix.lo();
    }

    /** High 64 bits of the IPv6 address that embeds {@code v4}. */
    public long embedHi(int v4) {
        long a = v4 & 0xFFFF_FFFFL;
        return switch (prefix.length()) {
            case 32 -> prefix.hi() | a;
            case 40 -> prefix.hi() | a >>> 8;
            case 48 -> prefix.hi() | a >>> 16;
            case 56 -> prefix.hi() | a >>> 24;
            default -> prefix.hi(); // 64, 96
        };
    }

    /** Low 64 bits of the IPv6 address that embeds {@code v4}; u-octet and suffix zero. */
    public long embedLo(int v4) {
        long a = v4 & 0xFFFF_FFFFL;
        return switch (prefix.length()) {
            case 32 -> 0L;
            case 40 -> (a & 0xFF) << 48;
            case 48 -> (a & 0xFFFF) << 40;
            case 56 -> (a & 0xFF_FFFF) << 32;
            case 64 -> a << 24;
            default -> prefix.lo() | a; // 96
        };
    }

    /** The IPv4 address embedded in an address this prefix contains (suffix ignored, §2.2). */
    public int extract(long hi, long lo) {
        return switch (prefix.length()) {
            case 32 -> (int) hi;
            case 40 -> (int) (hi << 8 | lo >>> 48 & 0xFF);
            case 48 -> (int) (hi << 16 | lo >>> 40 & 0xFFFF);
            case 56 -> (int) (hi << 24 | lo >>> 32 & 0xFF_FFFF);
            case 64 -> (int) (lo >>> 24);
            default -> (int) lo; // 96
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pref64 p && p.prefix.equals(prefix);
    }

    @Override
    public int hashCode() {
        return prefix.hashCode();
    }

    @Override
    public String toString() {
        return prefix.toString();
    }
}
