package net.jclat.discovery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.jclat.xlat.Pref64;
import net.jclat.log.Log;

/**
 * Keeps the NAT64 prefix current while the daemon runs: static prefixes, Router Advertisements (RFC 8781)
 * and DNS (RFC 7050) feed {@link PrefixCandidates}; expiry, PLAT probes and {@link PlatHealth} decide which
 * one is used; every change of the chosen prefix (including to none) goes to the listener. Without any
 * prefix DNS is retried with capped exponential back-off and one log line per change of state.
 *
 * <p>Threads: one for DNS and the one-second expiry tick, one for PLAT probes, the RA listener's own. All
 * state is guarded by this object's lock; the listener is called under it, so changes arrive in order. The tick
 * runs only while a known prefix can expire (one from an RA or DNS): a static prefix's status is computed once,
 * not every second (issue 15: an idle router's cores).
 */
public final class PrefixDiscovery implements AutoCloseable {
    private static final long SECOND = 1_000_000_000L;

    /**
     * @param dnsServers where to ask; read anew before each query, so a changing resolv.conf is followed
     * @param dns null when DNS is not among the sources
     * @param probe null when PLAT probing is off
     */
    public record Settings(List<Pref64> staticPrefixes, List<PrefixSource> order, String uplink,
            Supplier<List<DnsServer>> dnsServers, DnsDiscovery dns, long retryInitialMillis, long retryMaxMillis,
            PlatProbe probe, long probeIntervalMillis, int probeFall, int probeRise) {
    }

    /** One known prefix as the status shows it. */
    public record CandidateStatus(String prefix, String source, String origin, long expiresInSeconds,
            String health, boolean active) {
    }

    /** What discovery knows now, for the status file and {@code jclat status}. */
    public record Status(CandidateStatus active, List<CandidateStatus> candidates, String dns, String ra) {
    }

    private final Settings settings;
    private final Consumer<PrefixCandidates.Candidate> listener;
    private final PrefixCandidates candidates;
    private final PlatHealth health;
    private final Backoff backoff;
    private final ScheduledExecutorService dnsAndTick;
    private final ScheduledExecutorService prober;
    private volatile RaListener ra;
    /** The one-second expiry tick while a known prefix can expire, else null. */
    private ScheduledFuture<?> ticking;
    private PrefixCandidates.Candidate active;
    private String dnsState = "off";
    private String raState = "off";
    private volatile Status status = new Status(null, List.of(), "off", "off");
    private volatile boolean closed;
    /** Probing is on and every known prefix's PLAT is failing; read without the lock by the daemon. */
    private volatile boolean allPlatsFailing;

    public PrefixDiscovery(Settings settings, Consumer<PrefixCandidates.Candidate> listener) {
        this.settings = settings;
        this.listener = listener;
        this.candidates = new PrefixCandidates(settings.order());
        this.health = new PlatHealth(settings.probeFall(), settings.probeRise());
        this.backoff = new Backoff(settings.retryInitialMillis(), settings.retryMaxMillis());
        this.dnsAndTick = Executors.newSingleThreadScheduledExecutor(daemonThread("jclat-discovery"));
        this.prober = Executors.newSingleThreadScheduledExecutor(daemonThread("jclat-plat-probe"));
    }

