package net.jclat.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import net.jclat.config.ConfigException;
import net.jclat.config.RunConfig;
import net.jclat.log.Log;

/**
 * Which settings a reload may not change. Everything that shapes the TUN, its addresses, its routes or
 * the process itself needs a restart, and so does native-ipv4-standby (its route watch is built once at
 * start); prefix discovery, EAMs, translator addresses, the ICMP, UDP and hairpinning policies and
 * plat-down-routes are applied live.
 */
final class ReloadPlan {
    private ReloadPlan() {
    }

    private record Fixed(String key, Function<RunConfig, Object> value) {
    }

    private static final List<Fixed> FIXED = List.of(
            new Fixed("uplink", RunConfig::uplink),
            new Fixed("tun", RunConfig::tun),
            new Fixed("workers", RunConfig::workers),
            new Fixed("offload", RunConfig::offload),
            new Fixed("cpu-steering", RunConfig::cpuSteering),
            new Fixed("fast-path", RunConfig::fastPath),
            new Fixed("mode", RunConfig::mode),
            new Fixed("clat-v4", RunConfig::clatIpv4),
            new Fixed("clat-v6", RunConfig::clatIpv6),
            new Fixed("map", RunConfig::maps),
            new Fixed("ipv4-mtu", RunConfig::ipv4Mtu),
            new Fixed("route-metric", RunConfig::routeMetric),
            new Fixed("route-v4", RunConfig::routes4),
            new Fixed("status-file", RunConfig::statusFile),
            new Fixed("control-socket", RunConfig::controlSocket),
            new Fixed("metrics-listen", RunConfig::metricsListen),
            new Fixed("syslog", RunConfig::syslog),
            new Fixed("tun-io", RunConfig::tunIo),
            new Fixed("name", RunConfig::name),
            new Fixed("hook", RunConfig::hook),
            new Fixed("netifd-managed", RunConfig::netifdManaged),
            new Fixed("native-ipv4-standby", RunConfig::nativeIpv4Standby),
            new Fixed("ipv6-mostly, ipv6-mostly-ra, v6only-wait, dhcp-options-file, dhcp-server-pid-file",
                    RunConfig::ipv6Mostly));

    /** Every setting a reload refuses to change, one key each, for the docs' list (ReloadPlanRestartOnlyTest). */
    static List<String> restartOnlyKeys() {
        List<String> keys = new ArrayList<>();
        for (Fixed f : FIXED) {
            keys.addAll(List.of(f.key().split(", ")));
        }
        return keys;
    }

    /**
     * The next configuration from {@code source}, or a {@link ConfigException} whose message says why the
     * reload is refused (an error in the file, or a change that needs a restart); the refusal is logged.
     */
    static RunConfig read(ClatDaemon.ConfigSource source, RunConfig running) throws ConfigException {
        RunConfig next;
        try {
            next = source.read();
        } catch (ConfigException | IllegalArgumentException e) {
            Log.error("reload refused, the running configuration stays: {}", e.getMessage());
            throw new ConfigException("reload refused, nothing changed: " + e.getMessage());
        }
        List<String> restart = needsRestart(running, next);
        if (!restart.isEmpty()) {
            String why = "reload refused, nothing changed: " + String.join(", ", restart)
                    + " change only with a restart";
            Log.error(why);
            throw new ConfigException(why);
        }
        return next;
    }

    /** The keys whose values differ between the running and the new configuration, in a fixed order. */
    static List<String> needsRestart(RunConfig running, RunConfig next) {
        List<String> keys = new ArrayList<>();
        for (Fixed f : FIXED) {
            if (!Objects.equals(f.value().apply(running), f.value().apply(next))) {
                keys.add(f.key());
            }
        }
        return keys;
    }
}
