package net.jclat.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.jclat.config.Mode;
import net.jclat.config.RunConfig;
import net.jclat.netlink.RtNetlink;
import net.jclat.netlink.RtNetlink.RouteEntry;
import net.jclat.netlink.RtNetlink.SourceRoute;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.log.Log;

/**
 * Keeps what jclat translates leaving through its own uplink: an IPv6 default route for the CLAT's sources
 * only (its CLAT address, or its dedicated prefixes), via the uplink's own IPv6 gateway. On a host with one
 * uplink it changes nothing. With two uplinks and two jclat instances (fibre + LTE) the host's IPv6 default
 * route points at one of them, and without this the other instance's translated packets would leave through
 * the wrong provider with a source that provider does not route back (and should filter, BCP 38). The
 * gateway is read from the uplink's own default route (from its RAs) and followed when it changes. Not used
 * under netifd, whose source-specific routes already do this (docs/openwrt.md), nor in SIIT mode, whose
 * sources are anyone's.
 */
final class UplinkSourceRoute {
    private final RtNetlink nl;
    private final int uplinkIndex;
    private final List<Ipv6Prefix> sources;
    private final int metric;
    private final List<SourceRoute> installed = new ArrayList<>();
    private byte[] gateway;
    private boolean up;

    private UplinkSourceRoute(RtNetlink nl, int uplinkIndex, List<Ipv6Prefix> sources, int metric) {
        this.nl = nl;
        this.uplinkIndex = uplinkIndex;
        this.sources = List.copyOf(sources);
        this.metric = metric;
    }

    /** The routes this configuration needs once the CLAT address is known; null when it needs none. */
    static UplinkSourceRoute of(RtNetlink nl, RunConfig cfg, Ipv6Prefix clatV6) throws IOException {
        if (cfg.netifdManaged() || cfg.mode() == Mode.SIIT) {
            return null;
        }
        List<Ipv6Prefix> sources = new ArrayList<>();
        if (clatV6 != null) {
            sources.add(clatV6);
        }
        cfg.maps().forEach(m -> sources.add(m.ipv6().prefix()));
        return sources.isEmpty() ? null
                : new UplinkSourceRoute(nl, RtNetlink.ifIndex(cfg.uplink()), sources, cfg.routeMetric());
    }

    /** Source routes on the uplink that a jclat killed with -9 left behind. */
    static void removeLeftovers(RtNetlink nl, String uplink) throws IOException {
        int index = RtNetlink.ifIndex(uplink);
        for (RouteEntry r : nl.routes(6)) {
            if (r.protocol() == RtNetlink.RTPROT_JCLAT && r.oif() == index && r.srcLength() > 0 && r.dstLength() == 0
                    && r.source() != null) {
                deleteQuietly(nl, new SourceRoute(r.source(), r.srcLength(), r.gateway(), index, r.metric()));
            }
        }
    }

    /** {@link #refresh} once (at the first prefix, then every second), a change logged, a failure reported. */
    void keep(SetupWatchdog watchdog) {
        try {
            String change = refresh();
            if (change != null) {
                Log.info(change);
            }
        } catch (IOException e) {
            watchdog.problem("cannot keep the uplink's source route: " + e.getMessage());
        }
    }

    /**
     * Installs the routes, or moves them to the uplink's current gateway, or removes them while the uplink has
     * no IPv6 default route. Returns a line to log when something changed, else null.
     */
    synchronized String refresh() throws IOException {
        List<RouteEntry> routes = nl.routes(6); // one dump a round: the uplink's default route and ours
        Optional<RouteEntry> uplinkDefault = routes.stream()
                .filter(r -> r.dstLength() == 0 && r.srcLength() == 0 && r.oif() == uplinkIndex
                        && r.protocol() != RtNetlink.RTPROT_JCLAT && r.table() == 254)
                .min(Comparator.comparingInt(RouteEntry::metric));
        boolean wantUp = uplinkDefault.isPresent();
        byte[] wantGateway = uplinkDefault.map(RouteEntry::gateway).orElse(null);
        if (wantUp == up && Arrays.equals(wantGateway, gateway) && allPresent(routes)) {
            return null;
        }
        remove();
        if (!wantUp) {
            return up ? markDown() : null;
        }
        for (Ipv6Prefix s : sources) {
            SourceRoute r = new SourceRoute(InterfaceSetup.v6(s), s.length(), wantGateway, uplinkIndex, metric);
            nl.replaceSourceRoute(r);
            installed.add(r);
        }
        up = true;
        gateway = wantGateway;
        return "translated IPv6 leaves through the uplink"
                + (wantGateway == null ? "" : " via " + Addresses.formatIpv6(
                        ByteBuffer.wrap(wantGateway).getLong(0), ByteBuffer.wrap(wantGateway).getLong(8)));
    }

    private String markDown() {
        up = false;
        gateway = null;
        return "no IPv6 default route on the uplink: its source route is removed until one comes";
    }

    /** Whether every route jclat installed is still there (an uplink bounce flushes them). */
    private boolean allPresent(List<RouteEntry> now) {
        if (!up) {
            return true;
        }
        for (SourceRoute r : installed) {
            boolean found = now.stream().anyMatch(e -> e.protocol() == RtNetlink.RTPROT_JCLAT && e.dstLength() == 0
                    && e.srcLength() == r.sourceLength() && Arrays.equals(e.source(), r.source())
                    && e.oif() == r.ifIndex() && Objects.equals(e.metric(), r.metric()));
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** Removes the routes jclat installed. */
    synchronized void remove() {
        for (SourceRoute r : installed) {
            deleteQuietly(nl, r);
        }
        installed.clear();
    }

    private static void deleteQuietly(RtNetlink nl, SourceRoute r) {
        try {
            nl.deleteSourceRoute(r);
        } catch (IOException e) {
            // already gone: the uplink went down and took its routes with it
        }
    }
}
