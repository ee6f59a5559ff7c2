package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.Tayga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IPv6-mostly LAN (issue 16) with real parts in namespaces: the daemon on the CPE with a real PLAT (TAYGA) it
 * probes, the LAN's real RA daemon (radvd) beside jclat's PREF64 RAs, a real dnsmasq serving option 108 from
 * jclat's options file and a real DHCPv4 client (dhcpcd) asking for it; scapy on the LAN host sees what is on the
 * wire. The PLAT is killed and brought back, and the LAN follows.
 */
class Ipv6MostlyNamespaceTest {
    private static final String PYTHON = "/usr/bin/python3"; // Debian's, which has python3-scapy
    private static final String PREFIX = "2001:db8:64::/96";
    /** RFC 8781 §4: type 38, length 2, then Scaled Lifetime | PLC, then bits 0-95 of 2001:db8:64::. */
    private static final String PREF64_BITS = "20010db80064000000000000";
    private static final String PREF64_STATIC = "2602fff8" + PREF64_BITS; // 65528 s = 8191 << 3, PLC 0 (/96)
    private static final String PREF64_WITHDRAWN = "26020000" + PREF64_BITS;

    private CpeLab lab;
    private Path dir;
    private Tayga plat;
    private final List<Process> helpers = new ArrayList<>();
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private final List<String> seenAll = new ArrayList<>();

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && Netns.exec(20, PYTHON, "-c", "import scapy.all").code() == 0,
                "needs python3-scapy");
        for (String tool : List.of("/usr/sbin/tayga", "/usr/sbin/radvd", "/usr/sbin/dnsmasq", "/usr/sbin/dhcpcd")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), "needs " + tool + " (bin/jclat-setup installs it)");
        }
        lab = CpeLab.build();
        dir = Files.createTempDirectory("jclat-mostly");
        lab.addIpv4Server();
        CpeLab.ip(lab.isp, "-6", "route", "del", PREFIX);
        plat = Tayga.start(lab.isp, dir.resolve("plat"), "plat64", PREFIX, "100.64.1");
        // The LAN host takes RAs like any host (no forwarding), so a default router made or lost shows.
        Netns.in(lab.lan, 5, "sysctl", "-qw", "net.ipv6.conf.eth0.forwarding=0", "net.ipv6.conf.eth0.accept_ra=1");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : helpers) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (dir != null) {
            Tayga.stopAll(dir, "plat");
        }
        if (lab != null) {
            lab.close();
        }
    }

    private List<String> daemonFlags(String... more) {
        List<String> flags = new ArrayList<>(List.of("--pref64", PREFIX, "--clat-v6", "2001:db8:100::c",
                "--plat-probe", "198.51.100.10:7", "--plat-probe-interval-s", "1", "--plat-probe-timeout-ms", "500",
                "--plat-probe-fall", "2", "--plat-probe-rise", "2", "--ipv6-mostly", "lan0"));
        flags.addAll(List.of(more));
        return flags;
    }

    @Test
    void pref64RasFromJclatsOwnAddressFollowThePlatWhileTheLansRadvdKeepsItsDefaultRoute() throws Exception {
        Path conf = dir.resolve("radvd.conf");
        Files.writeString(conf, "interface lan0 {\n AdvSendAdvert on;\n MinRtrAdvInterval 3;\n MaxRtrAdvInterval 4;\n"
                + " AdvDefaultLifetime 600;\n prefix 2001:db8:51::/64 {\n };\n};\n");
        helper(lab.cpe, "/usr/sbin/radvd", "-n", "-C", conf.toString(), "-p", dir.resolve("radvd.pid").toString(),
                "-m", "stderr", "-u", "root");
        sniff();
        String routerLinkLocal = linkLocal(lab.cpe, "lan0");
        String mac = Netns.in(lab.cpe, 5, "cat", "/sys/class/net/lan0/address").output().strip().replace(":", "");

        Path hook = dir.resolve("hook.sh");
        Path hookLog = dir.resolve("hook.log");
        Files.writeString(hook, "#!/bin/sh\necho \"$JCLAT_STATE $JCLAT_IPV6_MOSTLY [$JCLAT_IPV6_MOSTLY_IFACES]"
                + " $JCLAT_PREF64_LIFETIME $JCLAT_V6ONLY_WAIT\" >> " + hookLog + "\n");
        hook.toFile().setExecutable(true);
        lab.startDaemon(daemonFlags("--hook", hook.toString()));
        String ra = await(l -> l.startsWith("RA ") && l.contains(PREF64_STATIC), 15, "a PREF64 RA from jclat");
        String src = field(ra, "src");
        assertTrue(src.startsWith("fe80::"), "link-local source (RFC 4861 §6.1.2): " + ra);
        assertNotEquals(routerLinkLocal, src, "never the router's own link-local (RFC 4861 §6.3.4): " + ra);
        assertEquals("255", field(ra, "hlim"), ra);
        assertEquals("0", field(ra, "lifetime"), "Router Lifetime 0: not a default router: " + ra);
        assertEquals("0", field(ra, "curhop"), ra);
        assertEquals("0", field(ra, "flags"), ra);
        assertEquals("0", field(ra, "reachable"), ra);
        assertEquals("0", field(ra, "retrans"), ra);
        assertEquals("ok", field(ra, "cksum"), ra);
        assertEquals("0101" + mac + "," + PREF64_STATIC, field(ra, "opts"), "SLLA, then PREF64 only: " + ra);
        lab.awaitStatus("\"announcing\":true", 5);
        assertTrue(lab.statusJson().contains("\"pref64\":\"" + PREFIX + "\",\"lifetime\":65528"), lab.statusJson());
        await(l -> l.startsWith("RA src=" + routerLinkLocal + " ") && !field(l, "lifetime").equals("0"), 10,
                "radvd's own RAs");
        assertTrue(defaultRoute().contains("via " + routerLinkLocal), "radvd's default router: " + defaultRoute());
        awaitFile(hookLog, "running on [lan0] 65528 1800");

        plat.stop();
        String gone = await(l -> l.startsWith("RA src=" + src + " ") && l.contains(PREF64_WITHDRAWN), 15,
                "PREF64 at lifetime 0 once the PLAT is dead");
        assertEquals("0", field(gone, "lifetime"), gone);
        lab.awaitStatus("\"announcing\":false", 5);
        assertTrue(lab.statusJson().contains("\"lifetime\":0"), lab.statusJson());
        Thread.sleep(5000); // radvd's RAs go on (every 3-4 s); jclat's lifetime-0 ones touched no router
        assertTrue(defaultRoute().contains("via " + routerLinkLocal), "radvd's router kept: " + defaultRoute());
        awaitFile(hookLog, "running off [lan0] 0 1800"); // plat-down-routes keep: still running, LAN told to fall back

        plat.restart();
        await(l -> l.startsWith("RA src=" + src + " ") && l.contains(PREF64_STATIC), 15, "PREF64 again");
        lab.awaitStatus("\"announcing\":true", 5);
        assertTrue(lab.statusJson().matches("(?s).*\"ra_sent\":[1-9].*"), lab.statusJson());
        String text = Netns.in(lab.cpe, 10, CpeLab.jclat("status", "--socket",
                lab.controlSocket().toString()).toArray(new String[0])).output();
        assertTrue(text.contains("IPv6-mostly:     lan0: PREF64 " + PREFIX + " for 65528 s"), text);

        // Native IPv4 on the uplink: the CLAT stands by (RFC 6877 §6.1), and so does the LAN's PREF64.
        CpeLab.ip(lab.cpe, "addr", "add", "100.64.0.2/24", "dev", "wan0");
        CpeLab.ip(lab.cpe, "route", "add", "default", "via", "100.64.0.1", "dev", "wan0");
        await(l -> l.startsWith("RA src=" + src + " ") && l.contains(PREF64_WITHDRAWN), 10, "withdrawn in standby");
        CpeLab.ip(lab.cpe, "route", "del", "default", "via", "100.64.0.1", "dev", "wan0");
        await(l -> l.startsWith("RA src=" + src + " ") && l.contains(PREF64_STATIC), 10, "back after standby");

        seen.clear();
        lab.stopDaemon();
        await(l -> l.startsWith("RA src=" + src + " ") && l.contains(PREF64_WITHDRAWN), 5, "withdrawn at stop");
        awaitFile(hookLog, "stopped off [lan0] 0 1800");
        assertTrue(defaultRoute().contains("via " + routerLinkLocal), "radvd's router kept: " + defaultRoute());
    }

    @Test
    void option108IsOfferedToClientsThatAskWhileThePlatIsHealthyAndWithdrawnWhenItDies() throws Exception {
        Path opts = dir.resolve("dhcp-opts");
        Path pid = dir.resolve("dnsmasq.pid");
        Files.writeString(opts, "");
        helper(lab.cpe, "/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0",
                "--interface=lan0", "--bind-interfaces", "--dhcp-range=192.168.1.100,192.168.1.150,255.255.255.0,1h",
                "--dhcp-optsfile=" + opts, "--dhcp-leasefile=" + dir.resolve("leases"), "--pid-file=" + pid,
                "--log-dhcp", "--log-facility=" + dir.resolve("dnsmasq.log"), "--user=root");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(pid) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        sniff();
        lab.startDaemon(daemonFlags("--ipv6-mostly-ra", "off", "--v6only-wait", "1800", "--dhcp-options-file",
                opts.toString(), "--dhcp-server-pid-file", pid.toString()));
        lab.awaitStatus("\"dhcp_option_108\":\"on\"", 10);
        assertEquals("tag:lan0,108,00:00:07:08", Files.readString(opts).lines().filter(l -> !l.startsWith("#"))
                .findFirst().orElse(""), Files.readString(opts));

        String client = dhcpClient(true);
        String offer = await(l -> l.startsWith("DHCP type=2 "), 10, "an offer");
        assertEquals("00000708", field(offer, "opt108"), "RFC 8925 §3.1: 4 bytes, V6ONLY_WAIT 1800: " + offer);
        assertTrue(client.contains("IPv6-Only Preferred received (1800 seconds)"), client);

        seen.clear();
        dhcpClient(false);
        String plain = await(l -> l.startsWith("DHCP type=2 "), 10, "an offer to a client that does not ask");
        assertEquals("none", field(plain, "opt108"), "RFC 8925 §3.3: only to clients that ask: " + plain);
        assertTrue(seenAll.stream().noneMatch(l -> l.startsWith("RA ")), "ipv6-mostly-ra off: no RAs " + seenAll);

        plat.stop();
        lab.awaitStatus("\"dhcp_option_108\":\"off\"", 15);
        assertFalse(Files.readString(opts).contains("tag:lan0"), Files.readString(opts));
        seen.clear();
        client = dhcpClient(true);
        String withdrawn = await(l -> l.startsWith("DHCP type=5 "), 10, "an ACK");
        assertEquals("none", field(withdrawn, "opt108"), withdrawn);
        assertTrue(client.contains("leased 192.168.1."), "the client takes an IPv4 lease again: " + client);

        plat.restart();
        lab.awaitStatus("\"dhcp_option_108\":\"on\"", 15);
        lab.stopDaemon();
        assertFalse(Files.readString(opts).contains("tag:lan0"), "off after stop: " + Files.readString(opts));
    }

    // --- helpers

    /**
     * One run of a real DHCPv4 client on the LAN host (dhcpcd, oneshot), asking for option 108 or not. Its lease
     * and control files go to tmpfs in the command's own mount namespace, so nothing of the machine's is touched.
     */
    private String dhcpClient(boolean ask108) throws IOException {
        String cmd = "mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib/dhcpcd && exec timeout 12 dhcpcd -1 -4 -B -d"
                + " --noarp -t 8 -f /dev/null -c /bin/true" + (ask108 ? " --option ipv6_only_preferred" : "") + " eth0";
        return Netns.in(lab.lan, 20, "sh", "-c", cmd).output();
    }

    private static void awaitFile(Path file, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file) || !Files.readString(file).lines().anyMatch(line::equals)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line '" + line + "' in " + (Files.exists(file) ? Files.readString(file)
                        : "(no file)"));
            }
            Thread.sleep(100);
        }
    }

    private String defaultRoute() throws IOException {
        return Netns.in(lab.lan, 5, "ip", "-6", "route", "show", "default").output();
    }

    private static String linkLocal(String ns, String dev) throws Exception {
        for (int i = 0; i < 50; i++) {
            String out = Netns.in(ns, 5, "ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "link").output();
            int at = out.indexOf("inet6 ");
            if (at >= 0 && !out.contains("tentative")) {
                return out.substring(at + 6, out.indexOf('/', at));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no link-local address on " + dev);
    }

    private static String field(String line, String key) {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        return "";
    }

    private void helper(String ns, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        helpers.add(new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(dir.resolve(Path.of(cmd[0]).getFileName() + ".out").toFile()).start());
    }

    /** scapy on the LAN host's interface; its lines go to {@link #seen}. */
    private void sniff() throws Exception {
        Path script = dir.resolve("lan_sniffer.py");
        try (InputStream in = getClass().getResourceAsStream("lan_sniffer.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.lan, PYTHON, script.toString(), "eth0")
                .redirectError(dir.resolve("sniffer.err").toFile()).start();
        helpers.add(p);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    synchronized (seenAll) {
                        seenAll.add(l);
                    }
                    seen.add(l);
                }
            } catch (IOException e) {
                // the sniffer was stopped
            }
        }, "sniffer");
        t.setDaemon(true);
        t.start();
        String first = seen.poll(20, TimeUnit.SECONDS);
        assertEquals("ready", first, "scapy did not start: " + Files.readString(dir.resolve("sniffer.err")));
        Thread.sleep(1000); // sniff() opens its socket after printing
    }

    private String await(Predicate<String> wanted, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : seen.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                List<String> copy;
                synchronized (seenAll) {
                    copy = List.copyOf(seenAll);
                }
                throw new AssertionError("never saw " + what + "; saw " + copy + "\nstatus " + lab.statusJson() + "\n"
                        + lab.log());
            }
            if (wanted.test(l)) {
                return l;
            }
        }
    }
}
