package net.jclat.lan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.jclat.xlat.Pref64;
import net.jclat.log.Log;

/**
 * The IPv6-mostly LAN at run time (docs/ipv6-mostly.md): on each configured interface, RFC 8781 PREF64 Router
 * Advertisements from jclat's own link-local address (unless {@code ipv6-mostly-ra off}), and RFC 8925 option
 * 108 in a dnsmasq options file (if one is configured), both following what the daemon wants announced.
 * {@link #want} never blocks: one thread of its own sends, writes and signals, four times a second at most.
 */
public final class Ipv6MostlyLan implements AutoCloseable {
    private static final long TICK_MS = 250;
    private static final long RETRY_MS = 10_000;
    private static final int FINAL_ADVERTISEMENTS = 3; // RFC 4861 §6.2.5 MAX_FINAL_RTR_ADVERTISEMENTS

    /** One LAN interface: its schedule, and its socket once it could be opened. */
    private static final class Lan {
        final String ifname;
        final byte[] source;
        final AnnouncementSchedule schedule;
        RaSocket socket;
        byte[] mac;
        long retryAt;
        String problem;

        Lan(String ifname, byte[] source, AnnouncementSchedule schedule) {
            this.ifname = ifname;
            this.source = source;
            this.schedule = schedule;
        }
    }

    /** What {@code jclat run} was configured with (config.Ipv6MostlyConfig); {@code dhcpOptionsFile} may be null. */
    public record Settings(List<String> interfaces, boolean sendRa, int v6onlyWait, Path dhcpOptionsFile,
            Path dhcpServerPidFile) {
        public Settings {
            interfaces = List.copyOf(interfaces);
        }
    }

    private final Settings cfg;
    private final List<Lan> lans = new ArrayList<>();
    private final ScheduledExecutorService thread;
    private Pref64 prefix;
    private long lifetime;
    private long raSent;
    /** What the options file says now: null before the first write, or after a failed one. */
    private Boolean option108Written;
    private long dhcpRetryAt;
    private String dhcpProblem;
    private boolean closed;

