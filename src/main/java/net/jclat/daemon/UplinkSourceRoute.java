package net.jclat.daemon;

import java.io.IOException;
import java.util.Comparator;
import java.util.Optional;
import net.jclat.netlink.RtNetlink;
import net.jclat.netlink.RtNetlink.RouteEntry;
import net.jclat.netlink.RtNetlink.SourceRoute;

/**
 * Keeps what jclat translates leaving through its own uplink: an IPv6 default route for the CLAT's source
 * only (its CLAT address, or a dedicated prefix), via the uplink's own IPv6 gateway. On a host with one
 * uplink it changes nothing. With two uplinks and two jclat instances (fibre + LTE) the host's IPv6 default
 * route points at one of them, and without this the other instance's translated packets would leave through
 * the wrong provider with a source that provider does not route back (and should filter, BCP 38). The
 * gateway is read from the uplink's own default route (from its RAs) and followed when it changes. Not used
 * under netifd, whose source-specific routes already do this (docs/openwrt.md).
 */
final class UplinkSourceRoute {
    private final RtNetlink nl;
    private final int uplinkIndex;
    private final byte[] source;
    private final int sourceLength;
    private final int metric;
    private SourceRoute installed;

    UplinkSourceRoute(RtNetlink nl, int uplinkIndex, byte[] source, int sourceLength, int metric) {
        this.nl = nl;
        this.uplinkIndex = uplinkIndex;
        this.source = source.clone();
        this.sourceLength = sourceLength;
        this.metric = metric;
    }

    /**
     * Installs the route, or moves it to the uplink's current gateway, or removes it while the uplink has no
     * IPv6 default route. Returns a line to log when something changed, else null.
     */
    synchronized String refresh() throws IOException {
        Optional<RouteEntry> uplinkDefault = nl.routes(6).stream()
                .filter(r -> r.dstLength() == 0 && r.srcLength() == 0 && r.oif() == uplinkIndex
                        && r.protocol() != RtNetlink.RTPROT_JCLAT && r.table() == 254)
                .min(Comparator.comparingInt(RouteEntry::metric));
        SourceRoute wanted = uplinkDefault
                .map(r -> new SourceRoute(source, sourceLength, r.gateway(), uplinkIndex, metric)).orElse(null);
        if (java.util.Objects.equals(wanted, installed)) {
            return null;
        }
        if (wanted != null) {
            nl.replaceSourceRoute(wanted); // same source and metric: takes the old one's place
        } else {
            remove();
        }
        installed = wanted;
        return wanted == null ? "no IPv6 default route on the uplink: source route removed"
                : "translated IPv6 leaves through the uplink" + (wanted.gateway() == null ? ""
                        : " via " + java.net.InetAddress.getByAddress(wanted.gateway()).getHostAddress());
    }

    /** Removes the route if jclat installed one. */
    synchronized void remove() {
        if (installed != null) {
            try {
                nl.deleteSourceRoute(installed);
            } catch (IOException e) {
                // already gone: the uplink went down and took its routes with it
            }
            installed = null;
        }
    }
}
