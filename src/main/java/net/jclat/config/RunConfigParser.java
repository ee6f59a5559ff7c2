package net.jclat.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jclat.discovery.DnsServer;
import net.jclat.discovery.PlatProbe;
import net.jclat.discovery.PrefixSource;
import net.jclat.tun.TunIo;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.EamEntry;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.xlat.UdpZeroChecksum;

/**
 * Reads {@code jclat run} settings from flags ({@code --key value}) and from a config file given with
 * {@code --config} (one {@code key value} per line, {@code #} comments, the same keys without dashes).
 * The file is read where {@code --config} appears: flags after it override it, flags before it are overridden by it
 * (the OpenWrt scripts and the Debian unit give it first). Every error names its file and line, or its flag.
 */
public final class RunConfigParser {
    private String uplink;
    private String tun = "clat";
    private int workers = Runtime.getRuntime().availableProcessors();
    private final List<Pref64> pref64s = new ArrayList<>();
    private List<PrefixSource> pref64Sources = List.of(PrefixSource.STATIC, PrefixSource.RA, PrefixSource.DNS);
    private final List<DnsServer> dnsServers = new ArrayList<>();
    private int dnsTimeoutMillis = 2000;
    private int dnsRetries = 2;
    private int retryInitialSeconds = 2;
    private int retryMaxSeconds = 300;
    private final List<PlatProbe.Target> probes = new ArrayList<>();
    private int probeIntervalSeconds = 10;
    private int probeTimeoutMillis = 2000;
    private int probeFall = 3;
    private int probeRise = 2;
    private boolean withdrawWhenPlatDown;
    private boolean nativeIpv4Standby = true;
    private int icmpErrorsPerSecond = 100;
    private Path controlSocket;
    private InetSocketAddress metricsListen;
    private Mode mode = Mode.NAT44;
    private Ipv4Prefix clatIpv4;
    private Ipv6Prefix clatIpv6;
    private final List<DedicatedPrefix> maps = new ArrayList<>();
    private final List<EamEntry> eams = new ArrayList<>();
    private Ipv4Prefix translatorIpv4;
    private Ipv6Prefix translatorIpv6;
    private int ipv4Mtu;
    private int lowestIpv6Mtu = 1280;
    private int routeMetric = 2048;
    private UdpZeroChecksum udpZeroChecksum = UdpZeroChecksum.COMPUTE;
    private final List<Ipv4Prefix> routes4 = new ArrayList<>();
    private Path statusFile;
    private boolean hairpinning = true;
    private String syslog;
    private TunIo tunIo = TunIo.AUTO;
    private String name;
    private Path hook;
    private boolean netifdManaged;
    private Offload offload = Offload.AUTO;
    private Steering cpuSteering = Steering.AUTO;
    private boolean allowWkpNonGlobal;
    private boolean ignoreTos;
    private boolean icmpErrors = true;
    private FastPathMode fastPath = FastPathMode.AUTO;
    private final List<String> ipv6Mostly = new ArrayList<>();
    private boolean ipv6MostlyRa = true;
    private int v6onlyWait = Ipv6MostlyConfig.DEFAULT_V6ONLY_WAIT;
    private Path dhcpOptionsFile;
    private Path dhcpServerPidFile;

