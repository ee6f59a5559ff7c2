package net.jclat.daemon;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import net.jclat.config.ConfigException;
import net.jclat.config.Mode;
import net.jclat.config.RunConfig;
import net.jclat.control.ControlServer;
import net.jclat.datapath.Datapath;
import net.jclat.discovery.PrefixCandidates;
import net.jclat.discovery.PrefixDiscovery;
import net.jclat.discovery.PrefixSource;
import net.jclat.netlink.Route;
import net.jclat.netlink.RtNetlink;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.xlat.XlatConfig;
import net.jclat.log.Log;

/**
 * The life cycle of {@code jclat run}: clear what a killed predecessor left, open the TUN, then let
 * {@link PrefixDiscovery} find the NAT64 prefix. The first prefix activates the CLAT ({@link InterfaceSetup}
 * sets up addresses, routes, proxy NDP and NAT44; the {@link TunAttachment}s start translating); a new prefix
 * is switched into the running attachments; no prefix, or a native IPv4 default route on the uplink,
 * withdraws the IPv4 routes until it is over. On stop everything is undone in reverse order. No protocol
 * logic lives here.
 */
public final class ClatDaemon {
    /** Reads the configuration again from where it came from (flags and --config file), for reload. */
    @FunctionalInterface
    public interface ConfigSource {
        RunConfig read() throws ConfigException;
    }

    private RunConfig cfg;
    private final ConfigSource source;
    private final long startedNanos = System.nanoTime();
    private RtNetlink nl;
    private InterfaceSetup setup;
    private ClatTun tun; // null until the start opens it
    /** Status file, hook, IPv6-mostly LAN. */
    private StateOutputs outputs = StateOutputs.NONE;
    private StatusTimer timer;
    private PrefixDiscovery discovery;
    private StatusServers servers;
    private XlatConfig xlat;
    private PrefixCandidates.Candidate prefix;
    /** The first prefix came and the attachments were started (they may be detached while the TUN is re-created). */
    private boolean active;
    /** Native IPv4 or no PLAT: the IPv4 routes are withdrawn; looks for native IPv4 only where configured. */
    private Ipv4Standby standby = new Ipv4Standby(false);
    private String lastError;
    private boolean stopped;
    private final StartGate gate = new StartGate();
    private boolean startFailed;
    private SetupWatchdog watchdog;
    /** Null until the first prefix, and where the configuration needs none. */
    private UplinkSourceRoute sourceRoute;

    public ClatDaemon(RunConfig cfg) {
        this(cfg, () -> cfg);
    }

    public ClatDaemon(RunConfig cfg, ConfigSource source) {
        this.cfg = cfg;
        this.source = source;
    }

    /**
     * Sets up the TUN and starts discovery; with a static prefix the CLAT is translating when this returns.
     * On failure undoes what was done and throws. A {@link #stop} during start-up ends it at the next step
     * and this returns; the stop then undoes what was done.
     */
    public void start() throws IOException {
        if (!gate.enter()) {
            return;
        }
        try {
            startSteps();
        } catch (IOException | RuntimeException e) {
            if (gate.leave()) {
                if (!(e instanceof StartGate.Stopped)) {
                    Log.warn("start-up step failed while stopping: {}", e.getMessage());
                }
                return; // the stop undoes what was done
            }
            synchronized (this) {
                lastError = e.getMessage();
                startFailed = true;
            }
            stop();
            throw e;
        }
        gate.leave();
    }

    /** Each step leaves what it made where {@link #stop} finds it; between steps a stop ends the start-up. */
    private void startSteps() throws IOException {
        gate.checkpoint();
        nl = new RtNetlink();
        setup = InterfaceSetup.prepare(nl, cfg);
        if (!cfg.netifdManaged()) {
            UplinkSourceRoute.removeLeftovers(nl, cfg.uplink());
        }
        gate.checkpoint();
        tun = new ClatTun();
        tun.open(cfg);
        TunOpener.logIo(cfg, tun.device());
        setup.tunOpened(cfg.tun());
        gate.checkpoint();
        tun.startFastPath(cfg, setup);

        timer = new StatusTimer();
        if (cfg.nativeIpv4Standby()) {
            standby = new Ipv4Standby(true);
            checkNativeIpv4(); // before the first prefix, so a dual-stack uplink never gets our route
        }
        outputs = StateOutputs.of(cfg);
        outputs.startLan(cfg);
        watchdog = new SetupWatchdog(nl);
        timer.everyTenSeconds("zero-checksum UDP events", new ZeroChecksumUdpEvents(tun::datapath)::check);
        gate.checkpoint();
        discovery = new PrefixDiscovery(DiscoverySettings.of(cfg), this::onPrefix);
        discovery.start();
        synchronized (this) {
            gate.checkpoint();
            if (lastError != null) {
                throw new IOException(lastError);
            }
            if (prefix == null) {
                Log.info("{} is up; waiting for a NAT64 prefix (sources: {})", cfg.tun(),
                        cfg.discovery().order().stream().map(PrefixSource::label).toList());
            }
        }
        // The socket first: once the status file exists, jclat status works.
        servers = StatusServers.start(cfg, this::snapshot, this::reload);
        gate.checkpoint();
        timer.everySecond(this::everySecond);
        notifyHook();
    }

