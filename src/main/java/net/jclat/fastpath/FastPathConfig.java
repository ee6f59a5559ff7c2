package net.jclat.fastpath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.XlatConfig;

/**
 * What the kernel programs need to know, encoded as {@code struct clat_config} (src/main/bpf/fastpath.h):
 * the mapping of an {@link XlatConfig} the programs cover, the MTUs, and where to redirect. Integers are in
 * the machine's byte order, addresses in network order.
 *
 * @param xlat the core's configuration, the one the Java workers use at the same moment
 * @param tunIfindex the TUN: translated IPv4 is redirected into its ingress
 * @param uplinkIfindex the uplink: translated IPv6 is redirected out of it
 * @param uplinkMtu the uplink's MTU, which redirection does not check: the programs use the smaller of it and
 *     the core's IPv6 MTU
 * @param uplinkNeighbours the uplink has a link layer (Ethernet): redirect with neighbour resolution
 * @param tunL2 bytes before the IP header in the TUN program's packets: 0 on a TUN; 14 in BPF_PROG_TEST_RUN,
 *     which always starts a TC program's packet with an Ethernet header
 * @param uplinkL2 bytes before the IP header on the uplink: 14 on Ethernet, 0 on a raw-IP (wwan, PPP) one
 * @param ingressDefers other tc filters classify the uplink's ingress (SQM's redirect to its ifb): the ingress
 *     program translates nothing, so that downstream packets meet those filters first and then the TUN path
 */
public record FastPathConfig(XlatConfig xlat, int tunIfindex, int uplinkIfindex, int uplinkMtu,
        boolean uplinkNeighbours, int tunL2, int uplinkL2, boolean ingressDefers) {

    static final int SIZE = 80;
    static final int HAS_CLAT = 1;
    static final int HAS_DEDICATED = 1 << 1;
    static final int IGNORE_TOS = 1 << 2;
    static final int WKP_RULE = 1 << 3;
    static final int UPLINK_NEIGH = 1 << 4;
    static final int INGRESS_DEFERS = 1 << 5;

    public FastPathConfig {
        String why = unsupported(xlat);
        if (why != null) {
            throw new IllegalArgumentException("the fast path does not cover this configuration: " + why);
        }
        if (tunL2 != 0 && tunL2 != 14 || uplinkL2 != 0 && uplinkL2 != 14) {
            throw new IllegalArgumentException("link header length must be 0 or 14");
        }
    }

    /**
     * Why the programs cannot translate for this configuration (then the loader writes none and every packet
     * takes the TUN path), or null. They cover the CLAT of RFC 6877: one CLAT address (nat44) and/or one
     * dedicated prefix, remote addresses through the NAT64 prefix; not SIIT, not EAM (RFC 7757).
     */
    public static String unsupported(XlatConfig c) {
        if (c.pref64() == null) {
            return "no NAT64 prefix yet";
        }
        if (c.pref64ForLocal()) {
            return "SIIT mode (local addresses through the NAT64 prefix)";
        }
        if (!c.eams().isEmpty()) {
            return "explicit address mappings (RFC 7757)";
        }
        if (c.dedicatedPrefixes().size() > 1) {
            return "more than one dedicated prefix";
        }
        if (c.clatIpv4() == null && c.dedicatedPrefixes().isEmpty()) {
            return "neither a CLAT address nor a dedicated prefix";
        }
        return null;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        int flags = 0;
        if (xlat.clatIpv4() != null) {
            flags |= HAS_CLAT;
            putAddress(b, 40, xlat.clatIpv6());
            b.order(ByteOrder.BIG_ENDIAN).putInt(72, xlat.clatIpv4().address()).order(ByteOrder.nativeOrder());
        }
        if (!xlat.dedicatedPrefixes().isEmpty()) {
            DedicatedPrefix d = xlat.dedicatedPrefixes().get(0);
            flags |= HAS_DEDICATED;
            putAddress(b, 56, d.ipv6().prefix());
            b.put(19, (byte) d.ipv6().length());
            b.put(20, (byte) d.ipv4().length());
            b.order(ByteOrder.BIG_ENDIAN).putInt(76, d.ipv4().address()).order(ByteOrder.nativeOrder());
        }
        if (xlat.ignoreTos()) {
            flags |= IGNORE_TOS;
        }
        if (xlat.pref64().isWellKnown() && !xlat.allowWkpNonGlobal()) {
            flags |= WKP_RULE;
        }
        if (uplinkNeighbours) {
            flags |= UPLINK_NEIGH;
        }
        if (ingressDefers) {
            flags |= INGRESS_DEFERS;
        }
        b.putInt(0, flags);
        b.putInt(4, tunIfindex);
        b.putInt(8, uplinkIfindex);
        b.putShort(12, (short) xlat.ipv4Mtu());
        b.putShort(14, (short) Math.min(xlat.ipv6Mtu(), uplinkMtu));
        b.putShort(16, (short) xlat.lowestIpv6Mtu());
        b.put(18, (byte) xlat.pref64().length());
        b.put(21, (byte) tunL2);
        b.put(22, (byte) uplinkL2);
        putAddress(b, 24, xlat.pref64().prefix());
        return b.array();
    }

    private static void putAddress(ByteBuffer b, int at, Ipv6Prefix p) {
        ByteBuffer big = ByteBuffer.wrap(b.array()).order(ByteOrder.BIG_ENDIAN);
        big.putLong(at, p.hi()).putLong(at + 8, p.lo());
    }
}
