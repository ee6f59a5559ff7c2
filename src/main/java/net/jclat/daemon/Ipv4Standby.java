package net.jclat.daemon;

import net.jclat.config.RunConfig;
import net.jclat.discovery.PrefixDiscovery;
import net.jclat.log.Log;

/**
 * When a translating CLAT stands by for IPv4, and so whether the IPv4 routes into the TUN exist: not next to
 * native IPv4 on the uplink ({@code native-ipv4 standby}, RFC 6877 §6.1: the CLAT serves only where there is
 * no IPv4), and not while no PLAT answers its probes ({@code plat-down-routes withdraw}: another uplink's CLAT,
 * a route with a higher metric, carries the LAN's IPv4 meanwhile). Also names that state for the status.
 * The settings are read from the configuration passed in each time, so a reload applies them live.
 */
final class Ipv4Standby implements AutoCloseable {
    /** Null where {@code native-ipv4 standby} is off. */
    private final NativeIpv4Watch watch;
    private volatile boolean nativeIpv4;

    Ipv4Standby(boolean watchNativeIpv4) {
        this.watch = watchNativeIpv4 ? new NativeIpv4Watch() : null;
    }

    boolean watchesNativeIpv4() {
        return watch != null;
    }

    /**
     * Whether the uplink has native IPv4 now (an IPv4 default route there that jclat did not add); null when
     * there is nothing new to say. Talks to the kernel only after it announced a change: call it without the
     * daemon's lock.
     */
    Boolean look(InterfaceSetup setup) {
        return watch == null ? null : watch.look(setup);
    }

    /** Takes what {@link #look} found; true (and one log line) when the standby changed. */
    boolean nativeIpv4Found(boolean found, RunConfig cfg) {
        if (found == nativeIpv4) {
            return false;
        }
        nativeIpv4 = found;
        Log.info(found ? "native IPv4 default route on {}: standing by, IPv4 routes into {} withdrawn"
                : "native IPv4 default route on {} gone: translating again on {}", cfg.uplink(), cfg.tun());
        return true;
    }

    boolean nativeIpv4() {
        return nativeIpv4;
    }

    /** {@code plat-down-routes withdraw} and no PLAT answers. */
    static boolean platDown(RunConfig cfg, PrefixDiscovery discovery) {
        return cfg.discovery().withdrawWhenPlatDown() && discovery != null && discovery.allPlatsFailing();
    }

    /**
     * The IPv4 routes into the TUN exist exactly while the CLAT translates with a prefix and does not stand by:
     * without a PLAT they would only black-hole, and next to native IPv4 the CLAT stands by.
     */
    boolean wantRoutes(boolean translating, RunConfig cfg, PrefixDiscovery discovery) {
        return translating && !nativeIpv4 && !platDown(cfg, discovery);
    }

    /** The daemon's state once it has a prefix. */
    String state(RunConfig cfg, PrefixDiscovery discovery) {
        if (nativeIpv4) {
            return "standby: native IPv4";
        }
        return platDown(cfg, discovery) ? "standby: no PLAT answers" : "running";
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