    /** Parses flags starting at {@code args[start]}; {@code --config FILE} is read where it appears. */
    public RunConfig parse(String[] args, int start) throws ConfigException {
        for (int i = start; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + flag + "'");
            }
            String key = flag.substring(2);
            if (i + 1 >= args.length) {
                throw new ConfigException(flag + " needs a value");
            }
            String value = args[++i];
            if (key.equals("config")) {
                readFile(Path.of(value));
                continue;
            }
            try {
                set(key, value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(flag + ": " + e.getMessage());
            }
        }
        return build();
    }

    private void readFile(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String where = file + ":" + (n + 1) + ": ";
            if (kv.length < 2) {
                throw new ConfigException(where + "'" + kv[0] + "' needs a value");
            }
            if (kv[0].equals("config")) {
                throw new ConfigException(where + "a config file cannot include another");
            }
            try {
                set(kv[0], kv[1].strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + e.getMessage());
            }
        }
    }

    private void set(String key, String v) {
        switch (key) {
            case "uplink" -> uplink = v;
            case "tun" -> tun = v;
            case "workers" -> workers = range(key, v, 1, 64);
            case "pref64" -> pref64s.add(Pref64.parse(v));
            case "pref64-source" -> pref64Sources = sources(v);
            case "dns" -> dnsServers.add(DnsServer.parse(v));
            case "dns-timeout-ms" -> dnsTimeoutMillis = range(key, v, 100, 60_000);
            case "dns-retries" -> dnsRetries = range(key, v, 0, 10);
            case "retry-initial-s" -> retryInitialSeconds = range(key, v, 1, 3600);
            case "retry-max-s" -> retryMaxSeconds = range(key, v, 1, 86_400);
            case "plat-probe" -> probes.add(PlatProbe.Target.parse(v));
            case "plat-probe-interval-s" -> probeIntervalSeconds = range(key, v, 1, 3600);
            case "plat-probe-timeout-ms" -> probeTimeoutMillis = range(key, v, 100, 60_000);
            case "plat-probe-fall" -> probeFall = range(key, v, 1, 100);
            case "plat-probe-rise" -> probeRise = range(key, v, 1, 100);
            case "plat-down-routes" -> withdrawWhenPlatDown = platDownRoutes(key, v);
            case "native-ipv4-standby" -> nativeIpv4Standby = onOff(key, v);
            case "icmp-errors-per-second" -> icmpErrorsPerSecond = range(key, v, 0, 1_000_000);
            case "mode" -> mode = Mode.parse(v);
            case "clat-v4" -> clatIpv4 = single4(v);
            case "clat-v6" -> clatIpv6 = v.equals("auto") ? null : single6(v);
            case "map" -> maps.add(DedicatedPrefix.parse(v));
            case "eam" -> eams.add(EamEntry.parse(v));
            case "translator-v4" -> translatorIpv4 = Ipv4Prefix.parse(v);
            case "translator-v6" -> translatorIpv6 = single6(v);
            case "ipv4-mtu" -> ipv4Mtu = range(key, v, 576, 65515);
            case "lowest-ipv6-mtu" -> lowestIpv6Mtu = range(key, v, 1280, 65535);
            case "route-metric" -> routeMetric = range(key, v, 0, Integer.MAX_VALUE);
            case "udp-zero-checksum" -> udpZeroChecksum = UdpZeroChecksum.parse(v);
            case "route-v4" -> routes4.add(Ipv4Prefix.parse(v));
            case "status-file" -> statusFile = Path.of(v);
            case "control-socket" -> controlSocket = Path.of(v);
            case "metrics-listen" -> metricsListen = loopbackListen(key, v);
            case "hairpinning" -> hairpinning = onOff(key, v);
            case "allow-wkp-non-global" -> allowWkpNonGlobal = onOff(key, v);
            case "ignore-tos" -> ignoreTos = onOff(key, v);
            case "icmp-errors" -> icmpErrors = onOff(key, v);
            case "syslog" -> syslog = hostPort(key, v);
            case "tun-io" -> tunIo = TunIo.parse(v);
            case "name" -> name = name(v);
            case "hook" -> hook = executable(key, v);
            case "netifd-managed" -> netifdManaged = onOff(key, v);
            case "offload" -> offload = Offload.parse(v);
            case "cpu-steering" -> cpuSteering = Steering.parse(v);
            case "fast-path" -> fastPath = FastPathMode.parse(v);
            case "ipv6-mostly" -> Ipv6MostlyConfig.addInterfaces(ipv6Mostly, key, v);
            case "ipv6-mostly-ra" -> ipv6MostlyRa = onOff(key, v);
            case "v6only-wait" -> v6onlyWait = Ipv6MostlyConfig.v6onlyWait(key, range(key, v, 0, Integer.MAX_VALUE));
            case "dhcp-options-file" -> dhcpOptionsFile = Path.of(v);
            case "dhcp-server-pid-file" -> dhcpServerPidFile = Path.of(v);
            default -> throw new IllegalArgumentException("unknown setting '" + key + "'");
        }
    }

    private static Path executable(String key, String v) {
        Path p = Path.of(v);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new IllegalArgumentException(key + " must be an executable file, got '" + v + "'");
        }
        return p;
    }

    /** A name becomes a file name (status file, socket): letters, digits, '.', '_' and '-' only. */
    private static String name(String v) {
        if (!v.matches("[A-Za-z0-9_.-]{1,64}") || v.startsWith(".")) {
            throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '_', '-' or '.' (not first),"
                    + " got '" + v + "'");
        }
        return v;
    }

    /**
     * Where {@code jclat run --name NAME} (or, without a name, {@code --tun NAME}) listens, and where
     * {@code jclat status --name NAME} looks.
     */
    public static Path defaultControlSocket(String name) {
        return Path.of("/var/run/jclat/" + name + ".sock");
    }

    /** {@code static,ra,dns} in priority order; each at most once. */
    private static List<PrefixSource> sources(String v) {
        List<PrefixSource> out = new ArrayList<>();
        for (String part : v.split(",")) {
            PrefixSource s = switch (part.strip()) {
                case "static" -> PrefixSource.STATIC;
                case "ra" -> PrefixSource.RA;
                case "dns" -> PrefixSource.DNS;
                default -> throw new IllegalArgumentException("pref64-source takes a comma-separated list of static, ra"
                        + " and dns, got '" + part.strip() + "'");
            };
            if (out.contains(s)) {
                throw new IllegalArgumentException("pref64-source lists " + part.strip() + " twice");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static int range(String key, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max + ", got '"
                + v + "'");
    }

    private static String hostPort(String key, String v) {
        int colon = v.lastIndexOf(':');
        String port = colon < 0 ? "514" : v.substring(colon + 1);
        range(key + " port", port, 1, 65535);
        return (colon < 0 ? v : v.substring(0, colon)) + ":" + port;
    }

    /**
     * {@code 127.0.0.1:PORT} or {@code [::1]:PORT}: an IP literal (no name lookup) that is loopback, since
     * the metrics endpoint has no authentication and must not be reachable from the LAN or the uplink.
     */
    private static InetSocketAddress loopbackListen(String key, String v) {
        String usage = key + " takes a loopback address and port, 127.0.0.1:PORT or [::1]:PORT, got '" + v + "'";
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(usage);
        }
        String host = v.substring(0, colon);
        boolean v6 = host.startsWith("[") && host.endsWith("]");
        if (v6) {
            host = host.substring(1, host.length() - 1);
        }
        boolean literal = v6 ? host.matches("[0-9A-Fa-f:.]+") && host.contains(":")
                : host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        if (!literal) {
            throw new IllegalArgumentException(usage);
        }
        int port = range(key + " port", v.substring(colon + 1), 1, 65535);
        InetAddress a;
        try {
            a = InetAddress.getByName(host); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(usage);
        }
        if (!a.isLoopbackAddress()) {
            throw new IllegalArgumentException(key + " must be a loopback address (127.0.0.0/8 or ::1), got '" + v
                    + "': the metrics have no authentication; scrape them through a local agent or an SSH tunnel");
        }
        return new InetSocketAddress(a, port);
    }

    /** {@code withdraw} is true, {@code keep} false. */
    private static boolean platDownRoutes(String key, String v) {
        return switch (v) {
            case "withdraw" -> true;
            case "keep" -> false;
            default -> throw new IllegalArgumentException(key + " must be 'keep' or 'withdraw', got '" + v + "'");
        };
    }

    private static boolean onOff(String key, String v) {
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be 'on' or 'off', got '" + v + "'");
        };
    }

    private static Ipv4Prefix single4(String v) {
        Ipv4Prefix p = Ipv4Prefix.parse(v);
        if (p.length() != 32) {
            throw new IllegalArgumentException("expected a single IPv4 address, got " + v);
        }
        return p;
    }

    private static Ipv6Prefix single6(String v) {
        Ipv6Prefix p = Ipv6Prefix.parse(v);
        if (p.length() != 128) {
            throw new IllegalArgumentException("expected a single IPv6 address, got " + v);
        }
        return p;
    }

    private RunConfig build() throws ConfigException {
        if (uplink == null) {
            throw new ConfigException("uplink is required (--uplink IF): the interface toward the IPv6 provider");
        }
        if (!pref64s.isEmpty() && !pref64Sources.contains(PrefixSource.STATIC)) {
            throw new ConfigException("pref64 is set but pref64-source leaves out static");
        }
        if (retryMaxSeconds < retryInitialSeconds) {
            throw new ConfigException("retry-max-s (" + retryMaxSeconds + ") is less than retry-initial-s ("
                    + retryInitialSeconds + ")");
        }
        switch (mode) {
            case NAT44 -> {
                if (clatIpv4 == null) {
                    clatIpv4 = Ipv4Prefix.parse("192.0.0.1"); // RFC 7335: IPv4 service continuity prefix
                }
                if (!maps.isEmpty()) {
                    throw new ConfigException("map is for mode prefix, not nat44");
                }
            }
            case PREFIX -> {
                if (maps.isEmpty()) {
                    throw new ConfigException("mode prefix needs at least one map V4PFX=V6PFX");
                }
            }
            case SIIT -> {
                if ((clatIpv4 == null) != (clatIpv6 == null)) {
                    throw new ConfigException("in mode siit clat-v4 and clat-v6 go together");
                }
            }
        }
        if (withdrawWhenPlatDown && probes.isEmpty()) {
            // Without probes no PLAT is ever known to be down: the setting would silently do nothing.
            throw new ConfigException("plat-down-routes withdraw needs at least one plat-probe");
        }
        Ipv6MostlyConfig mostly = ipv6Mostly();
        List<Ipv4Prefix> r4 = routes4.isEmpty() ? List.of(Ipv4Prefix.parse("0.0.0.0/0")) : List.copyOf(routes4);
        String label = name != null ? name : tun;
        Path status = statusFile != null ? statusFile : Path.of("/var/run/jclat/" + label + ".json");
        DiscoveryConfig discovery = new DiscoveryConfig(List.copyOf(pref64s), pref64Sources, List.copyOf(dnsServers),
                dnsTimeoutMillis, dnsRetries, retryInitialSeconds, retryMaxSeconds, List.copyOf(probes),
                probeIntervalSeconds, probeTimeoutMillis, probeFall, probeRise, withdrawWhenPlatDown);
        return new RunConfig(uplink, tun, workers, discovery, mode, clatIpv4, clatIpv6, List.copyOf(maps),
                List.copyOf(eams), translatorIpv4, translatorIpv6, ipv4Mtu, lowestIpv6Mtu, routeMetric,
                udpZeroChecksum, r4, status, hairpinning, syslog, nativeIpv4Standby, icmpErrorsPerSecond,
                controlSocket != null ? controlSocket : defaultControlSocket(label), metricsListen, tunIo, label, hook,
                netifdManaged, offload, cpuSteering, allowWkpNonGlobal, ignoreTos, icmpErrors,
                fastPath, mostly);
    }

    private Ipv6MostlyConfig ipv6Mostly() throws ConfigException {
        for (String lan : ipv6Mostly) {
            if (lan.equals(uplink) || lan.equals(tun)) {
                throw new ConfigException("ipv6-mostly lists " + lan + ", which is the " + (lan.equals(uplink)
                        ? "uplink" : "TUN") + ": it takes the LAN interfaces whose hosts should use their own CLAT");
            }
        }
        if (dhcpServerPidFile != null && dhcpOptionsFile == null) {
            throw new ConfigException("dhcp-server-pid-file is set but dhcp-options-file is not: jclat signals the"
                    + " DHCP server only after writing its options file");
        }
        return new Ipv6MostlyConfig(ipv6Mostly, ipv6MostlyRa, v6onlyWait, dhcpOptionsFile, dhcpServerPidFile);
    }
}
