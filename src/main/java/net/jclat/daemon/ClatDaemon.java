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
import net.jclat.control.ControlServer;
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
import net.jclat.tun.TunDevice;
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
    private int tunIndex;
    private int uplinkIndex;
    private Nat44Table nat;
    private Datapath datapath;
    private StatusFile status;
    private ScheduledExecutorService timer;
    private PrefixDiscovery discovery;
    private ControlServer control;
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

        nat = cfg.mode() == Mode.NAT44 ? new Nat44Table(cfg.tun(), cfg.clatIpv4().address()) : null;
        if (nat != null) {
            nat.remove(); // a predecessor killed with -9 may have left it
        }
        tun = openTun();
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
        timer.scheduleAtFixedRate(this::writeStatus, 0, 1, TimeUnit.SECONDS);
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
    }

    /** The first prefix: everything that needs one is set up now. */
    private void activate(Pref64 pref64) throws IOException {
        clatV6 = cfg.clatIpv6();
        if (cfg.mode() == Mode.NAT44 && clatV6 == null) {
            clatV6 = ClatIpv6Address.choose(cfg.uplink(), cfg.clatIpv4(), pref64, nl);
            Logger.info("CLAT IPv6 address {} chosen from {}'s /64", fmt(clatV6), cfg.uplink());
        }
        xlat = xlatConfig(pref64);
        if (cfg.clatIpv4() != null && clatV6 != null) {
            byte[] a = v4(cfg.clatIpv4().address());
            nl.addAddress(tunIndex, a, 32);
            undo.push(() -> nl.deleteAddress(tunIndex, a, 32));
        }
        for (Route r : ipv6Routes()) {
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
            nat.install();
            undo.push(nat::remove);
        }
        datapath = new Datapath(tun, xlat);
        datapath.start();
        Logger.info("translating on {} ({} mode, {} workers): NAT64 prefix {}, CLAT {} <-> {}, MTU {} (IPv4 {})",
                cfg.tun(), cfg.mode().name().toLowerCase(), cfg.workers(), pref64,
                cfg.clatIpv4() == null ? "-" : Addresses.formatIpv4(cfg.clatIpv4().address()),
                clatV6 == null ? "-" : fmt(clatV6), tunMtu, ipv4Mtu);
    }

    /**
     * The TUN with virtio-net headers and the offloads the kernel accepts (offload auto/on), or plain (off).
     * What was accepted is logged once: it decides whether 64 KiB super-packets come through.
     */
    private TunDevice openTun() throws IOException {
        if (cfg.offload() == Offload.OFF) {
            return TunDevice.open(cfg.tun(), cfg.workers());
        }
        TunDevice t = TunDevice.open(cfg.tun(), cfg.workers(), true);
        int need = TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4 | TunDevice.TUN_F_TSO6;
        if (cfg.offload() == Offload.ON && (t.offloads() & need) != need) {
            t.close();
            throw new IOException("offload on: the kernel accepted only '" + TunDevice.describeOffloads(t.offloads())
                    + "' on " + cfg.tun() + " (needs csum tso4 tso6); use offload auto or off");
        }
        Logger.info("TUN {} offloads: {}", cfg.tun(), TunDevice.describeOffloads(t.offloads()));
        return t;
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
        for (Route r : ipv4Routes()) {
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
        if (cfg.mode() != Mode.SIIT) {
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
    }

    private synchronized long[] counters() {
        return datapath == null ? new long[Counters.SIZE] : datapath.counters();
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
                if (ipv4RoutesUp && !oldRoutes.equals(ipv4Routes())) {
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
        f.put("offloads", tun == null ? "" : TunDevice.describeOffloads(tun.offloads()));
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
