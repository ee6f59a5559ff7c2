package net.jclat.xlat;

/** An IPv4 prefix: {@code address/length}, address held as an int with host bits zero. */
public record Ipv4Prefix(int address, int length) {

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("IPv4 prefix length must be 0..32, got " + length);
        }
        if ((address & ~mask(length)) != 0) {
            throw new IllegalArgumentException("IPv4 prefix " + Addresses.formatIpv4(address) + "/" + length
                    + " has host bits set");
        }
    }

    static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public int mask() {
        return mask(length);
    }

    public boolean contains(int ipv4) {
        return (ipv4 & mask()) == address;
    }

    /** Parses {@code a.b.c.d/n}, or a bare address as a /32. */
    public static Ipv4Prefix parse(String text) {
        int slash = text.indexOf('/');
        int address = Addresses.parseIpv4(slash < 0 ? text : text.substring(0, slash));
        int length = slash < 0 ? 32 : Addresses.parseLength(text.substring(slash + 1), 32, text);
        return new Ipv4Prefix(address, length);
    }

    @Override
    public String toString() {
        return Addresses.formatIpv4(address) + "/" + length;
    }
}
