package net.jclat.daemon;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jclat.config.RunConfig;
import net.jclat.netlink.NetlinkException;
import net.jclat.netlink.Route;
import net.jclat.netlink.RtNetlink;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.XlatConfig;
import org.tinylog.Logger;

/**
 * Checks, once a second, that what jclat set up in the kernel is still there, and puts back what someone
 * or something removed: the TUN itself (deleted with {@code ip link del}), its up state, its address, the
 * routes into it, and the proxy-NDP entry on the uplink (a link going down flushes those). Without this a
 * CLAT would stay silently broken after an uplink bounce until restarted. One log line per change seen.
 */
final class SetupWatchdog {
    /** What jclat owns right now; {@code tunIpv4} and {@code proxyNdp} may be null (nothing of that kind). */
    record Owned(String tun, int tunIndex, int tunMtu, byte[] tunIpv4, List<Route> routes, int uplinkIndex,
            byte[] proxyNdp) {
    }

    private final RtNetlink nl;
    private String lastProblem = "";

    SetupWatchdog(RtNetlink nl) {
        this.nl = nl;
    }

    /**
     * One round: a TUN deleted from outside is re-created (its address and routes follow in the repair), then
     * what is missing of the set-up is put back. Under netifd the address and routes are netifd's (pushed by
     * the hook), so only the TUN and proxy NDP are.
     */
    void check(RunConfig cfg, ClatTun tun, InterfaceSetup setup, boolean active, XlatConfig xlat,
            UplinkSourceRoute sourceRoute) {
        try {
            if (tunGone(cfg.tun(), setup.tunIndex())) {
                Logger.warn("{} was deleted from outside: re-creating it", cfg.tun());
                tun.recreate(cfg, setup, active, xlat);
            }
        } catch (IOException | RuntimeException e) {
            problem("cannot re-create " + cfg.tun() + " (will retry every second): " + e.getMessage());
            return;
        }
        repair(setup.owned(active));
        if (sourceRoute != null) {
            sourceRoute.keep(this);
        }
    }

    /** True when the TUN no longer exists, or a different device now has its name. */
    static boolean tunGone(String tun, int tunIndex) {
        try {
            return RtNetlink.ifIndex(tun) != tunIndex;
        } catch (NetlinkException e) {
            return true;
        }
    }

    /** Re-adds whatever of {@code owned} is missing; logs one line naming all of it. */
    void repair(Owned owned) {
        List<String> restored = new ArrayList<>();
        try {
            NetworkInterface tun = NetworkInterface.getByIndex(owned.tunIndex());
            if (tun != null && !tun.isUp()) {
                nl.linkUp(owned.tunIndex(), owned.tunMtu());
                restored.add(owned.tun() + " up");
            }
            if (owned.tunIpv4() != null && nl.addAddressIfMissing(owned.tunIndex(), owned.tunIpv4(), 32)) {
                restored.add("address " + Addresses.formatIpv4(ipv4(owned.tunIpv4())) + " on " + owned.tun());
            }
            for (Route r : owned.routes()) {
                if (nl.addRouteIfMissing(r)) {
                    restored.add("route " + describe(r));
                }
            }
            if (owned.proxyNdp() != null && nl.proxyNeighbours(owned.uplinkIndex()).stream()
                    .noneMatch(a -> Arrays.equals(a, owned.proxyNdp()))) {
                nl.addProxyNeighbour(owned.uplinkIndex(), owned.proxyNdp());
                restored.add("proxy NDP entry for " + Addresses.formatIpv6(ByteBuffer.wrap(owned.proxyNdp()), 0));
            }
        } catch (IOException e) {
            problem("cannot restore the CLAT's setup (will retry every second): " + e.getMessage());
            return;
        }
        if (!restored.isEmpty()) {
            Logger.warn("removed from outside, restored: {}", String.join(", ", restored));
        }
        problem("");
    }

    /** Logs a problem once, and once more when it is over, instead of every second. */
    void problem(String now) {
        if (now.equals(lastProblem)) {
            return;
        }
        if (now.isEmpty()) {
            Logger.info("the CLAT's setup is complete again");
        } else {
            Logger.error(now);
        }
        lastProblem = now;
    }

    private static String describe(Route r) {
        String dst = r.isIpv6() ? Addresses.formatIpv6(ByteBuffer.wrap(r.destination()), 0) : Addresses.formatIpv4(ipv4(r.destination()));
        return dst + "/" + r.prefixLength();
    }

    private static int ipv4(byte[] a) {
        return (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | a[3] & 0xFF;
    }
}
