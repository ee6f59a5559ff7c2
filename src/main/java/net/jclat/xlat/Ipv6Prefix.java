package net.jclat.xlat;

/** An IPv6 prefix held as two longs (network order: {@code hi} is bytes 0–7) with host bits zero. */
public record Ipv6Prefix(long hi, long lo, int length) {

    public Ipv6Prefix {
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("IPv6 prefix length must be 0..128, got " + length);
        }
        if ((hi & ~maskHi(length)) != 0 || (lo & ~maskLo(length)) != 0) {
            throw new IllegalArgumentException("IPv6 prefix " + Addresses.formatIpv6(hi, lo) + "/" + length
                    + " has host bits set");
        }
    }

    static long maskHi(int length) {
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    static long maskLo(int length) {
        return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
    }

    public boolean contains(long addrHi, long addrLo) {
        return (addrHi & maskHi(length)) == hi && (addrLo & maskLo(length)) == lo;
    }

    /** Parses {@code addr/n}, or a bare address as a /128. */
    public static Ipv6Prefix parse(String text) {
        int slash = text.indexOf('/');
        long[] a = Addresses.parseIpv6(slash < 0 ? text : text.substring(0, slash));
        int length = slash < 0 ? 128 : Addresses.parseLength(text.substring(slash + 1), 128, text);
        return new Ipv6Prefix(a[0], a[1], length);
    }

    @Override
    public String toString() {
        return Addresses.formatIpv6(hi, lo) + "/" + length;
    }
}
