package net.jclat.daemon;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import net.jclat.config.Mode;
import net.jclat.config.RunConfig;
import net.jclat.netlink.NetlinkException;
import net.jclat.netlink.Route;
import net.jclat.netlink.RtNetlink;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.EamEntry;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.log.Log;

/**
 * What the CLAT sets up in the kernel around its TUN: the CLAT address, the routes into the TUN, proxy NDP
 * on the uplink and the NAT44 table, each with the step that undoes it, undone in reverse order on stop.
 * Under netifd the address and routes are netifd's (the hook pushes them), so only proxy NDP is set here.
 * Not thread-safe: the daemon calls it under its lock.
 */
final class InterfaceSetup {
    private static final int RT_TABLE_MAIN = 254;

    @FunctionalInterface
    private interface UndoStep {
        void run() throws IOException;
    }

    private final RtNetlink nl;
    private RunConfig cfg;
    private final int uplinkIndex;
    private final int tunMtu;
    private final int ipv4Mtu;
    /** Null under netifd (fw4 does the SNAT from the hook's firewall data) and outside nat44 mode. */
    private final Nat44Table nat;
    private final Deque<UndoStep> undo = new ArrayDeque<>();
    private int tunIndex;
    private Ipv6Prefix clatV6;
    private Route siitPrefixRoute;
    private boolean ipv4RoutesUp;

    private InterfaceSetup(RtNetlink nl, RunConfig cfg, int uplinkIndex, int tunMtu, int ipv4Mtu, Nat44Table nat) {
        this.nl = nl;
        this.cfg = cfg;
        this.uplinkIndex = uplinkIndex;
        this.tunMtu = tunMtu;
        this.ipv4Mtu = ipv4Mtu;
        this.nat = nat;
    }

    /** Before the TUN: checks the uplink, takes its MTU and removes a NAT44 table a killed predecessor left. */
    static InterfaceSetup prepare(RtNetlink nl, RunConfig cfg) throws IOException {
        NetworkInterface uplink = NetworkInterface.getByName(cfg.uplink());
        if (uplink == null) {
            throw new IOException("uplink " + cfg.uplink() + " does not exist");
        }
        int uplinkIndex = RtNetlink.ifIndex(cfg.uplink());
        int tunMtu = uplink.getMTU();
        // RFC 7756 §4.2: the IPv4 MTU is the IPv6 path's minus the 20 bytes translation adds.
        int ipv4Mtu = cfg.ipv4Mtu() > 0 ? cfg.ipv4Mtu() : tunMtu - 20;
        warnIfNotForwarding();
        Nat44Table nat = cfg.mode() == Mode.NAT44 && !cfg.netifdManaged()
                ? new Nat44Table(cfg.tun(), cfg.clatIpv4().address()) : null;
        if (nat != null) {
            nat.remove(); // a predecessor killed with -9 may have left it
        }
        return new InterfaceSetup(nl, cfg, uplinkIndex, tunMtu, ipv4Mtu, nat);
    }

    /** The TUN was opened (at start or again after it was deleted): bring it up; routes follow its index. */
    void tunOpened(String name) throws IOException {
        tunIndex = RtNetlink.ifIndex(name);
        nl.linkUp(tunIndex, tunMtu);
        if (siitPrefixRoute != null) {
            Route r = siitPrefixRoute;
            siitPrefixRoute = new Route(r.destination(), r.prefixLength(), tunIndex, r.metric(), r.mtu(), r.advmss());
        }
    }

