package net.jclat.config;

import java.util.List;
import net.jclat.discovery.DnsServer;
import net.jclat.discovery.PlatProbe;
import net.jclat.discovery.PrefixSource;
import net.jclat.xlat.Pref64;

/**
 * How {@code jclat run} finds and watches its NAT64 prefix.
 *
 * @param staticPrefixes {@code pref64} settings, in order; may be empty
 * @param order sources by priority ({@code pref64-source}, default static,ra,dns)
 * @param dnsServers {@code dns} settings; empty means the resolver files (OpenWrt's, then /etc/resolv.conf)
 * @param probes PLAT probe targets; empty turns probing (and so failover) off
 * @param withdrawWhenPlatDown {@code plat-down-routes withdraw}: while every prefix's PLAT fails its probes,
 *     the IPv4 routes into the TUN are withdrawn, so another uplink's CLAT (a higher route metric) carries the
 *     LAN's IPv4; {@code keep} translates with the first prefix anyway
 */
public record DiscoveryConfig(
        List<Pref64> staticPrefixes,
        List<PrefixSource> order,
        List<DnsServer> dnsServers,
        int dnsTimeoutMillis,
        int dnsRetries,
        int retryInitialSeconds,
        int retryMaxSeconds,
        List<PlatProbe.Target> probes,
        int probeIntervalSeconds,
        int probeTimeoutMillis,
        int probeFall,
        int probeRise,
        boolean withdrawWhenPlatDown) {
}
