package net.jclat.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jclat.discovery.DiscoveredPrefix;
import net.jclat.discovery.DnsDiscovery;
import net.jclat.discovery.DnsResult;
import net.jclat.discovery.DnsServer;
import net.jclat.discovery.RaEvent;
import net.jclat.discovery.RaListener;
import net.jclat.discovery.ResolvConf;

/**
 * {@code jclat discover}: asks DNS for {@code ipv4only.arpa} (RFC 7050) and, with {@code --uplink}, listens
 * for Router Advertisements carrying PREF64 (RFC 8781); prints every prefix found. Exit 0: found; 3: the
 * network says it has no NAT64; 2: an error, or no answer at all (the message says which).
 */
final class DiscoverCommand {
    static final String USAGE = """
            usage: jclat discover [--dns SERVER[:PORT]]... [--uplink IF] [--ra-wait SECONDS]
                                  [--timeout SECONDS] [--json]
              --dns       ask this server (repeatable); default: OpenWrt's resolv.conf.auto, else /etc/resolv.conf
              --uplink    also listen for Router Advertisements on IF (needs root)
              --ra-wait   how long to listen for RAs, default 3 with --uplink
              --timeout   DNS time-out per try in seconds, default 2
              --json      print {"prefixes":[{"prefix":...,"source":...,"ttl":...}]} and nothing else
            exit status: 0 prefix found, 3 no NAT64 on this network, 2 error or no answer""";

    private DiscoverCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UsageException {
        List<DnsServer> servers = new ArrayList<>();
        String uplink = null;
        double raWait = -1;
        double timeout = 2;
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                json = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new UsageException(a + (a.startsWith("--") ? " needs a value" : ": unexpected argument")
                        + "\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--dns" -> {
                    try {
                        servers.add(DnsServer.parse(v));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--dns: " + e.getMessage());
                    }
                }
                case "--uplink" -> uplink = v;
                case "--ra-wait" -> raWait = seconds(a, v, 0, 600);
                case "--timeout" -> timeout = seconds(a, v, 0.1, 60);
                default -> throw new UsageException("unknown option '" + a + "'\n" + USAGE);
            }
        }
        if (raWait >= 0 && uplink == null) {
            throw new UsageException("--ra-wait needs --uplink");
        }
        if (raWait < 0) {
            raWait = uplink == null ? 0 : 3;
        }

        List<RaEvent> ras = new CopyOnWriteArrayList<>();
        RaListener listener = null;
        String raProblem = null;
        if (uplink != null) {
            try {
                listener = RaListener.start(uplink, ras::add);
            } catch (IOException e) {
                raProblem = "Router Advertisements: " + e.getMessage();
            }
        }
        long raDeadline = System.nanoTime() + (long) (raWait * 1e9);
        if (servers.isEmpty()) {
            servers = ResolvConf.defaultServers();
        }
        DnsResult dns = servers.isEmpty() ? null
                : new DnsDiscovery(Duration.ofMillis((long) (timeout * 1000)), 1).discover(servers);
        if (listener != null) {
            long left = raDeadline - System.nanoTime();
            if (left > 0) {
                try {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            listener.close();
        }

        List<DiscoveredPrefix> found = new ArrayList<>();
        for (RaEvent e : ras) {
            for (DiscoveredPrefix p : e.usable()) {
                if (found.stream().noneMatch(f -> f.prefix().equals(p.prefix()) && f.source() == p.source())) {
                    found.add(p);
                }
            }
        }
        if (dns != null && dns.outcome() == DnsResult.Outcome.FOUND) {
            found.addAll(dns.prefixes());
        }
        if (json) {
            printJson(out, found);
        } else {
            for (DiscoveredPrefix p : found) {
                out.printf("%s  source %s  length %d  lifetime %d s  from %s%n", p.prefix(), p.source().label(),
                        p.prefix().length(), p.lifetimeSeconds(), p.origin());
            }
        }
        String dnsWhat = dns == null ? "DNS: no server to ask (no --dns, no nameserver in "
                + ResolvConf.OPENWRT_AUTO + " or " + ResolvConf.SYSTEM + ")"
                : "DNS: " + dns.outcome().name().toLowerCase().replace('_', ' ') + " (" + dns.detail() + ")";
        if (!found.isEmpty()) {
            if (raProblem != null) {
                err.println("jclat: warning: " + raProblem);
            }
            return ExitCode.OK;
        }
        if (raProblem != null) {
            err.println("jclat: " + raProblem);
        }
        if (dns != null && dns.outcome() == DnsResult.Outcome.NO_NAT64) {
            err.println("jclat: no NAT64 on this network: " + dnsWhat
                    + (uplink == null ? "" : "; no PREF64 in Router Advertisements on " + uplink));
            return ExitCode.NO_NAT64;
        }
        err.println("jclat: no NAT64 prefix found: " + dnsWhat
                + (uplink == null ? "" : "; no PREF64 in Router Advertisements on " + uplink));
        return ExitCode.USAGE;
    }

    private static void printJson(PrintStream out, List<DiscoveredPrefix> found) {
        StringBuilder j = new StringBuilder("{\"prefixes\":[");
        for (int i = 0; i < found.size(); i++) {
            DiscoveredPrefix p = found.get(i);
            if (i > 0) {
                j.append(',');
            }
            j.append("{\"prefix\":\"").append(p.prefix()).append("\",\"source\":\"").append(p.source().label())
                    .append("\",\"ttl\":").append(p.lifetimeSeconds()).append('}');
        }
        out.println(j.append("]}"));
    }

    private static double seconds(String flag, String v, double min, double max) throws UsageException {
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a number of seconds from " + min + " to " + max + ", got '" + v
                + "'");
    }
}