    /** Discovery chose a prefix, or none ({@code null}). */
    private synchronized void onPrefix(PrefixCandidates.Candidate chosen) {
        if (stopped) {
            return;
        }
        try {
            Pref64 p = chosen == null ? null : chosen.prefix();
            if (!active) {
                if (p != null) {
                    activate(p);
                }
            } else {
                // The attachments pick the new mapping up without a gap; counters carry on.
                xlat = xlatConfig(p);
                tun.reconfigure(xlat);
                setup.replaceSiitPrefixRoute(p);
            }
            prefix = chosen;
            setup.applyIpv4Routes(wantIpv4Routes());
            lastError = null;
        } catch (IOException | RuntimeException e) {
            lastError = "cannot switch to NAT64 prefix " + (chosen == null ? "(none)" : chosen.prefix()) + ": "
                    + e.getMessage();
            Log.error(lastError);
        }
        notifyHook();
    }

    /** The first prefix: everything that needs one is set up now. */
    private void activate(Pref64 pref64) throws IOException {
        Ipv6Prefix clatV6 = cfg.clatIpv6();
        if (cfg.mode() == Mode.NAT44 && clatV6 == null) {
            clatV6 = ClatIpv6Address.choose(cfg.uplink(), cfg.clatIpv4(), pref64, nl);
            Log.info("CLAT IPv6 address {} chosen from {}'s /64", InterfaceSetup.format(clatV6), cfg.uplink());
        }
        xlat = XlatSettings.of(cfg, pref64, clatV6, setup.ipv4Mtu(), setup.tunMtu());
        setup.install(clatV6, pref64);
        sourceRoute = UplinkSourceRoute.of(nl, cfg, clatV6);
        if (sourceRoute != null) {
            sourceRoute.keep(watchdog);
        }
        tun.attach(cfg, setup, xlat);
        active = true;
        Log.info("translating on {} ({} mode, {} workers): NAT64 prefix {}, CLAT {} <-> {}, MTU {} (IPv4 {})",
                cfg.tun(), cfg.mode().name().toLowerCase(), cfg.workers(), pref64,
                cfg.clatIpv4() == null ? "-" : Addresses.formatIpv4(cfg.clatIpv4().address()),
                clatV6 == null ? "-" : InterfaceSetup.format(clatV6), setup.tunMtu(), setup.ipv4Mtu());
    }

    private XlatConfig xlatConfig(Pref64 pref64) {
        return XlatSettings.of(cfg, pref64, setup.clatIpv6(), setup.ipv4Mtu(), setup.tunMtu());
    }

    /** See {@link Ipv4Standby}. */
    private boolean wantIpv4Routes() {
        return standby.wantRoutes(prefix != null && active, cfg, discovery);
    }

    /** Native IPv4 is an IPv4 default route on the uplink in the main table that jclat did not add. */
    private void checkNativeIpv4() {
        Ipv4Standby s;
        synchronized (this) {
            s = stopped ? null : standby;
        }
        Boolean found = s == null ? null : s.look(setup); // netlink, outside the lock
        if (found == null) {
            return;
        }
        synchronized (this) {
            if (stopped || !standby.nativeIpv4Found(found, cfg)) {
                return;
            }
            try {
                setup.applyIpv4Routes(wantIpv4Routes());
            } catch (IOException e) {
                Log.error("cannot {} the IPv4 routes: {}", found ? "withdraw" : "restore", e.getMessage());
            }
            notifyHook();
        }
    }

    /**
     * The status thread's one wake-up a second (issue 15: it was three): the native-IPv4 check, the watchdog,
     * then the status file, which so shows what they did. One failing never stops the others.
     */
    private void everySecond() {
        if (standby.watchesNativeIpv4()) {
            StatusTimer.guarded("native-IPv4 check", this::checkNativeIpv4);
        }
        StatusTimer.guarded("setup watchdog", this::checkSetup);
        writeStatus();
    }

