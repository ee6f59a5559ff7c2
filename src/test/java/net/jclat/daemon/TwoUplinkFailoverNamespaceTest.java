package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.Tayga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two uplinks, two providers, two jclat instances side by side (issue 16, "fibre + LTE"): each with its own
 * TUN, status file, socket and nft table, its routes at its own metric, and its own PLAT (real TAYGAs) found
 * and probed out of its own uplink. When the fibre PLAT dies the LAN's IPv4 moves to LTE within 5 s, with
 * neither instance restarted, and moves back when the PLAT returns.
 *
 * <pre>
 *  lan (192.168.1.2) ── cpe ─ wan0 ── isp1 (2001:db8:100::1, TAYGA 2001:db8:64::/96, pool 192.0.2.0/24) ─┐
 *                           └ wan1 ── isp2 (2001:db8:101::1, TAYGA 2001:db8:65::/96, pool 198.18.1.0/24) ─┴ srv 198.51.100.10
 * </pre>
 * The CPE's IPv6 default route points at the fibre uplink, so the LTE instance works only if its probes and
 * its translated packets leave through its own uplink.
 */
class TwoUplinkFailoverNamespaceTest {
    private Netns net;
    private String lan;
    private String cpe;
    private String isp1;
    private Path dir;
    private Tayga fibrePlat;
    private final List<Process> daemons = new ArrayList<>();

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/tayga")), "needs Debian's tayga");
        net = new Netns();
        lan = net.add("l");
        cpe = net.add("c");
        isp1 = net.add("1");
        String isp2 = net.add("2");
        String srv = net.add("s");
        String s = net.suffix;
        CpeLab.link("ua" + s, lan, "eth0", "ub" + s, cpe, "lan0");
        CpeLab.link("uc" + s, cpe, "wan0", "ud" + s, isp1, "down0");
        CpeLab.link("ue" + s, cpe, "wan1", "uf" + s, isp2, "down0");
        CpeLab.link("ug" + s, isp1, "up0", "uh" + s, srv, "eth1");
        CpeLab.link("ui" + s, isp2, "up0", "uj" + s, srv, "eth2");
        CpeLab.ip(lan, "addr", "add", "192.168.1.2/24", "dev", "eth0");
        CpeLab.ip(lan, "route", "add", "default", "via", "192.168.1.1");
        CpeLab.ip(cpe, "addr", "add", "192.168.1.1/24", "dev", "lan0");
        CpeLab.ip(cpe, "-6", "addr", "add", "2001:db8:100::2/64", "dev", "wan0", "nodad");
        CpeLab.ip(cpe, "-6", "addr", "add", "2001:db8:101::2/64", "dev", "wan1", "nodad");
        CpeLab.ip(cpe, "-6", "route", "add", "default", "via", "2001:db8:100::1", "dev", "wan0", "metric", "100");
        CpeLab.ip(cpe, "-6", "route", "add", "default", "via", "2001:db8:101::1", "dev", "wan1", "metric", "200");
        CpeLab.ip(isp1, "-6", "addr", "add", "2001:db8:100::1/64", "dev", "down0", "nodad");
        CpeLab.ip(isp2, "-6", "addr", "add", "2001:db8:101::1/64", "dev", "down0", "nodad");
        CpeLab.ip(isp1, "addr", "add", "203.0.113.1/30", "dev", "up0");
        CpeLab.ip(isp2, "addr", "add", "203.0.113.5/30", "dev", "up0");
        CpeLab.ip(isp1, "route", "add", "default", "via", "203.0.113.2");
        CpeLab.ip(isp2, "route", "add", "default", "via", "203.0.113.6");
        CpeLab.ip(srv, "addr", "add", "203.0.113.2/30", "dev", "eth1");
        CpeLab.ip(srv, "addr", "add", "203.0.113.6/30", "dev", "eth2");
        CpeLab.ip(srv, "addr", "add", "198.51.100.10/32", "dev", "lo");
        CpeLab.ip(srv, "route", "add", "192.0.2.0/24", "via", "203.0.113.1");
        CpeLab.ip(srv, "route", "add", "198.18.1.0/24", "via", "203.0.113.5");
        for (String ns : List.of(cpe, isp1, isp2)) {
            Netns.in(ns, 5, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        }
        dir = Files.createTempDirectory("jclat-two-uplinks");
        fibrePlat = Tayga.start(isp1, dir.resolve("fibre"), "nat64", "2001:db8:64::/96", "192.0.2");
        Tayga.start(isp2, dir.resolve("lte"), "nat64", "2001:db8:65::/96", "198.18.1");
    }

