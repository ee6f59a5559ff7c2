package net.jclat.daemon;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import net.jclat.config.DiscoveryConfig;
import net.jclat.config.RunConfig;
import net.jclat.discovery.DnsDiscovery;
import net.jclat.discovery.DnsServer;
import net.jclat.discovery.PlatProbe;
import net.jclat.discovery.PrefixDiscovery;
import net.jclat.discovery.PrefixSource;
import net.jclat.discovery.ResolvConf;

/** Prefix discovery's settings from the daemon's: sources, DNS servers and timing, PLAT probes. */
final class DiscoverySettings {
    private DiscoverySettings() {
    }

    static PrefixDiscovery.Settings of(RunConfig cfg) {
        DiscoveryConfig d = cfg.discovery();
        List<DnsServer> fixed = d.dnsServers();
        Supplier<List<DnsServer>> servers = fixed.isEmpty() ? ResolvConf::defaultServers : () -> fixed;
        DnsDiscovery dns = d.order().contains(PrefixSource.DNS)
                ? new DnsDiscovery(Duration.ofMillis(d.dnsTimeoutMillis()), d.dnsRetries()) : null;
        // Probes leave through the uplink: with several CLATs on one host, each probes its own PLAT.
        PlatProbe probe = d.probes().isEmpty() ? null
                : new PlatProbe(d.probes(), d.probeTimeoutMillis(), cfg.uplink());
        return new PrefixDiscovery.Settings(d.staticPrefixes(), d.order(), cfg.uplink(), servers, dns,
                d.retryInitialSeconds() * 1000L, d.retryMaxSeconds() * 1000L, probe, d.probeIntervalSeconds() * 1000L,
                d.probeFall(), d.probeRise());
    }
}
