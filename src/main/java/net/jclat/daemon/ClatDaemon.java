package net.jclat.daemon;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.jclat.config.ConfigException;
import net.jclat.config.DiscoveryConfig;
import net.jclat.config.Mode;
import net.jclat.config.Offload;
import net.jclat.config.RunConfig;
import net.jclat.config.Steering;
import net.jclat.control.ControlServer;
import net.jclat.control.MetricsServer;
import net.jclat.control.PrometheusText;
import net.jclat.datapath.Datapath;
import net.jclat.discovery.DnsDiscovery;
import net.jclat.discovery.DnsServer;
import net.jclat.discovery.PlatProbe;
import net.jclat.discovery.PrefixCandidates;
import net.jclat.discovery.PrefixDiscovery;
import net.jclat.discovery.PrefixSource;
import net.jclat.discovery.ResolvConf;
import net.jclat.netlink.NetlinkException;
import net.jclat.netlink.Route;
import net.jclat.netlink.RtNetlink;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.QueueSteering;
import net.jclat.tun.TunDevice;
import net.jclat.tun.TunIo;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.Counters;
import net.jclat.xlat.EamEntry;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.xlat.XlatConfig;
import org.tinylog.Logger;

/**
 * The life cycle of {@code jclat run}: clear what a killed predecessor left, open the TUN, then let
 * {@link PrefixDiscovery} find the NAT64 prefix. The first prefix activates the CLAT (addresses, routes,
 * proxy NDP, NAT44, workers); a new prefix is switched into the running workers; no prefix, or a native
 * IPv4 default route on the uplink, withdraws the IPv4 routes until it is over. On stop everything is
 * undone in reverse order. No protocol logic lives here.
 */
public final class ClatDaemon {
    /** Reads the configuration again from where it came from (flags and --config file), for reload. */
    @FunctionalInterface
    public interface ConfigSource {
        RunConfig read() throws ConfigException;
    }

    private RunConfig cfg;
    private final ConfigSource source;
    private final Deque<UndoStep> undo = new ArrayDeque<>();
    private final long startedNanos = System.nanoTime();
    private RtNetlink nl;
    private TunDevice tun;
    /** Per queue, the CPUs its worker is pinned to; empty without per-CPU steering. */
    private volatile List<BitSet> pins = List.of();
    private int tunIndex;
    private int uplinkIndex;
    private Nat44Table nat;
    private Datapath datapath;
    private StatusFile status;
    private ScheduledExecutorService timer;
    private PrefixDiscovery discovery;
    private ControlServer control;
    private MetricsServer metrics;
    private XlatConfig xlat;
    private Ipv6Prefix clatV6;
    private int tunMtu;
    private int ipv4Mtu;
    private PrefixCandidates.Candidate prefix;
    private Route siitPrefixRoute;
    private boolean standby;
    private boolean ipv4RoutesUp;
    private String lastError;
    private boolean stopped;
    private UpdateHook hook;
    private boolean startFailed;
    private SetupWatchdog watchdog;
    /** Counters and worker restarts of workers replaced when the TUN had to be re-created. */
    private final long[] retiredCounters = new long[Counters.SIZE];
    private long[] retiredWorkerPackets = new long[0];
    private long retiredRestarts;
    /** The datapath was stopped for a re-creation of the TUN that has not succeeded yet. */
    private boolean datapathRetired;
    private int tunRecreated;

    @FunctionalInterface
    private interface UndoStep {
        void run() throws IOException;
    }

    public ClatDaemon(RunConfig cfg) {
        this(cfg, () -> cfg);
    }

    public ClatDaemon(RunConfig cfg, ConfigSource source) {
        this.cfg = cfg;
        this.source = source;
    }