    private Process start(String name, String uplink, String tun, int metric, String prefix) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cpe));
        cmd.addAll(CpeLab.jclat("run", "--name", name, "--uplink", uplink, "--tun", tun, "--route-metric",
                Integer.toString(metric), "--pref64", prefix, "--pref64-source", "static", "--clat-v4", "192.0.0.1",
                "--workers", "1", "--plat-probe", "198.51.100.10:80", "--plat-probe-interval-s", "1",
                "--plat-probe-timeout-ms", "500", "--plat-probe-fall", "2", "--plat-probe-rise", "2",
                "--plat-down-routes", "withdraw", "--status-file", dir.resolve(name + ".json").toString(),
                "--control-socket", dir.resolve(name + ".sock").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        daemons.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private void awaitStatus(String name, String needle, int seconds) throws Exception {
        Path status = dir.resolve(name + ".json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.exists(status) || !Files.readString(status).contains(needle)) {
            assertTrue(System.nanoTime() < deadline, name + " never showed " + needle + ":\n" + log(name));
            Thread.sleep(100);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : daemons) {
            if (p.isAlive()) {
                Netns.run("kill", "-TERM", Long.toString(p.pid()));
                p.waitFor(10, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
        }
        if (dir != null) {
            Tayga.stopAll(dir, "fibre", "lte");
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void whenTheFibrePlatDiesTheLansIpv4MovesToLteWithinFiveSecondsAndBackWhenItReturns() throws Exception {
        Process fibre = start("fibre", "wan0", "clat0", 100, "2001:db8:64::/96");
        Process lte = start("lte", "wan1", "clat1", 200, "2001:db8:65::/96");
        // Each instance probes its own PLAT out of its own uplink: both healthy, though the CPE's IPv6
        // default route leads to the fibre provider only.
        awaitStatus("fibre", "\"health\":\"healthy\"", 30);
        awaitStatus("lte", "\"health\":\"healthy\"", 30);
        String routes = Netns.in(cpe, 5, "ip", "route").output();
        assertTrue(routes.contains("default dev clat0") && routes.contains("metric 100"), routes);
        assertTrue(routes.contains("default dev clat1") && routes.contains("metric 200"), routes);
        assertTrue(Netns.in(cpe, 5, "nft", "list", "tables").output().contains("jclat_clat1"), "one nft table each");

        // A ping every 50 ms from the LAN while the fibre PLAT dies and comes back.
        Process ping = new ProcessBuilder("ip", "netns", "exec", lan, "ping", "-D", "-n", "-i", "0.05", "-W", "1",
                "-w", "40", "198.51.100.10").redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(ping.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the ping ended
            }
        });
        reader.start();
        Thread.sleep(3000);
        double killedAt = System.currentTimeMillis() / 1000.0;
        fibrePlat.stop();
        awaitStatus("fibre", "standby: no PLAT answers", 10);
        assertTrue(!Netns.in(cpe, 5, "ip", "route").output().contains("clat0"), "fibre's route withdrawn");
        Thread.sleep(3000);
        double backAt = System.currentTimeMillis() / 1000.0;
        fibrePlat.restart();
        awaitStatus("fibre", "\"state\":\"running\"", 15);
        Thread.sleep(2000);
        ping.destroy();
        reader.join(5000);

        List<Double> replies = new ArrayList<>();
        Matcher m = Pattern.compile("\\[(\\d+\\.\\d+)\\] \\d+ bytes from 198.51.100.10").matcher(out);
        while (m.find()) {
            replies.add(Double.parseDouble(m.group(1)));
        }
        double outage = 0;
        for (int i = 1; i < replies.size(); i++) {
            if (replies.get(i) > killedAt && replies.get(i - 1) < backAt) {
                outage = Math.max(outage, replies.get(i) - replies.get(i - 1));
            }
        }
        assertTrue(replies.stream().anyMatch(t -> t > killedAt + 1 && t < backAt), "no reply through LTE:\n" + out);
        assertTrue(outage < 5.0, "IPv4 was gone " + outage + " s after the fibre PLAT died (at most 5 s)\n" + out);
        // And back on fibre: its route is the default again, lte's still there below it.
        String after = Netns.in(cpe, 5, "ip", "route").output();
        assertTrue(after.contains("default dev clat0"), after);
        assertEquals(0, Netns.in(lan, 10, "ping", "-c", "2", "-i", "0.2", "-W", "2", "198.51.100.10").code());
        assertTrue(fibre.isAlive() && lte.isAlive(), "neither instance restarts");
        String fibreLog = log("fibre");
        assertEquals(1, count(fibreLog, "no PLAT answers its probes"), fibreLog);
        assertEquals(1, count(fibreLog, "a PLAT answers its probes again"), fibreLog);
    }

    @Test
    void anUplinkWithoutNat64StaysQuiet() throws Exception {
        // The LTE provider's network has no DNS64 and no PREF64: the instance waits, says so once, and neither
        // its TUN nor any route comes and goes while it keeps looking.
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cpe));
        cmd.addAll(CpeLab.jclat("run", "--name", "lte", "--uplink", "wan1", "--tun", "clat1", "--workers", "1",
                "--pref64-source", "dns", "--dns", "[2001:db8:101::1]:53", "--dns-timeout-ms", "300",
                "--retry-initial-s", "1", "--retry-max-s", "2", "--status-file", dir.resolve("lte.json").toString(),
                "--control-socket", dir.resolve("lte.sock").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("lte.log").toFile())
                .start();
        daemons.add(p);
        awaitStatus("lte", "waiting for PLAT", 20);
        Path monitorLog = dir.resolve("monitor.log");
        Process monitor = new ProcessBuilder("ip", "netns", "exec", cpe, "ip", "monitor", "link", "route")
                .redirectErrorStream(true).redirectOutput(monitorLog.toFile()).start();
        Thread.sleep(8000);
        monitor.destroy();
        monitor.waitFor(5, TimeUnit.SECONDS);
        String events = Files.readString(monitorLog);
        assertTrue(p.isAlive(), log("lte"));
        assertTrue(!events.contains("clat1") && !events.contains("default"), "the interface flapped:\n" + events);
        String log = log("lte");
        assertTrue(count(log, "RFC 7050 discovery:") <= 2, "one line per state change:\n" + log);
        assertTrue(log.lines().count() <= 12, "a quiet wait:\n" + log);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
