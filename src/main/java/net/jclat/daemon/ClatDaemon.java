package net.jclat.daemon;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.jclat.config.Mode;
import net.jclat.config.RunConfig;
import net.jclat.datapath.Datapath;
import net.jclat.netlink.NetlinkException;
import net.jclat.netlink.Route;
import net.jclat.netlink.RtNetlink;
import net.jclat.tun.TunDevice;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.EamEntry;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.XlatConfig;
import org.tinylog.Logger;

/**
 * The life cycle of {@code jclat run}: clear what a killed predecessor left, open the TUN, configure
 * link, addresses, routes, proxy NDP and NAT44, run the workers, and on stop undo exactly what it did, in
 * reverse order. No protocol logic lives here.
 */
public final class ClatDaemon {
    private final RunConfig cfg;
    private final Deque<UndoStep> undo = new ArrayDeque<>();
    private final long startedNanos = System.nanoTime();
    private RtNetlink nl;
    private TunDevice tun;
    private Datapath datapath;
    private StatusFile status;
    private ScheduledExecutorService statusTimer;
    private XlatConfig xlat;
    private int tunMtu;
    private int ipv4Mtu;

    @FunctionalInterface
    private interface UndoStep {
        void run() throws IOException;
    }

    public ClatDaemon(RunConfig cfg) {
        this.cfg = cfg;
    }

    /** Sets everything up and starts translating; on failure undoes what was done and throws. */
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
        int uplinkIndex = RtNetlink.ifIndex(cfg.uplink());
        tunMtu = uplink.getMTU();
        // RFC 7756 §4.2: the IPv4 MTU is the IPv6 path's minus the 20 bytes translation adds.
        ipv4Mtu = cfg.ipv4Mtu() > 0 ? cfg.ipv4Mtu() : tunMtu - 20;
        warnIfNotForwarding();

        Nat44Table nat = cfg.mode() == Mode.NAT44 ? new Nat44Table(cfg.tun(), cfg.clatIpv4().address()) : null;
        if (nat != null) {
            nat.remove(); // a predecessor killed with -9 may have left it
        }
        Ipv6Prefix clatV6 = cfg.clatIpv6();
        if (cfg.mode() == Mode.NAT44 && clatV6 == null) {
            clatV6 = ClatIpv6Address.choose(cfg.uplink(), cfg.clatIpv4(), cfg.pref64(), nl);
            Logger.info("CLAT IPv6 address {} chosen from {}'s /64", fmt(clatV6), cfg.uplink());
        }
        xlat = XlatConfig.builder()
                .pref64(cfg.pref64())
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
                .build();

        tun = TunDevice.open(cfg.tun(), cfg.workers());
        int tunIndex = RtNetlink.ifIndex(cfg.tun());
        nl.linkUp(tunIndex, tunMtu);
        if (cfg.clatIpv4() != null && clatV6 != null) {
            byte[] a = v4(cfg.clatIpv4().address());
            nl.addAddress(tunIndex, a, 32);
            undo.push(() -> nl.deleteAddress(tunIndex, a, 32));
        }
        for (Route r : routes(tunIndex, clatV6)) {
            nl.addRoute(r);
            undo.push(() -> ignoreMissing(() -> nl.deleteRoute(r)));
        }
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
        status = new StatusFile(cfg.statusFile());
        statusTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jclat-status");
            t.setDaemon(true);
            return t;
        });
        statusTimer.scheduleAtFixedRate(this::writeStatus, 0, 1, TimeUnit.SECONDS);
        Logger.info("translating on {} ({} mode, {} workers): NAT64 prefix {}, CLAT {} <-> {}, MTU {} (IPv4 {})",
                cfg.tun(), cfg.mode().name().toLowerCase(), cfg.workers(), cfg.pref64(),
                cfg.clatIpv4() == null ? "-" : Addresses.formatIpv4(cfg.clatIpv4().address()),
                clatV6 == null ? "-" : fmt(clatV6), tunMtu, ipv4Mtu);
    }

    private List<Route> routes(int tunIndex, Ipv6Prefix clatV6) {
        List<Route> r = new ArrayList<>();
        int advmss = ipv4Mtu - 40;
        List<Ipv4Prefix> v4 = new ArrayList<>(cfg.routes4());
        if (cfg.mode() == Mode.SIIT) {
            cfg.eams().stream().map(EamEntry::ipv4).forEach(v4::add);
        }
        for (Ipv4Prefix p : v4) {
            r.add(new Route(v4(p.address()), p.length(), tunIndex, cfg.routeMetric(), ipv4Mtu, advmss));
        }
        if (clatV6 != null) {
            r.add(new Route(v6(clatV6), 128, tunIndex, cfg.routeMetric(), 0, 0));
        }
        cfg.maps().forEach(m -> r.add(new Route(v6(m.ipv6().prefix()), m.ipv6().length(), tunIndex,
                cfg.routeMetric(), 0, 0)));
        if (cfg.mode() == Mode.SIIT) {
            r.add(new Route(v6(cfg.pref64().prefix()), cfg.pref64().length(), tunIndex, cfg.routeMetric(), 0, 0));
        }
        return r;
    }

    private void writeStatus() {
        try {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("state", "running");
            f.put("mode", cfg.mode().name().toLowerCase());
            f.put("tun", cfg.tun());
            f.put("uplink", cfg.uplink());
            f.put("pref64", cfg.pref64().toString());
            f.put("pref64_source", "static");
            f.put("clat_ipv4", xlat.clatIpv4() == null ? "" : Addresses.formatIpv4(xlat.clatIpv4().address()));
            f.put("clat_ipv6", xlat.clatIpv6() == null ? "" : fmt(xlat.clatIpv6()));
            f.put("tun_mtu", tunMtu);
            f.put("ipv4_mtu", ipv4Mtu);
            f.put("workers", cfg.workers());
            f.put("uptime_seconds", (System.nanoTime() - startedNanos) / 1_000_000_000L);
            status.write(f, datapath.counters());
        } catch (IOException | RuntimeException e) {
            Logger.warn("cannot write status file {}: {}", cfg.statusFile(), e.getMessage());
        }
    }

    /** Undoes everything in reverse order; safe to call twice and after a failed start. */
    public synchronized void stop() {
        if (statusTimer != null) {
            statusTimer.shutdownNow();
            statusTimer = null;
        }
        if (datapath != null) {
            try {
                datapath.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            datapath = null;
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

    public Datapath datapath() {
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