    /** The first prefix: the CLAT address, the IPv6 routes, the SIIT prefix route, proxy NDP and NAT44. */
    void install(Ipv6Prefix clatIpv6, Pref64 pref64) throws IOException {
        clatV6 = clatIpv6;
        if (cfg.clatIpv4() != null && clatV6 != null && !cfg.netifdManaged()) {
            byte[] a = v4(cfg.clatIpv4().address());
            nl.addAddress(tunIndex, a, 32);
            undo.push(() -> nl.deleteAddress(tunIndex, a, 32)); // on the TUN of then, if it was re-created
        }
        for (Route r : cfg.netifdManaged() ? List.<Route>of() : ipv6Routes()) {
            nl.addRoute(r);
            undo.push(() -> ignoreMissing(() -> nl.deleteRoute(r)));
        }
        replaceSiitPrefixRoute(pref64);
        if (cfg.mode() == Mode.NAT44) {
            // The CLAT address lives in the uplink's /64 but behind the TUN: answer NDP for it on the uplink.
            byte[] a = v6(clatV6);
            sysctl("net/ipv6/conf/" + cfg.uplink() + "/proxy_ndp", "1");
            // RFC 4861 §7.2.8 (last paragraph, SHOULD): a proxy delays its answer by a random time up to 1 s so
            // an address's own node wins; Linux waits random 0..proxy_delay (0.8 s by default). The CLAT address
            // has no other owner, and the delay held a provider router's first packets to it for up to 0.8 s
            // after each miss in its neighbour cache (SparsePingLatencyNamespaceTest saw 0.6 s at start). 1 (in
            // 1/100 s) keeps a random delay below 10 ms; 0 would be immediate but some kernels then misread it
            // as unbounded (Linux fix of 2023, "neighbor: fix proxy_delay usage when it is zero"). Put back on stop.
            String delay = "net/ipv6/neigh/" + cfg.uplink() + "/proxy_delay";
            // By line: Files.readString returned only "8" of "80" from this procfs file (JDK 17).
            String before = Files.readAllLines(Path.of("/proc/sys/" + delay), StandardCharsets.US_ASCII).get(0).trim();
            sysctl(delay, "1");
            undo.push(() -> sysctl(delay, before));
            ignoreMissing(() -> nl.deleteProxyNeighbour(uplinkIndex, a));
            nl.addProxyNeighbour(uplinkIndex, a);
            undo.push(() -> ignoreMissing(() -> nl.deleteProxyNeighbour(uplinkIndex, a)));
            if (nat != null) {
                nat.install();
                undo.push(nat::remove);
            }
        }
    }

    /**
     * The IPv4 routes into the TUN exist exactly while there is a prefix and no native IPv4: without a PLAT
     * they would only black-hole, and next to native IPv4 the CLAT stands by (RFC 6877 §6.1).
     */
    void applyIpv4Routes(boolean want) throws IOException {
        if (want == ipv4RoutesUp) {
            return;
        }
        for (Route r : cfg.netifdManaged() ? List.<Route>of() : ipv4Routes()) { // netifd: the hook pushes them
            if (want) {
                nl.addRoute(r);
            } else {
                ignoreMissing(() -> nl.deleteRoute(r));
            }
        }
        ipv4RoutesUp = want;
    }

    /** SIIT routes the NAT64 prefix itself into the TUN; it follows the prefix. */
    void replaceSiitPrefixRoute(Pref64 p) throws IOException {
        if (cfg.mode() != Mode.SIIT || cfg.netifdManaged()) {
            return;
        }
        Route next = p == null ? null
                : new Route(v6(p.prefix()), p.length(), tunIndex, cfg.routeMetric(), 0, 0);
        if (siitPrefixRoute != null && (next == null || !Arrays.equals(next.destination(),
                siitPrefixRoute.destination()) || next.prefixLength() != siitPrefixRoute.prefixLength())) {
            Route old = siitPrefixRoute;
            ignoreMissing(() -> nl.deleteRoute(old));
            siitPrefixRoute = null;
        }
        if (next != null && siitPrefixRoute == null) {
            nl.addRoute(next);
            siitPrefixRoute = next;
        }
    }

    /** A reload: the settings from now on. Returns the IPv4 routes of the settings before. */
    List<Route> reconfigure(RunConfig next) {
        List<Route> old = ipv4Routes();
        cfg = next;
        return old;
    }

    /** After a reload: if the IPv4 routes changed (SIIT's EAMs) and are up, swap them. */
    void replaceIpv4Routes(List<Route> old) throws IOException {
        if (ipv4RoutesUp && !cfg.netifdManaged() && !old.equals(ipv4Routes())) {
            for (Route r : old) {
                ignoreMissing(() -> nl.deleteRoute(r));
            }
            for (Route r : ipv4Routes()) {
                nl.addRoute(r);
            }
        }
    }