    private Ipv6MostlyLan(Settings cfg, String instance) {
        this.cfg = cfg;
        SplittableRandom seeds = new SplittableRandom();
        if (cfg.sendRa()) {
            for (String ifname : cfg.interfaces()) {
                lans.add(new Lan(ifname, AnnouncerAddress.linkLocal(instance, ifname),
                        new AnnouncementSchedule(seeds.split())));
            }
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jclat-ipv6-mostly");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts with nothing announced (the options file says so at once); {@code instance} names this jclat. */
    public static Ipv6MostlyLan start(Settings cfg, String instance) {
        Ipv6MostlyLan lan = new Ipv6MostlyLan(cfg, instance);
        Log.info("IPv6-mostly LAN on {}: PREF64 RAs {}, option 108 {}", String.join(" ", cfg.interfaces()),
                cfg.sendRa() ? "sent by jclat" : "left to the LAN's RA daemon (hook)",
                cfg.dhcpOptionsFile() == null ? "left to the hook" : "in " + cfg.dhcpOptionsFile());
        lan.thread.scheduleWithFixedDelay(lan::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        return lan;
    }

    /**
     * What LAN hosts should be told from now on: {@code pref64} usable for {@code lifetimeSeconds} (capped at
     * 65528, RFC 8781 §4.1), or nothing ({@code null}: withdraw PREF64 and option 108).
     */
    public synchronized void want(Pref64 pref64, long lifetimeSeconds) {
        if (closed) {
            return;
        }
        Pref64 next = lifetimeSeconds > 0 ? pref64 : null;
        long life = next == null ? 0 : Math.min(lifetimeSeconds, Pref64Advertisement.MAX_LIFETIME);
        if (!java.util.Objects.equals(next, prefix)) {
            Log.info(next == null ? "IPv6-mostly: PREF64 {}withdrawn, option 108 off"
                    : "IPv6-mostly: announcing PREF64 {} (lifetime {} s), option 108 on", next == null
                            ? (prefix == null ? "" : prefix + " ") : next, life);
        }
        prefix = next;
        lifetime = life;
        long now = millis();
        for (Lan l : lans) {
            l.schedule.want(prefix, lifetime, now);
        }
    }

    private static long millis() {
        return System.nanoTime() / 1_000_000;
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        long now = millis();
        for (Lan l : lans) {
            try {
                if (l.socket == null && now >= l.retryAt) {
                    l.mac = AnnouncerAddress.mac(l.ifname);
                    l.socket = RaSocket.open(l.ifname);
                    if (l.problem != null) {
                        Log.info("IPv6-mostly: sending RAs on {} again", l.ifname);
                    }
                    l.problem = null;
                }
                if (l.socket == null) {
                    continue;
                }
                if (l.socket.solicited()) {
                    l.schedule.solicited(now);
                }
                List<Pref64Advertisement.Announced> ra = l.schedule.due(now);
                if (!ra.isEmpty()) {
                    l.socket.send(Pref64Advertisement.packet(l.source, l.mac, ra));
                    raSent++;
                }
            } catch (IOException | RuntimeException e) {
                problem(l, e, now);
            }
        }
        if (cfg.dhcpOptionsFile() != null) {
            boolean on = prefix != null;
            if (option108Written == null || option108Written != on) {
                if (now >= dhcpRetryAt) {
                    writeOptions(on, now);
                }
            }
        }
    }

    private void problem(Lan l, Exception e, long now) {
        String text = e.getMessage();
        if (!text.equals(l.problem)) {
            Log.warn("IPv6-mostly: no RAs on {} (retrying every {} s): {}", l.ifname, RETRY_MS / 1000, text);
        }
        l.problem = text;
        if (l.socket != null) {
            l.socket.close();
            l.socket = null;
        }
        l.retryAt = now + RETRY_MS;
    }

    private void writeOptions(boolean on, long now) {
        Path file = cfg.dhcpOptionsFile();
        try {
            DnsmasqOptionsFile.write(file, DnsmasqOptionsFile.text(cfg.interfaces(), cfg.v6onlyWait(), on));
            option108Written = on;
            if (cfg.dhcpServerPidFile() != null) {
                DnsmasqOptionsFile.signal(cfg.dhcpServerPidFile());
            }
            dhcpRetryAt = 0;
            if (dhcpProblem != null) {
                Log.info("IPv6-mostly: option 108 {} applied again", on ? "on" : "off");
            }
            dhcpProblem = null;
        } catch (IOException | RuntimeException e) {
            if (!String.valueOf(e.getMessage()).equals(dhcpProblem)) { // one line per problem, not one per retry
                Log.warn("IPv6-mostly: option 108 {} not applied (retrying every {} s): {}", on ? "on" : "off",
                        RETRY_MS / 1000, e.getMessage());
            }
            dhcpProblem = String.valueOf(e.getMessage());
            option108Written = null;
            dhcpRetryAt = now + RETRY_MS;
        }
    }

    /** The status object {@code ipv6_mostly} (names shared with the lab and OpenWrt, see COMMON contract). */
    public synchronized Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("interfaces", cfg.interfaces());
        f.put("announcing", prefix != null);
        f.put("pref64", prefix == null ? "" : prefix.toString());
        f.put("lifetime", lifetime);
        f.put("ra_sent", raSent);
        f.put("dhcp_option_108", cfg.dhcpOptionsFile() == null ? "none"
                : Boolean.TRUE.equals(option108Written) ? "on" : "off");
        return f;
    }

    /**
     * Withdraws what was announced: {@value #FINAL_ADVERTISEMENTS} final RAs with lifetime 0 per interface
     * (RFC 4861 §6.2.5 allows up to MAX_FINAL_RTR_ADVERTISEMENTS; they go 50 ms apart so a stop stays quick)
     * and option 108 off, then closes the sockets.
     */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < FINAL_ADVERTISEMENTS; i++) {
                for (Lan l : lans) {
                    List<Pref64Advertisement.Announced> last = l.schedule.finalAdvertisement();
                    if (l.socket != null && !last.isEmpty()) {
                        try {
                            l.socket.send(Pref64Advertisement.packet(l.source, l.mac, last));
                            raSent++;
                        } catch (IOException e) {
                            Log.warn("IPv6-mostly: final RA on {}: {}", l.ifname, e.getMessage());
                        }
                    }
                }
                if (i + 1 < FINAL_ADVERTISEMENTS && lans.stream().anyMatch(l -> l.socket != null)) {
                    sleep(50);
                }
            }
            for (Lan l : lans) {
                if (l.socket != null) {
                    l.socket.close();
                    l.socket = null;
                }
            }
            if (cfg.dhcpOptionsFile() != null && !Boolean.FALSE.equals(option108Written)) {
                writeOptions(false, millis());
            }
            prefix = null;
            lifetime = 0;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