    /**
     * Sets up the TUN and starts discovery; with a static prefix the CLAT is translating when this returns.
     * On failure undoes what was done and throws.
     */
    public void start() throws IOException {
        try {
            startSteps();
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                lastError = e.getMessage();
                startFailed = true;
            }
            stop();
            throw e;
        }
    }

    private void startSteps() throws IOException {
        nl = new RtNetlink();
        NetworkInterface uplink = NetworkInterface.getByName(cfg.uplink());
        if (uplink == null) {
            throw new IOException("uplink " + cfg.uplink() + " does not exist");
        }
        uplinkIndex = RtNetlink.ifIndex(cfg.uplink());
        tunMtu = uplink.getMTU();
        // RFC 7756 §4.2: the IPv4 MTU is the IPv6 path's minus the 20 bytes translation adds.
        ipv4Mtu = cfg.ipv4Mtu() > 0 ? cfg.ipv4Mtu() : tunMtu - 20;
        warnIfNotForwarding();

        // Under netifd, fw4 does the SNAT to the CLAT address from the firewall data the hook pushes.
        nat = cfg.mode() == Mode.NAT44 && !cfg.netifdManaged() ? new Nat44Table(cfg.tun(), cfg.clatIpv4().address()) : null;
        if (nat != null) {
            nat.remove(); // a predecessor killed with -9 may have left it
        }
        tun = openTun();
        logTunIo();
        tunIndex = RtNetlink.ifIndex(cfg.tun());
        nl.linkUp(tunIndex, tunMtu);

        status = new StatusFile(cfg.statusFile());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jclat-status");
            t.setDaemon(true);
            return t;
        });
        if (cfg.nativeIpv4Standby()) {
            checkNativeIpv4(); // before the first prefix, so a dual-stack uplink never gets our route
            timer.scheduleWithFixedDelay(this::checkNativeIpv4, 1, 1, TimeUnit.SECONDS);
        }
        hook = cfg.hook() == null ? null : new UpdateHook(cfg.hook());
        watchdog = new SetupWatchdog(nl);
        timer.scheduleWithFixedDelay(this::checkSetup, 1, 1, TimeUnit.SECONDS);
        discovery = new PrefixDiscovery(discoverySettings(), this::onPrefix);
        discovery.start();
        synchronized (this) {
            if (lastError != null) {
                throw new IOException(lastError);
            }
            if (prefix == null) {
                Logger.info("{} is up; waiting for a NAT64 prefix (sources: {})", cfg.tun(),
                        cfg.discovery().order().stream().map(PrefixSource::label).toList());
            }
        }
        // The socket first: once the status file exists, jclat status works.
        control = ControlServer.start(cfg.controlSocket(), this::control);
        if (cfg.metricsListen() != null) {
            metrics = MetricsServer.start(cfg.metricsListen(), () -> PrometheusText.render(statusFields(), counters()));
            Logger.info("Prometheus metrics at http://{}/metrics", MetricsServer.format(metrics.address()));
        }
        boolean netty = control.transport() == ControlServer.Transport.NETTY;
        Logger.info("control socket {} served by {}", cfg.controlSocket(), netty ? "Netty's epoll transport"
                : "the JDK's AF_UNIX channels (Netty's native library is not available)");
        timer.scheduleAtFixedRate(this::writeStatus, 0, 1, TimeUnit.SECONDS);
        notifyHook();
    }

    private PrefixDiscovery.Settings discoverySettings() {
        DiscoveryConfig d = cfg.discovery();
        List<DnsServer> fixed = d.dnsServers();
        Supplier<List<DnsServer>> servers = fixed.isEmpty() ? ResolvConf::defaultServers : () -> fixed;
        DnsDiscovery dns = d.order().contains(PrefixSource.DNS)
                ? new DnsDiscovery(Duration.ofMillis(d.dnsTimeoutMillis()), d.dnsRetries()) : null;
        PlatProbe probe = d.probes().isEmpty() ? null : new PlatProbe(d.probes(), d.probeTimeoutMillis());
        return new PrefixDiscovery.Settings(d.staticPrefixes(), d.order(), cfg.uplink(), servers, dns,
                d.retryInitialSeconds() * 1000L, d.retryMaxSeconds() * 1000L, probe, d.probeIntervalSeconds() * 1000L,
                d.probeFall(), d.probeRise());
    }

    /** Discovery chose a prefix, or none ({@code null}). */
    private synchronized void onPrefix(PrefixCandidates.Candidate chosen) {
        if (stopped) {
            return;
        }
        try {
            Pref64 p = chosen == null ? null : chosen.prefix();
            if (datapath == null) {
                if (p != null) {
                    activate(p);
                }
            } else {
                // The workers pick the new mapping up between two packets; counters carry on.
                xlat = xlatConfig(p);
                datapath.reconfigure(xlat);
                replaceSiitPrefixRoute(p);
            }
            prefix = chosen;
            applyIpv4Routes();
            lastError = null;
        } catch (IOException | RuntimeException e) {
            lastError = "cannot switch to NAT64 prefix " + (chosen == null ? "(none)" : chosen.prefix()) + ": "
                    + e.getMessage();
            Logger.error(lastError);
        }
        notifyHook();
    }

    /** Once per start: which packet I/O the TUN uses, and why when it is not the fast one. */
    private void logTunIo() {
        if (tun.io() == TunIo.NETTY) {
            Logger.info("TUN I/O: Netty's JNI file-descriptor I/O (tun-io {})", cfg.tunIo().label());
        } else if (cfg.tunIo() == TunIo.AUTO) {
            Logger.info("TUN I/O: the JDK's FileChannel, because Netty's epoll native library is not available"
                    + " ({})", TunIo.nettyUnavailableReason());
        } else {
            Logger.info("TUN I/O: the JDK's FileChannel (tun-io filechannel)");
        }
    }

    /** The first prefix: everything that needs one is set up now. */
    private void activate(Pref64 pref64) throws IOException {
        clatV6 = cfg.clatIpv6();
        if (cfg.mode() == Mode.NAT44 && clatV6 == null) {
            clatV6 = ClatIpv6Address.choose(cfg.uplink(), cfg.clatIpv4(), pref64, nl);
            Logger.info("CLAT IPv6 address {} chosen from {}'s /64", fmt(clatV6), cfg.uplink());
        }
        xlat = xlatConfig(pref64);
        if (cfg.clatIpv4() != null && clatV6 != null && !cfg.netifdManaged()) {
            byte[] a = v4(cfg.clatIpv4().address());
            nl.addAddress(tunIndex, a, 32);
            undo.push(() -> nl.deleteAddress(tunIndex, a, 32));
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
            ignoreMissing(() -> nl.deleteProxyNeighbour(uplinkIndex, a));
            nl.addProxyNeighbour(uplinkIndex, a);
            undo.push(() -> ignoreMissing(() -> nl.deleteProxyNeighbour(uplinkIndex, a)));
            if (nat != null) {
                nat.install();
                undo.push(nat::remove);
            }
        }
        datapath = new Datapath(tun, xlat, pins);
        datapath.start();
        Logger.info("translating on {} ({} mode, {} workers): NAT64 prefix {}, CLAT {} <-> {}, MTU {} (IPv4 {})",
                cfg.tun(), cfg.mode().name().toLowerCase(), cfg.workers(), pref64,
                cfg.clatIpv4() == null ? "-" : Addresses.formatIpv4(cfg.clatIpv4().address()),
                clatV6 == null ? "-" : fmt(clatV6), tunMtu, ipv4Mtu);
    }

    /**
     * The TUN with virtio-net headers and the offloads the kernel accepts (offload auto/on), or plain (off).
     * What was accepted is logged: it decides whether 64 KiB super-packets come through. A TUN re-created
     * after it was deleted from outside is opened the same way.
     */
    private TunDevice openTun() throws IOException {
        TunDevice t = openTunWithOffloads();
        steer(t); // with offload off too
        return t;
    }

    private TunDevice openTunWithOffloads() throws IOException {
        if (cfg.offload() == Offload.OFF) {
            return TunDevice.open(cfg.tun(), cfg.workers(), cfg.tunIo(), false);
        }
        TunDevice t = TunDevice.open(cfg.tun(), cfg.workers(), cfg.tunIo(), true);
        int need = TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4 | TunDevice.TUN_F_TSO6;
        if (cfg.offload() == Offload.ON && (t.offloads() & need) != need) {
            t.close();
            throw new IOException("offload on: the kernel accepted only '" + TunDevice.describeOffloads(t.offloads())
                    + "' on " + cfg.tun() + " (needs csum tso4 tso6); use offload auto or off");
        }
        Logger.info("TUN {} offloads: {}", cfg.tun(), TunDevice.describeOffloads(t.offloads()));
        return t;
    }

    /**
     * Per-CPU queue steering (cpu-steering auto/on): the TUN sends each packet to the queue of the CPU it
     * arrives on, and that queue's worker is pinned there (see {@link QueueSteering}). Set on every TUN
     * opened, a re-created one too. With auto, anything in the way leaves the kernel's flow-hash steering.
     */
    private void steer(TunDevice t) throws IOException {
        pins = List.of();
        if (cfg.cpuSteering() == Steering.OFF) {
            return;
        }
        String why;
        try {
            BitSet allowed = CpuAffinity.ofCurrentThread();
            List<BitSet> sets = QueueSteering.cpusPerQueue(allowed, t.queues().size());
            if (t.queues().size() < 2) {
                why = "one queue";
            } else if (sets.isEmpty()) {
                why = "fewer usable CPUs than queues (" + allowed + " for "
                        + t.queues().size() + " workers)";
            } else {
                QueueSteering.attach(t);
                pins = sets;
                Logger.info("TUN {}: per-CPU steering, worker CPUs {}", cfg.tun(), sets);
                return;
            }
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (cfg.cpuSteering() == Steering.ON) {
            t.close();
            throw new IOException("cpu-steering on: cannot steer " + cfg.tun() + " by CPU: " + why
                    + "; use cpu-steering auto or off");
        }
        Logger.info("TUN {}: flow-hash steering by the kernel (per-CPU steering not used: {})", cfg.tun(), why);
    }

    private static long[] add(long[] a, long[] b) {
        long[] sum = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int i = 0; i < b.length; i++) {
            sum[i] += b[i];
        }
        return sum;
    }

    /** The translator's configuration for the current settings, CLAT address and this prefix. */
    private XlatConfig xlatConfig(Pref64 pref64) {
        return XlatConfig.builder()
                .pref64(pref64)
                .clatIpv4(clatV6 == null ? null : cfg.clatIpv4())
                .clatIpv6(clatV6)
                .dedicatedPrefixes(cfg.maps())
                .eams(cfg.eams())
                // SIIT as a border relay maps its IPv4 side with the prefix; as an edge relay (it has its own
                // service addresses) it translates only those: RFC 7756 §6 ingress filtering.
                .pref64ForLocal(cfg.mode() == Mode.SIIT && clatV6 == null && cfg.maps().isEmpty())
                .hairpinning(cfg.hairpinning())
                .translatorIpv4(cfg.translatorIpv4() != null ? cfg.translatorIpv4() : XlatConfig.IPV4_DUMMY)
                .translatorIpv6(cfg.translatorIpv6() != null ? cfg.translatorIpv6() : clatV6)
                .lowestIpv6Mtu(cfg.lowestIpv6Mtu())
                .ipv4Mtu(ipv4Mtu)
                .ipv6Mtu(tunMtu)
                .udpZeroChecksum(cfg.udpZeroChecksum())
                .icmpErrorsPerSecond(cfg.icmpErrorsPerSecond())
                .sendIcmpErrors(cfg.icmpErrors())
                .allowWkpNonGlobal(cfg.allowWkpNonGlobal())
                .ignoreTos(cfg.ignoreTos())
                .build();
    }

    /**
     * The IPv4 routes into the TUN exist exactly while there is a prefix and no native IPv4: without a PLAT
     * they would only black-hole, and next to native IPv4 the CLAT stands by (RFC 6877 §6.1).
     */
    private void applyIpv4Routes() throws IOException {
        boolean want = prefix != null && datapath != null && !standby;
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
    private void replaceSiitPrefixRoute(Pref64 p) throws IOException {
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

    /** Native IPv4 is an IPv4 default route on the uplink in the main table that jclat did not add. */
    private void checkNativeIpv4() {
        boolean found;
        try {
            found = nl.routes(4).stream().anyMatch(r -> r.dstLength() == 0 && r.oif() == uplinkIndex
                    && r.protocol() != RtNetlink.RTPROT_JCLAT && r.table() == RT_TABLE_MAIN);
        } catch (IOException e) {
            Logger.warn("cannot list IPv4 routes for the native-IPv4 check: {}", e.getMessage());
            return;
        }
        synchronized (this) {
            if (stopped || found == standby) {
                return;
            }
            standby = found;
            Logger.info(found ? "native IPv4 default route on {}: standing by, IPv4 routes into {} withdrawn"
                    : "native IPv4 default route on {} gone: translating again on {}", cfg.uplink(), cfg.tun());
            try {
                applyIpv4Routes();
            } catch (IOException e) {
                Logger.error("cannot {} the IPv4 routes: {}", found ? "withdraw" : "restore", e.getMessage());
            }
            notifyHook();
        }
    }

    private List<Route> ipv4Routes() {
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

    private List<Route> ipv6Routes() {
        List<Route> r = new ArrayList<>();
        if (clatV6 != null) {
            r.add(new Route(v6(clatV6), 128, tunIndex, cfg.routeMetric(), 0, 0));
        }
        cfg.maps().forEach(m -> r.add(new Route(v6(m.ipv6().prefix()), m.ipv6().length(), tunIndex,
                cfg.routeMetric(), 0, 0)));
        return r;
    }

    /** What the status shows as the daemon's state. */
    public synchronized String state() {
        if (lastError != null) {
            return "error";
        }
        if (prefix == null) {
            return "waiting for PLAT";
        }
        return standby ? "standby: native IPv4" : "running";
    }

    private void writeStatus() {
        if (stopped) {
            return;
        }
        try {
            status.write(statusFields(), counters());
        } catch (IOException | RuntimeException e) {
            Logger.warn("cannot write status file {}: {}", cfg.statusFile(), e.getMessage());
        }
        notifyHook(); // catches any change not announced where it happened
    }

    /** Hands the current state to the hook, if there is one; never waits (see {@link UpdateHook}). */
    private synchronized void notifyHook() {
        if (hook != null && !stopped) {
            hook.offer(hookEnv(null));
        }
    }

    /**
     * The state as the hook's {@code JCLAT_*} environment (docs/openwrt.md). The routes are those that
     * should lead into the TUN now: under {@code netifd-managed} the hook pushes them to netifd.
     */
    private synchronized Map<String, String> hookEnv(String finalState) {
        Map<String, Object> f = statusFields();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JCLAT_NAME", cfg.name());
        env.put("JCLAT_STATE", finalState != null ? finalState : switch (state()) {
            case "running" -> "running";
            case "error" -> "error";
            case "waiting for PLAT" -> "waiting";
            default -> "standby";
        });
        env.put("JCLAT_ERROR", lastError == null ? "" : lastError);
        env.put("JCLAT_MODE", String.valueOf(f.get("mode")));
        env.put("JCLAT_TUN", cfg.tun());
        env.put("JCLAT_UPLINK", cfg.uplink());
        env.put("JCLAT_PREF64", String.valueOf(f.get("pref64")));
        env.put("JCLAT_PREF64_SOURCE", String.valueOf(f.get("pref64_source")));
        env.put("JCLAT_CLAT_V4", String.valueOf(f.get("clat_ipv4")));
        env.put("JCLAT_CLAT_V6", String.valueOf(f.get("clat_ipv6")));
        env.put("JCLAT_MTU", Integer.toString(tunMtu));
        env.put("JCLAT_IPV4_MTU", Integer.toString(ipv4Mtu));
        env.put("JCLAT_ROUTE_METRIC", Integer.toString(cfg.routeMetric()));
        boolean live = finalState == null && datapath != null;
        env.put("JCLAT_IPV4_ROUTES", live && ipv4RoutesUp ? routeList(ipv4Routes()) : "");
        List<Route> v6 = new ArrayList<>(ipv6Routes());
        if (cfg.mode() == Mode.SIIT && prefix != null) {
            v6.add(new Route(v6(prefix.prefix().prefix()), prefix.prefix().length(), tunIndex, 0, 0, 0));
        }
        env.put("JCLAT_IPV6_ROUTES", live ? routeList(v6) : "");
        env.put("JCLAT_STATUS_FILE", cfg.statusFile().toString());
        return env;
    }

    /** {@code a/n b/m ...}: space-separated, for a shell {@code for} loop. */
    private static String routeList(List<Route> routes) {
        StringBuilder b = new StringBuilder();
        for (Route r : routes) {
            ByteBuffer d = ByteBuffer.wrap(r.destination());
            b.append(b.length() == 0 ? "" : " ")
                    .append(r.destination().length == 4 ? Addresses.formatIpv4(d.getInt(0))
                            : Addresses.formatIpv6(d.getLong(0), d.getLong(8)))
                    .append('/').append(r.prefixLength());
        }
        return b.toString();
    }

    private synchronized long[] counters() {
        long[] c = datapath == null || datapathRetired ? new long[Counters.SIZE] : datapath.counters();
        for (int i = 0; i < c.length; i++) {
            c[i] += retiredCounters[i];
        }
        return c;
    }

    /**
     * Once a second: the TUN, its address and routes and the proxy-NDP entry are put back if removed. Under
     * netifd the address and routes are netifd's (pushed by the hook), so only the TUN and proxy NDP are.
     */
    private synchronized void checkSetup() {
        if (stopped || tun == null) {
            return;
        }
        try {
            if (SetupWatchdog.tunGone(cfg.tun(), tunIndex)) {
                recreateTun();
            }
        } catch (IOException | RuntimeException e) {
            watchdog.problem("cannot re-create " + cfg.tun() + " (will retry every second): " + e.getMessage());
            return;
        }
        boolean active = datapath != null;
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
        watchdog.repair(new SetupWatchdog.Owned(cfg.tun(), tunIndex, tunMtu,
                ownsRoutes && cfg.clatIpv4() != null && clatV6 != null ? v4(cfg.clatIpv4().address()) : null, routes,
                uplinkIndex, active && cfg.mode() == Mode.NAT44 ? v6(clatV6) : null));
    }

    /**
     * The TUN was deleted from outside: open it again under the same name and run new workers on it with the
     * same translator configuration; counters carry on. Address and routes follow in {@link #checkSetup}.
     */
    private void recreateTun() throws IOException {
        Logger.warn("{} was deleted from outside: re-creating it", cfg.tun());
        if (datapath != null && !datapathRetired) {
            try {
                datapath.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long[] c = datapath.counters();
            for (int i = 0; i < c.length; i++) {
                retiredCounters[i] += c[i];
            }
            retiredRestarts += datapath.restarts();
            retiredWorkerPackets = add(retiredWorkerPackets, datapath.workerPackets());
            datapathRetired = true;
        }
        tun.close();
        tun = openTun();
        tunIndex = RtNetlink.ifIndex(cfg.tun());
        nl.linkUp(tunIndex, tunMtu);
        if (siitPrefixRoute != null) {
            Route r = siitPrefixRoute;
            siitPrefixRoute = new Route(r.destination(), r.prefixLength(), tunIndex, r.metric(), r.mtu(), r.advmss());
        }
        if (datapath != null) {
            datapath = new Datapath(tun, xlat, pins);
            datapath.start();
            datapathRetired = false;
        }
        tunRecreated++;
    }

    /** Answers one control-socket request. */
    private ControlServer.Reply control(String request) {
        switch (request) {
            case "status":
                return new ControlServer.Reply(0, StatusText.render(statusFields(), counters()));
            case "status json":
                return new ControlServer.Reply(0, StatusFile.json(statusFields(), counters()));
            case "reload":
                return reload();
            default:
                return new ControlServer.Reply(2, "unknown request '" + request + "' (status, status json, reload)");
        }
    }

    /**
     * Reads the configuration again and applies it without touching the TUN: prefix discovery, EAMs,
     * hairpinning, ICMP and UDP policies, standby. All or nothing: a file with an error, or a change that
     * needs a restart (uplink, TUN, workers, mode, addresses, routes, MTUs...), leaves everything as it was
     * and says why. Also run on SIGHUP.
     */
    public ControlServer.Reply reload() {
        RunConfig next;
        try {
            next = source.read();
        } catch (ConfigException | IllegalArgumentException e) {
            Logger.error("reload refused, the running configuration stays: {}", e.getMessage());
            return new ControlServer.Reply(2, "reload refused, nothing changed: " + e.getMessage());
        }
        List<String> restart = ReloadPlan.needsRestart(cfg, next);
        if (!restart.isEmpty()) {
            String why = "reload refused, nothing changed: " + String.join(", ", restart)
                    + " change only with a restart";
            Logger.error(why);
            return new ControlServer.Reply(2, why);
        }
        PrefixDiscovery oldDiscovery = null;
        synchronized (this) {
            if (stopped) {
                return new ControlServer.Reply(1, "stopping");
            }
            RunConfig before = cfg;
            List<Route> oldRoutes = ipv4Routes();
            cfg = next;
            try {
                if (datapath != null) {
                    xlat = xlatConfig(prefix == null ? null : prefix.prefix());
                    datapath.reconfigure(xlat);
                }
                if (ipv4RoutesUp && !cfg.netifdManaged() && !oldRoutes.equals(ipv4Routes())) {
                    for (Route r : oldRoutes) {
                        ignoreMissing(() -> nl.deleteRoute(r));
                    }
                    for (Route r : ipv4Routes()) {
                        nl.addRoute(r);
                    }
                }
            } catch (IOException | RuntimeException e) {
                lastError = "reload: " + e.getMessage();
                Logger.error(lastError);
                return new ControlServer.Reply(1, lastError);
            }
            if (!before.discovery().equals(next.discovery())) {
                oldDiscovery = discovery;
                discovery = new PrefixDiscovery(discoverySettings(), this::onPrefix);
            }
        }
        if (oldDiscovery != null) {
            oldDiscovery.close();
            PrefixDiscovery started;
            synchronized (this) {
                started = discovery;
            }
            started.start(); // the current prefix stays until the new sources choose one
        }
        notifyHook();
        Logger.info("configuration reloaded");
        return new ControlServer.Reply(0, "reloaded");
    }

    /** Everything the status shows except the counters. */
    private synchronized Map<String, Object> statusFields() {
        PrefixDiscovery.Status d = discovery == null ? new PrefixDiscovery.Status(null, List.of(), "", "")
                : discovery.status();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", state());
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
        f.put("clat_ipv6", clatV6 == null ? "" : fmt(clatV6));
        f.put("tun_mtu", tunMtu);
        f.put("ipv4_mtu", ipv4Mtu);
        f.put("workers", cfg.workers());
        f.put("tun_io", tun == null ? "" : tun.io().label());
        f.put("worker_restarts", retiredRestarts + (datapath == null || datapathRetired ? 0 : datapath.restarts()));
        f.put("tun_recreated", tunRecreated);
        f.put("offloads", tun == null ? "" : TunDevice.describeOffloads(tun.offloads()));
        f.put("cpu_steering", pins.isEmpty() ? "flow" : "cpu");
        f.put("worker_cpus", pins.stream().map(CpuAffinity::format).toList());
        long[] packets = add(retiredWorkerPackets, datapath == null || datapathRetired ? new long[0]
                : datapath.workerPackets());
        f.put("worker_packets", Arrays.stream(packets).boxed().toList());
        f.put("workers_released", datapath == null || datapathRetired ? 0 : datapath.workersReleased());
        f.put("uptime_seconds", (System.nanoTime() - startedNanos) / 1_000_000_000L);
        return f;
    }

    /** Undoes everything in reverse order; safe to call twice and after a failed start. */
    public void stop() {
        PrefixDiscovery d;
        synchronized (this) {
            stopped = true;
            d = discovery;
            discovery = null;
        }
        if (d != null) {
            d.close();
        }
        ControlServer c;
        synchronized (this) {
            c = control;
            control = null;
        }
        if (c != null) {
            c.close();
        }
        MetricsServer m;
        synchronized (this) {
            m = metrics;
            metrics = null;
        }
        if (m != null) {
            m.close();
        }
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
                timer = null;
            }
            if (datapath != null) {
                try {
                    datapath.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                datapath = null;
            }
            try {
                prefix = null;
                applyIpv4Routes();
                replaceSiitPrefixRoute(null);
            } catch (IOException e) {
                Logger.warn("cleanup: {}", e.getMessage());
            }
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (IOException e) {
                    Logger.warn("cleanup: {}", e.getMessage());
                }
            }
            if (tun != null) {
                tun.close(); // the device and its routes go with the last queue
                tun = null;
            }
            if (status != null) {
                status.delete();
            }
            if (nl != null) {
                nl.close();
                nl = null;
            }
        }
        UpdateHook h;
        Map<String, String> last;
        synchronized (this) {
            h = hook;
            hook = null;
            last = h == null ? null : hookEnv(startFailed ? "error" : "stopped");
        }
        if (h != null) {
            h.finish(last); // after the teardown, so whoever follows sees a clean device
        }
    }

    public synchronized Datapath datapath() {
        return datapath;
    }

    private void warnIfNotForwarding() {
        for (String key : List.of("net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding")) {
            try {
                if (!Files.readString(Path.of("/proc/sys/" + key)).strip().equals("1")) {
                    Logger.warn("{} is off: LAN hosts' packets will not be forwarded through the CLAT",
                            key.replace('/', '.'));
                }
            } catch (IOException e) {
                Logger.warn("cannot read {}: {}", key, e.getMessage());
            }
        }
    }

    private static final int RT_TABLE_MAIN = 254;

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

    private static byte[] v4(int a) {
        return ByteBuffer.allocate(4).putInt(a).array();
    }

    private static byte[] v6(Ipv6Prefix p) {
        return ByteBuffer.allocate(16).putLong(p.hi()).putLong(p.lo()).array();
    }

    private static String fmt(Ipv6Prefix p) {
        return Addresses.formatIpv6(p.hi(), p.lo());
    }
}
