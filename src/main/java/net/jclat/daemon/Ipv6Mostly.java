package net.jclat.daemon;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.config.Ipv6MostlyConfig;
import net.jclat.config.RunConfig;
import net.jclat.discovery.PrefixDiscovery;
import net.jclat.lan.Ipv6MostlyLan;
import net.jclat.lan.Pref64Advertisement;
import net.jclat.xlat.Pref64;

/**
 * Ties the IPv6-mostly LAN to the daemon's state: hosts with their own CLAT are told the NAT64 prefix and that
 * IPv6-only is preferred exactly while jclat itself translates with a PLAT that is not failing — so they fall
 * back to DHCPv4 (and jclat's IPv4) when it breaks, or when native IPv4 is back (standby), and return with it.
 */
final class Ipv6Mostly implements AutoCloseable {
    static final Ipv6Mostly OFF = new Ipv6Mostly(Ipv6MostlyConfig.OFF, null);

    private final Ipv6MostlyConfig cfg;
    private final Ipv6MostlyLan lan; // null when off

    private Ipv6Mostly(Ipv6MostlyConfig cfg, Ipv6MostlyLan lan) {
        this.cfg = cfg;
        this.lan = lan;
    }

    static Ipv6Mostly start(RunConfig cfg) {
        Ipv6MostlyConfig m = cfg.ipv6Mostly();
        return m.enabled() ? new Ipv6Mostly(m, Ipv6MostlyLan.start(m, cfg.name())) : OFF;
    }

    /**
     * Follows the daemon: announce while it is {@code running} and the prefix in use is not failing its
     * probes, for the prefix's remaining validity (a static prefix: the most a PREF64 can carry).
     */
    void follow(String state, PrefixDiscovery.Status d) {
        if (lan == null) {
            return;
        }
        PrefixDiscovery.CandidateStatus active = d == null ? null : d.active();
        boolean healthy = "running".equals(state) && active != null && !"failing".equals(active.health());
        if (!healthy || active.expiresInSeconds() == 0) {
            lan.want(null, 0);
            return;
        }
        long left = active.expiresInSeconds();
        lan.want(Pref64.parse(active.prefix()), left < 0 ? Pref64Advertisement.MAX_LIFETIME : left);
    }

    /** The status object {@code ipv6_mostly}; with nothing configured, an empty, off one. */
    Map<String, Object> fields() {
        if (lan == null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("interfaces", List.of());
            f.put("announcing", false);
            f.put("pref64", "");
            f.put("lifetime", 0L);
            f.put("ra_sent", 0L);
            f.put("dhcp_option_108", "none");
            return f;
        }
        return lan.fields();
    }

    Ipv6MostlyConfig config() {
        return cfg;
    }

    @Override
    public void close() {
        if (lan != null) {
            lan.close();
        }
    }
}