    /** Starts the sources; does nothing once {@link #close} was called (a stop can overtake a start). */
    public void start() {
        if (closed) {
            return;
        }
        synchronized (this) {
            long now = System.nanoTime();
            List<DiscoveredPrefix> statics = new ArrayList<>();
            for (Pref64 p : settings.staticPrefixes()) {
                statics.add(new DiscoveredPrefix(p, PrefixSource.STATIC, Long.MAX_VALUE, "config"));
            }
            candidates.replace(PrefixSource.STATIC, statics, now);
            reselect(now);
        }
        if (candidates.uses(PrefixSource.RA)) {
            try {
                ra = RaListener.start(settings.uplink(), this::onRouterAdvertisement);
                if (closed) {
                    ra.close(); // closed meanwhile, perhaps before close() could see the listener
                    return;
                }
                setRaState("listening on " + settings.uplink());
            } catch (IOException e) {
                setRaState("unavailable: " + e.getMessage());
            }
        }
        try {
            if (candidates.uses(PrefixSource.DNS) && settings.dns() != null) {
                dnsAndTick.execute(this::queryDns);
            }
            if (settings.probe() != null) {
                prober.scheduleWithFixedDelay(this::probeAll, 0, settings.probeIntervalMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // close() shut the executors down meanwhile: nothing more to start.
        }
    }

    public Status status() {
        return status;
    }

    private void queryDns() {
        if (closed) {
            return;
        }
        List<DnsServer> servers = settings.dnsServers().get();
        long delayMillis;
        if (servers.isEmpty()) {
            setDnsState("no DNS server configured (no --dns, nothing in resolv.conf)");
            delayMillis = backoff.failed();
        } else {
            DnsResult r = settings.dns().discover(servers);
            synchronized (this) {
                long now = System.nanoTime();
                switch (r.outcome()) {
                    case FOUND -> {
                        candidates.replace(PrefixSource.DNS, r.prefixes(), now);
                        backoff.succeeded();
                        long ttl = r.prefixes().stream().mapToLong(DiscoveredPrefix::lifetimeSeconds).min().orElse(0);
                        // Ask again before the answer expires, so a changed prefix is seen in time.
                        delayMillis = Math.max(1000, ttl * 800);
                        // The state names prefixes and server but not the TTL, which a caching resolver
                        // counts down: the log gets a line when the answer changes, not at every query.
                        setDnsState("found " + r.prefixes().stream().map(p -> p.prefix().toString()).toList()
                                + " at " + r.prefixes().get(0).origin());
                    }
                    case NO_NAT64 -> {
                        // An authoritative "no such name / no AAAA": the network has no NAT64 now.
                        candidates.replace(PrefixSource.DNS, List.of(), now);
                        delayMillis = backoff.failed();
                        setDnsState("no NAT64 (" + r.detail() + ")");
                    }
                    default -> {
                        // Silence is not an answer: keep what was learnt until it expires.
                        delayMillis = backoff.failed();
                        setDnsState("no answer (" + r.detail() + ")");
                    }
                }
                reselect(now);
            }
        }
        try {
            if (!closed) {
                dnsAndTick.schedule(this::queryDns, delayMillis, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // closed between the check and the schedule
        }
    }

    void onRouterAdvertisement(RaEvent e) { // package-private: a test hands an RA over directly
        synchronized (this) {
            long now = System.nanoTime();
            candidates.updateFromRouter(e.router(), e.prefixes(), now);
            // On an IPv6-mostly LAN one router sends the default route and another (a CLAT, RFC 8781) the
            // PREF64: an RA without PREF64 does not undo the state while an RA-learnt prefix lives, or
            // the two would log a line each, for ever.
            boolean raPrefixLive = candidates.ordered(now).stream().anyMatch(c -> c.source() == PrefixSource.RA);
            if (e.hasPref64() || !raPrefixLive) {
                setRaState(e.hasPref64() ? "PREF64 from " + e.router() : "RA from " + e.router() + " without PREF64");
            }
            reselect(now);
        }
    }

    private synchronized void tick() {
        long now = System.nanoTime();
        candidates.expire(now);
        reselect(now);
    }

    private void probeAll() {
        List<Pref64> prefixes;
        synchronized (this) {
            prefixes = candidates.ordered(System.nanoTime()).stream().map(PrefixCandidates.Candidate::prefix).toList();
        }
        for (Pref64 p : prefixes) {
            if (closed) {
                return;
            }
            boolean ok = settings.probe().reachable(p);
            synchronized (this) {
                if (health.record(p, ok)) {
                    Log.info("PLAT behind {} is now {}", p, health.state(p).label());
                }
                reselect(System.nanoTime());
            }
        }
    }

    /** Picks the prefix to use and tells the listener when it is a different one. Caller holds the lock. */
    private void reselect(long now) {
        List<PrefixCandidates.Candidate> ordered = candidates.ordered(now);
        health.retain(ordered.stream().map(PrefixCandidates.Candidate::prefix).toList());
        PrefixCandidates.Candidate chosen = health.choose(ordered);
        boolean failingBefore = allPlatsFailing;
        allPlatsFailing = settings.probe() != null && !ordered.isEmpty()
                && ordered.stream().allMatch(c -> health.state(c.prefix()) == PlatHealth.State.FAILING);
        Pref64 before = active == null ? null : active.prefix();
        Pref64 after = chosen == null ? null : chosen.prefix();
        active = chosen;
        List<CandidateStatus> list = new ArrayList<>();
        for (PrefixCandidates.Candidate c : ordered) {
            list.add(view(c, now, c == chosen));
        }
        status = new Status(chosen == null ? null : view(chosen, now, true), List.copyOf(list), dnsState, raState);
        tickWhileSomethingExpires();
        if (!Objects.equals(before, after) && !closed) {
            if (after == null) {
                Log.warn("no NAT64 prefix any more: waiting for a PLAT (DNS: {}; RA: {})", dnsState, raState);
            } else {
                Log.info("NAT64 prefix {} from {} ({}){}", after, chosen.source().label(), chosen.origin(),
                        before == null ? "" : ", was " + before);
            }
            listener.accept(chosen);
        } else if (failingBefore != allPlatsFailing && !closed) {
            Log.info(allPlatsFailing ? "no PLAT answers its probes" : "a PLAT answers its probes again");
            listener.accept(chosen); // same prefix; the daemon may withdraw or restore its routes
        }
    }

    /** Starts or stops the tick: it counts lifetimes down in the status and drops what expired. Caller holds the lock. */
    private void tickWhileSomethingExpires() {
        boolean expiring = candidates.nextExpiry() != PrefixCandidates.NEVER;
        if (expiring && ticking == null && !closed) {
            try {
                ticking = dnsAndTick.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        } else if (!expiring && ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    /** True while probing is on and no known prefix's PLAT answers (PLAT health, {@code plat-probe}). */
    public boolean allPlatsFailing() {
        return allPlatsFailing;
    }

    private CandidateStatus view(PrefixCandidates.Candidate c, long now, boolean isActive) {
        return new CandidateStatus(c.prefix().toString(), c.source().label(), c.origin(), c.secondsLeft(now),
                settings.probe() == null ? "not probed" : health.state(c.prefix()).label(), isActive);
    }

    private synchronized void setDnsState(String s) {
        if (!s.equals(dnsState)) {
            Log.info("RFC 7050 discovery: {}", s);
            dnsState = s;
            status = new Status(status.active(), status.candidates(), dnsState, raState);
        }
    }

    private synchronized void setRaState(String s) {
        if (!s.equals(raState)) {
            Log.info("RFC 8781 PREF64: {}", s);
            raState = s;
            status = new Status(status.active(), status.candidates(), dnsState, raState);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThread(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closed = true;
        dnsAndTick.shutdownNow();
        prober.shutdownNow();
        RaListener r = ra; // volatile, like closed: start() or this closes a listener started meanwhile
        if (r != null) {
            r.close();
        }
    }
}
