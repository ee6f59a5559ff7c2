package net.jclat.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jclat.config.RunConfig;
import net.jclat.netlink.NetlinkException;
import net.jclat.netlink.Route;
import net.jclat.netlink.RtNetlink;
import net.jclat.netlink.RtNetlinkEvents;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.XlatConfig;
import net.jclat.log.Log;

/**
 * Checks, once a second, that what jclat set up in the kernel is still there, and puts back what someone
 * or something removed: the TUN itself (deleted with {@code ip link del}), its up state, its address, the
 * routes into it, the proxy-NDP entry on the uplink (a link going down flushes those) and the fast path's
 * place among the uplink's tc filters ({@link FastPathAttachment#keepUplinkIngress}). Without this a
 * CLAT would stay silently broken after an uplink bounce until restarted. One log line per change seen.
 *
 * <p>Light when nothing happens (issue 15: a router's weak cores, mostly idle): a full check runs only in a
 * round after the kernel announced a change of links, IPv4 addresses, routes or tc ({@link ChangeGate}),
 * while a problem is being retried, and every {@link ChangeGate#FULL_EVERY} rounds regardless. A quiet round costs one
 * poll(2), plus the proxy-NDP look-up the kernel never announces. So a removal is still repaired within the
 * second, without dumping routes every second.
 */
final class SetupWatchdog implements AutoCloseable {
    /** What jclat owns right now; {@code tunIpv4} and {@code proxyNdp} may be null (nothing of that kind). */
    record Owned(String tun, int tunIndex, int tunMtu, byte[] tunIpv4, List<Route> routes, int uplinkIndex,
            byte[] proxyNdp) {
    }

    private static final int IFF_UP = 1;

    private final RtNetlink nl;
    private final ChangeGate changes = new ChangeGate("setup watchdog", RtNetlinkEvents.LINKS
            | RtNetlinkEvents.IPV4_ADDRESSES | RtNetlinkEvents.IPV4_ROUTES | RtNetlinkEvents.IPV6_ROUTES
            | RtNetlinkEvents.TC);
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
        if (!changes.due(!lastProblem.isEmpty())) { // a problem is retried every second
            repairProxyNdp(setup.owned(active)); // the one thing the kernel never announces
            return;
        }
        try {
            if (tunGone(cfg.tun(), setup.tunIndex())) {
                Log.warn("{} was deleted from outside: re-creating it", cfg.tun());
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
        tun.keepUplinkIngress();
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
            int flags = nl.linkFlags(owned.tunIndex()); // -1: gone, which the next round's tunGone sees
            if (flags != -1 && (flags & IFF_UP) == 0) {
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
            proxyNdp(owned, restored);
        } catch (IOException e) {
            problem("cannot restore the CLAT's setup (will retry every second): " + e.getMessage());
            return;
        }
        restored(restored);
        problem("");
    }

    /** The quiet round's check: only the proxy-NDP entry (a link going down flushes it, unannounced). */
    void repairProxyNdp(Owned owned) {
        if (owned.proxyNdp() == null) {
            return;
        }
        List<String> restored = new ArrayList<>(1);
        try {
            proxyNdp(owned, restored);
        } catch (IOException e) {
            problem("cannot restore the CLAT's setup (will retry every second): " + e.getMessage());
            return;
        }
        restored(restored);
    }

    private void proxyNdp(Owned owned, List<String> restored) throws IOException {
        if (owned.proxyNdp() != null && !contains(nl.proxyNeighbours(owned.uplinkIndex()), owned.proxyNdp())) {
            nl.addProxyNeighbour(owned.uplinkIndex(), owned.proxyNdp());
            restored.add("proxy NDP entry for " + Addresses.formatIpv6(ByteBuffer.wrap(owned.proxyNdp()), 0));
        }
    }

    private static boolean contains(List<byte[]> addresses, byte[] a) {
        for (byte[] b : addresses) {
            if (Arrays.equals(a, b)) {
                return true;
            }
        }
        return false;
    }

    private static void restored(List<String> restored) {
        if (!restored.isEmpty()) {
            Log.warn("removed from outside, restored: {}", String.join(", ", restored));
        }
    }

    @Override
    public void close() {
        changes.close();
    }

    /** Logs a problem once, and once more when it is over, instead of every second. */
    void problem(String now) {
        if (now.equals(lastProblem)) {
            return;
        }
        if (now.isEmpty()) {
            Log.info("the CLAT's setup is complete again");
        } else {
            Log.error(now);
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
