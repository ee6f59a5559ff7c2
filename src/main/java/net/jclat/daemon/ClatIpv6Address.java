package net.jclat.daemon;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jclat.netlink.RtNetlink;
import net.jclat.xlat.Checksum;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.log.Log;

/**
 * {@code --clat-v6 auto}: a stable IPv6 address from the uplink's /64 that is not the router's own,
 * checked free with the kernel's own Duplicate Address Detection, and — where the NAT64 prefix allows —
 * checksum neutral (RFC 6052 §4.1), so translating our packets leaves their transport checksums as they
 * are.
 */
final class ClatIpv6Address {
    private static final int DAD_WAIT_MILLIS = 3000;

    private ClatIpv6Address() {
    }

    static Ipv6Prefix choose(String uplink, Ipv4Prefix clatIpv4, Pref64 pref64, RtNetlink nl) throws IOException {
        byte[] prefix = uplinkSlash64(uplink);
        int ifIndex = RtNetlink.ifIndex(uplink);
        for (int attempt = 0; attempt < 4; attempt++) {
            byte[] candidate = candidate(prefix, uplink, attempt, clatIpv4, pref64);
            if (isFree(nl, ifIndex, candidate)) {
                ByteBuffer b = ByteBuffer.wrap(candidate);
                return new Ipv6Prefix(b.getLong(0), b.getLong(8), 128);
            }
            Log.warn("CLAT IPv6 address {} is in use on {}; trying another",
                    InetAddress.getByAddress(candidate).getHostAddress(), uplink);
        }
        throw new IOException("no free CLAT IPv6 address found in the /64 of " + uplink
                + "; give one with --clat-v6");
    }

    /** The first global /64 on the uplink. */
    static byte[] uplinkSlash64(String uplink) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(uplink);
        if (nif == null) {
            throw new IOException("uplink " + uplink + " does not exist");
        }
        List<String> seen = new ArrayList<>();
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
            if (ia.getAddress() instanceof Inet6Address a && !a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
                seen.add(a.getHostAddress() + "/" + ia.getNetworkPrefixLength());
                if (ia.getNetworkPrefixLength() == 64) {
                    byte[] p = a.getAddress();
                    for (int i = 8; i < 16; i++) {
                        p[i] = 0;
                    }
                    return p;
                }
            }
        }
        throw new IOException("uplink " + uplink + " has no global IPv6 /64 to take a CLAT address from"
                + (seen.isEmpty() ? "" : " (it has " + String.join(", ", seen) + ")") + "; give one with --clat-v6");
    }

    /**
     * A stable interface identifier from the uplink name and attempt number; its last 16 bits are chosen
     * so that the one's-complement sum of the address equals that of the CLAT IPv4 address minus the
     * NAT64 prefix, which makes 4→6 translation checksum neutral for /32 and /96 prefixes.
     */
    static byte[] candidate(byte[] prefix, String uplink, int attempt, Ipv4Prefix clatIpv4, Pref64 pref64) {
        byte[] a = prefix.clone();
        long h = (uplink.hashCode() * 0x9E37_79B9_7F4A_7C15L) ^ (attempt + 1) * 0xC2B2_AE3D_27D4_EB4FL;
        for (int i = 8; i < 14; i++) {
            a[i] = (byte) (h >>> (8 * (i - 8)));
        }
        a[8] &= (byte) 0xFC; // clear the u/g bits (RFC 4291 §2.5.1): not derived from a MAC
        a[14] = 0;
        a[15] = 0;
        int others = Checksum.fold(Checksum.sum(ByteBuffer.wrap(a), 0, 16));
        int target = Checksum.fold(Checksum.ipv4Addresses(clatIpv4.address(), 0));
        if (pref64.length() == 32 || pref64.length() == 96) {
            ByteBuffer p = ByteBuffer.allocate(16).putLong(pref64.prefix().hi()).putLong(pref64.prefix().lo());
            int prefixSum = Checksum.fold(Checksum.sum(p, 0, 16));
            target = Checksum.fold(target + (~prefixSum & 0xFFFF));
        }
        int last = Checksum.fold(target + (~others & 0xFFFF));
        if (last == 0xFFFF || last == 0) {
            last = 0xFFFE; // avoid the all-zero/all-one words some stacks treat specially; not neutral then
        }
        a[14] = (byte) (last >>> 8);
        a[15] = (byte) last;
        return a;
    }

    /** Adds the address with DAD on the uplink, waits for it to become usable (bindable), then removes it. */
    private static boolean isFree(RtNetlink nl, int ifIndex, byte[] addr) throws IOException {
        nl.addAddressWithDad(ifIndex, addr, 128);
        try {
            InetAddress ia = InetAddress.getByAddress(addr);
            long deadline = System.nanoTime() + DAD_WAIT_MILLIS * 1_000_000L;
            while (System.nanoTime() < deadline) {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ia, 0))) {
                    return true; // tentative addresses cannot be bound; a bound one passed DAD
                } catch (SocketException tentative) {
                    sleep(100);
                }
            }
            return false;
        } finally {
            try {
                nl.deleteAddress(ifIndex, addr, 128);
            } catch (IOException e) {
                Log.warn("could not remove the DAD probe address: {}", e.getMessage());
            }
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during DAD");
        }
    }
}
