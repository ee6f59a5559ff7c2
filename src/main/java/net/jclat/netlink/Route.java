package net.jclat.netlink;

/**
 * A route jclat installs: destination prefix out of one interface, with a metric, and optionally the
 * path MTU and TCP advertised MSS the kernel should use for it (RTAX_MTU, RTAX_ADVMSS).
 *
 * @param destination 4 or 16 address bytes
 * @param mtu 0 for none
 * @param advmss 0 for none
 */
public record Route(byte[] destination, int prefixLength, int ifIndex, int metric, int mtu, int advmss) {
    public boolean isIpv6() {
        return destination.length == 16;
    }

    /** By value, destination bytes included (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Route r && java.util.Arrays.equals(destination, r.destination)
                && prefixLength == r.prefixLength && ifIndex == r.ifIndex && metric == r.metric && mtu == r.mtu
                && advmss == r.advmss;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(java.util.Arrays.hashCode(destination), prefixLength, ifIndex, metric, mtu,
                advmss);
    }
}