    /** Once a second: what jclat set up in the kernel is put back if someone removed it ({@link SetupWatchdog}). */
    private synchronized void checkSetup() {
        if (!stopped && tun != null && tun.device() != null) {
            watchdog.check(cfg, tun, setup, active, xlat, sourceRoute);
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
            next = ReloadPlan.read(source, cfg);
        } catch (ConfigException e) {
            return new ControlServer.Reply(2, e.getMessage()); // already logged
        }
        PrefixDiscovery oldDiscovery = null;
        synchronized (this) {
            if (stopped) {
                return new ControlServer.Reply(1, "stopping");
            }
            if (gate.starting()) {
                Log.warn("reload refused: still starting");
                return new ControlServer.Reply(1, "still starting: reload once jclat has started");
            }
            RunConfig before = cfg;
            cfg = next;
            List<Route> oldRoutes = setup.reconfigure(next);
            try {
                if (active) {
                    xlat = xlatConfig(prefix == null ? null : prefix.prefix());
                    tun.reconfigure(xlat);
                }
                setup.replaceIpv4Routes(oldRoutes);
            } catch (IOException | RuntimeException e) {
                lastError = "reload: " + e.getMessage();
                Log.error(lastError);
                return new ControlServer.Reply(1, lastError);
            }
            if (!before.discovery().equals(next.discovery())) {
                oldDiscovery = discovery;
                discovery = new PrefixDiscovery(DiscoverySettings.of(cfg), this::onPrefix);
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
        Log.info("configuration reloaded");
        return new ControlServer.Reply(0, "reloaded");
    }

    /** The state now, for the status, the metrics and the hook. */
    private synchronized StatusSnapshot snapshot() {
        return StatusSnapshot.of(cfg, state(), lastError, discovery == null ? null : discovery.status(), active,
                prefix, standby.nativeIpv4(), xlat, setup, tun, (System.nanoTime() - startedNanos) / 1_000_000_000L,
                outputs.lan());
    }

    /**
     * Undoes everything in reverse order; safe to call twice, after a failed start and during start-up: it
     * waits for the start step in progress, so nothing is made after the teardown began.
     */
    public void stop() {
        gate.stop();
        PrefixDiscovery d;
        StatusServers c;
        StateOutputs o;
        synchronized (this) {
            stopped = true;
            o = outputs;
            d = discovery;
            discovery = null;
            c = servers;
            servers = null;
        }
        if (d != null) {
            d.close();
        }
        if (c != null) {
            c.close();
        }
        o.closeLan(); // PREF64 at lifetime 0 and option 108 off while the CLAT still translates
        synchronized (this) {
            if (timer != null) {
                timer.close();
                timer = null;
            }
            if (watchdog != null) {
                watchdog.close(); // no round runs: they hold this lock
            }
            standby.close();
            if (tun != null) {
                tun.detach();
            }
            active = false;
            prefix = null;
            if (sourceRoute != null) {
                sourceRoute.remove();
            }
            if (setup != null) {
                setup.teardown();
            }
            if (tun != null) {
                tun.close(); // the device and its routes go with the last queue
            }
            o.deleteFile();
            if (nl != null) {
                nl.close();
                nl = null;
            }
        }
        Map<String, String> last;
        synchronized (this) {
            last = o.hasHook() ? HookEnvironment.of(snapshot(), startFailed ? "error" : "stopped") : null;
        }
        if (last != null) {
            o.finishHook(last); // after the teardown, so whoever follows sees a clean device
        }
    }

    public synchronized Datapath datapath() { // the Java datapath, or null before the first prefix
        return tun == null ? null : tun.datapath();
    }

    /** What the status shows as the daemon's state. */
    public synchronized String state() {
        if (lastError != null) {
            return "error";
        }
        if (prefix == null) {
            return "waiting for PLAT";
        }
        return standby.state(cfg, discovery);
    }

    private void writeStatus() {
        synchronized (this) { // so a write in progress cannot bring the file back after stop deleted it
            if (!stopped) {
                outputs.write(this::snapshot);
            }
        }
        notifyHook(); // catches any change not announced where it happened
    }

    /** Hands the current state to the IPv6-mostly LAN and the hook, if any; never waits (see {@link UpdateHook}). */
    private synchronized void notifyHook() {
        if (!stopped) {
            outputs.tell(state(), discovery == null ? null : discovery.status(), this::snapshot);
        }
    }
}
