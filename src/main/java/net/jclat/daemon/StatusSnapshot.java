package net.jclat.daemon;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.config.RunConfig;
import net.jclat.discovery.PrefixCandidates;
import net.jclat.discovery.PrefixDiscovery;
import net.jclat.netlink.Route;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.TunDevice;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.XlatConfig;

/**
 * The daemon's state at one moment, taken under its lock, and the status fields made from it (status file,
 * {@code jclat status}, metrics; the hook's environment in {@link HookEnvironment}).
 *
 * @param state        what the status shows as the state ({@link ClatDaemon#state()})
 * @param active       the CLAT has had its first prefix: translating, or standing by
 * @param prefix       the prefix in use, or null
 * @param ipv4Routes   the IPv4 routes into the TUN for the current settings; up only if {@code ipv4RoutesUp}
 * @param ipv6Routes   the IPv6 routes into the TUN (CLAT address, dedicated prefixes)
 * @param tunIo        empty before the TUN is open
 * @param counters     in {@link net.jclat.xlat.Counters} layout, over every path and TUN so far
 * @param fastPath     the kernel fast path's state and counters (its packets are in {@code counters} too)
 * @param ipv6Mostly   the status object {@code ipv6_mostly} ({@link Ipv6Mostly#fields()})
 */
record StatusSnapshot(RunConfig cfg, String state, String lastError, PrefixDiscovery.Status discovery,
        boolean active, PrefixCandidates.Candidate prefix, boolean standby, XlatConfig xlat, Ipv6Prefix clatV6,
        int tunIndex, int tunMtu, int ipv4Mtu, boolean ipv4RoutesUp, List<Route> ipv4Routes, List<Route> ipv6Routes,
        String tunIo, String offloads, List<BitSet> pins, long workerRestarts, long[] workerPackets,
        int workersReleased, int tunRecreated, long uptimeSeconds, long[] counters,
        FastPathStatus fastPath, Map<String, Object> ipv6Mostly) {

    /** Takes what the status shows from the daemon's parts; {@code setup}, {@code tun}, {@code d} may be null. */
    static StatusSnapshot of(RunConfig cfg, String state, String lastError, PrefixDiscovery.Status d, boolean active,
            PrefixCandidates.Candidate prefix, boolean standby, XlatConfig xlat, InterfaceSetup setup, ClatTun tun,
            long uptimeSeconds, Ipv6Mostly lan) {
        boolean up = setup != null;
        TunDevice device = tun == null ? null : tun.device();
        WorkerPool workers = tun == null ? new WorkerPool() : tun.workers();
        FastPathStatus fast = tun == null ? FastPathStatus.OFF : tun.fastPathStatus(); // reads the kernel's maps
        return new StatusSnapshot(cfg, state, lastError, d != null ? d : new PrefixDiscovery.Status(null, List.of(), "", ""),
                active, prefix, standby, xlat, up ? setup.clatIpv6() : null, up ? setup.tunIndex() : 0,
                up ? setup.tunMtu() : 0, up ? setup.ipv4Mtu() : 0, up && setup.ipv4RoutesUp(),
                up ? setup.ipv4Routes() : List.of(), up ? setup.ipv6Routes() : List.of(),
                device == null ? "" : device.io().label(),
                device == null ? "" : TunDevice.describeOffloads(device.offloads()), tun == null ? List.of() : tun.pins(),
                workers.restarts(), workers.workerPackets(), workers.workersReleased(), tun == null ? 0 : tun.recreated(),
                uptimeSeconds, tun == null ? new long[Counters.SIZE] : tun.counters(fast), fast, lan.fields());
    }

    /** Everything the status shows except the counters. */
    Map<String, Object> fields() {
        PrefixDiscovery.Status d = discovery;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", state);
        f.put("error", lastError == null ? "" : lastError);
        f.put("mode", cfg.mode().name().toLowerCase());
        f.put("tun", cfg.tun());
        f.put("uplink", cfg.uplink());
        f.put("pref64", d.active() == null ? "" : d.active().prefix());
        f.put("pref64_source", d.active() == null ? "" : d.active().source());
        f.put("pref64_expires_in", d.active() == null ? 0 : d.active().expiresInSeconds());
        List<Map<String, Object>> list = new ArrayList<>();
        for (PrefixDiscovery.CandidateStatus c : d.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prefix", c.prefix());
            m.put("source", c.source());
            m.put("origin", c.origin());
            m.put("expires_in", c.expiresInSeconds());
            m.put("health", c.health());
            m.put("active", c.active());
            list.add(m);
        }
        f.put("prefixes", list);
        f.put("dns", d.dns());
        f.put("ra", d.ra());
        f.put("native_ipv4", standby);
        f.put("clat_ipv4", xlat == null || xlat.clatIpv4() == null ? ""
                : Addresses.formatIpv4(xlat.clatIpv4().address()));
        f.put("clat_ipv6", clatV6 == null ? "" : InterfaceSetup.format(clatV6));
        f.put("tun_mtu", tunMtu);
        f.put("ipv4_mtu", ipv4Mtu);
        f.put("workers", cfg.workers());
        f.put("tun_io", tunIo);
        f.put("worker_restarts", workerRestarts);
        f.put("tun_recreated", tunRecreated);
        f.put("offloads", offloads);
        f.put("cpu_steering", pins.isEmpty() ? "flow" : "cpu");
        // Loops, not streams: this runs once a second, interpreted (no JIT threshold is reached; issue 15).
        List<String> cpus = new ArrayList<>(pins.size());
        for (BitSet p : pins) {
            cpus.add(CpuAffinity.format(p));
        }
        f.put("worker_cpus", cpus);
        List<Long> packets = new ArrayList<>(workerPackets.length);
        for (long n : workerPackets) {
            packets.add(n);
        }
        f.put("worker_packets", packets);
        f.put("workers_released", workersReleased);
        f.put("uptime_seconds", uptimeSeconds);
        f.put("fast_path", fastPath.fields());
        f.put("ipv6_mostly", ipv6Mostly);
        return f;
    }
}