    /** What the setup watchdog should keep in place now; {@code active}: the CLAT has had its first prefix. */
    SetupWatchdog.Owned owned(boolean active) {
        boolean ownsRoutes = active && !cfg.netifdManaged();
        List<Route> routes = new ArrayList<>();
        if (ownsRoutes) {
            routes.addAll(ipv6Routes());
            if (siitPrefixRoute != null) {
                routes.add(siitPrefixRoute);
            }
            if (ipv4RoutesUp) {
                routes.addAll(ipv4Routes());
            }
        }
        return new SetupWatchdog.Owned(cfg.tun(), tunIndex, tunMtu,
                ownsRoutes && cfg.clatIpv4() != null && clatV6 != null ? v4(cfg.clatIpv4().address()) : null, routes,
                uplinkIndex, active && cfg.mode() == Mode.NAT44 ? v6(clatV6) : null);
    }

    /** Native IPv4 is an IPv4 default route on the uplink in the main table that jclat did not add. */
    boolean nativeIpv4() throws IOException {
        return nl.routes(4).stream().anyMatch(r -> r.dstLength() == 0 && r.oif() == uplinkIndex
                && r.protocol() != RtNetlink.RTPROT_JCLAT && r.table() == RT_TABLE_MAIN);
    }

    /** Removes everything set up here, in reverse order; a step that fails is logged and the rest still run. */
    void teardown() {
        try {
            applyIpv4Routes(false);
            replaceSiitPrefixRoute(null);
        } catch (IOException e) {
            Log.warn("cleanup: {}", e.getMessage());
        }
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (IOException e) {
                Log.warn("cleanup: {}", e.getMessage());
            }
        }
    }

    List<Route> ipv4Routes() {
        List<Route> r = new ArrayList<>();
        int advmss = ipv4Mtu - 40;
        List<Ipv4Prefix> v4 = new ArrayList<>(cfg.routes4());
        if (cfg.mode() == Mode.SIIT) {
            cfg.eams().stream().map(EamEntry::ipv4).forEach(v4::add);
        }
        for (Ipv4Prefix p : v4) {
            r.add(new Route(v4(p.address()), p.length(), tunIndex, cfg.routeMetric(), ipv4Mtu, advmss));
        }
        return r;
    }

    List<Route> ipv6Routes() {
        List<Route> r = new ArrayList<>();
        if (clatV6 != null) {
            r.add(new Route(v6(clatV6), 128, tunIndex, cfg.routeMetric(), 0, 0));
        }
        cfg.maps().forEach(m -> r.add(new Route(v6(m.ipv6().prefix()), m.ipv6().length(), tunIndex,
                cfg.routeMetric(), 0, 0)));
        return r;
    }

    boolean ipv4RoutesUp() {
        return ipv4RoutesUp;
    }

    int tunIndex() {
        return tunIndex;
    }

    int uplinkIndex() {
        return uplinkIndex;
    }

    int tunMtu() {
        return tunMtu;
    }

    int ipv4Mtu() {
        return ipv4Mtu;
    }

    /** The CLAT's IPv6 address once chosen, or null. */
    Ipv6Prefix clatIpv6() {
        return clatV6;
    }

    private static void warnIfNotForwarding() {
        for (String key : List.of("net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding")) {
            try {
                if (!Files.readString(Path.of("/proc/sys/" + key)).strip().equals("1")) {
                    Log.warn("{} is off: LAN hosts' packets will not be forwarded through the CLAT",
                            key.replace('/', '.'));
                }
            } catch (IOException e) {
                Log.warn("cannot read {}: {}", key, e.getMessage());
            }
        }
    }

    private static void sysctl(String key, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys/" + key), value, StandardCharsets.US_ASCII);
    }

    private static void ignoreMissing(UndoStep step) throws IOException {
        try {
            step.run();
        } catch (NetlinkException e) {
            if (e.errno() != NetlinkException.ENOENT && e.errno() != NetlinkException.ESRCH
                    && e.errno() != NetlinkException.ENODEV) {
                throw e;
            }
        }
    }

    static byte[] v4(int a) {
        return ByteBuffer.allocate(4).putInt(a).array();
    }

    static byte[] v6(Ipv6Prefix p) {
        return ByteBuffer.allocate(16).putLong(p.hi()).putLong(p.lo()).array();
    }

    static String format(Ipv6Prefix p) {
        return Addresses.formatIpv6(p.hi(), p.lo());
    }
}
