package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.fastpath.FastPathPrograms;
import net.jclat.fastpath.TcxLink;
import net.jclat.netlink.RtNetlink;
import net.jclat.netlink.TcBpfFilters;
import net.jclat.testsupport.ByteExactDownload;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.OwnThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real daemon with {@code --fast-path on} (TCX on this kernel) in the {@link CpeLab}: the scenarios of
 * {@link DaemonNamespaceTest} (which runs them on the TUN path, fast path off) with the kernel translating
 * the common packets — a 10 MiB HTTP download byte-exact, TTL expiry, frag-needed and 4000-byte UDP
 * (fragments) left to the TUN path, prefix mode, a prefix change by SIGHUP reload — asserting from the status that the kernel's counters moved; with
 * {@code off} they stay 0. A kill -9 leaves no program, filter or qdisc, and a clsact filter a killed jclat
 * left on an older kernel is removed at the next start.
 */
class FastPathDaemonNamespaceTest {
    private interface C extends Library {
        C LIB = Native.load(Platform.C_LIBRARY_NAME, C.class);

        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final String SERVER6 = CpeLab.SERVER6;
    private CpeLab lab;
    private Process daemon;
    private Path dir;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        dir = Files.createTempDirectory("jclat-fp");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private void start(String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--pref64", "2001:db8:64::/96"));
        all.addAll(List.of(flags));
        daemon = lab.startDaemon(all);
    }

    /** A number from the status file's fast_path object: {@code packets_6to4}, or {@code 4to6:ttl} for a reason. */
    private long fp(String key) throws IOException {
        String json = lab.statusJson();
        Matcher m;
        if (key.contains(":")) {
            String[] k = key.split(":");
            m = Pattern.compile("\"passed_" + k[0] + "_by_reason\":\\{[^}]*\"" + k[1] + "\":(\\d+)").matcher(json);
        } else {
            m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json); // only in the fast_path object
        }
        assertTrue(m.find(), key + " not in " + json);
        return Long.parseLong(m.group(1));
    }

    /** Waits for the status file (written each second) to show at least {@code min} for {@code key}. */
    private long awaitAtLeast(String key, long min) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        long v = fp(key);
        while (v < min && System.nanoTime() < deadline) {
            Thread.sleep(200);
            v = fp(key);
        }
        assertTrue(v >= min, key + " = " + v + " < " + min + ": " + lab.statusJson());
        return v;
    }

    /**
     * The CPE's programs on TC hooks: clsact filters as bpftool shows them, TCX programs counted by the kernel
     * (Debian's bpftool 7.1 does not list TCX yet).
     */
    private String bpfNet() throws Throwable {
        int[] tcx = new int[1];
        inCpe(() -> tcx[0] = TcxLink.attached(RtNetlink.ifIndex("wan0"), true));
        return "tcx programs on wan0 ingress: " + tcx[0] + "\n" + Netns.in(lab.cpe, 5, "bpftool", "net", "show").output()
                + Netns.in(lab.cpe, 5, "tc", "filter", "show", "dev", "wan0", "ingress").output()
                + Netns.in(lab.cpe, 5, "tc", "qdisc", "show", "dev", "wan0").output();
    }

    @Test
    void nat44CommonPacketsGoThroughTheKernelAndTheRestThroughTheTunPath() throws Throwable {
        start("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--fast-path", "on");
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\",\"reason\":\"\",\"hook\":\"tcx\"", 3);
        String attached = bpfNet();
        assertTrue(attached.contains("tcx programs on wan0 ingress: 1"), attached);
        lab.warmUp();
        awaitAtLeast("packets_4to6", 2);
        awaitAtLeast("packets_6to4", 2);

        try (ByteExactDownload download = ByteExactDownload.serve(lab.srv, SERVER6, 11)) {
            download.assertArrivesByteExact(lab.lan, "198.51.100.10", lab::log);
        }
        // At least the 10 MiB in full-size segments went through the kernel, not the workers.
        awaitAtLeast("packets_6to4", ByteExactDownload.SIZE / 1500);

        // TTL 2 would reach 0 in translation: the kernel leaves it to the TUN path, whose core answers
        // Time Exceeded (RFC 7915 §4.1). TTL 3 expires at the provider: its ICMPv6 error, which the kernel does
        // not translate, comes back through the TUN path too (source from the RFC 6791 pool, 192.0.0.8).
        long ttlBefore = fp("4to6:ttl");
        long errorsBefore = fp("6to4:protocol");
        Netns.Result own = lab.lanPing("-t", "2", "-i", "1.1");
        assertTrue(own.output().contains("Time to live exceeded"), own.output() + lab.log());
        awaitAtLeast("4to6:ttl", ttlBefore + 1);
        Netns.Result far = lab.lanPing("-t", "3", "-i", "1.1");
        assertTrue(far.output().contains("From 192.0.0.8") && far.output().contains("Time to live exceeded"),
                far.output() + lab.log());
        awaitAtLeast("6to4:protocol", errorsBefore + 1);

        // DF and too big for the provider's 1400-byte link: the kernel translates it (it fits the uplink), the
        // provider's Packet Too Big takes the TUN path and arrives as Fragmentation Needed, MTU 1400 - 20.
        Netns.Result big = lab.lanPing("-M", "do", "-s", "1400", "-i", "1.1");
        assertTrue(big.output().contains("mtu = 1380") || big.output().contains("mtu=1380"), big.output() + lab.log());

        // 4000 bytes of UDP: IPv4 fragments out, IPv6 fragments back, both through the TUN path, intact.
        long fragments4 = fp("4to6:fragment");
        long extensions6 = fp("6to4:options"); // a fragment header is an extension header
        lab.assertLargeUdpDatagramEchoes();
        awaitAtLeast("4to6:fragment", fragments4 + 3);
        awaitAtLeast("6to4:options", extensions6 + 3);

        lab.stopDaemon();
        String after = bpfNet();
        assertFalse(after.contains("jclat_"), "programs detached on stop: " + after);
        assertTrue(after.contains("tcx programs on wan0 ingress: 0"), "programs detached on stop: " + after);
        assertFalse(after.contains("clsact"), "no qdisc left: " + after);
    }

    @Test
    void prefixModeFollowsAPrefixChangeBySighup() throws Exception {
        CpeLab.ip(lab.isp, "-6", "route", "replace", "2001:db8:50::/64", "via", "2001:db8:100::2");
        lab.serveSecondPrefix();
        Path conf = dir.resolve("jclat.conf");
        Files.writeString(conf, "mode prefix\nmap 192.168.1.0/24=2001:db8:50::/96\npref64 2001:db8:64::/96\n");
        daemon = lab.startDaemon(List.of("--config", conf.toString(), "--fast-path", "on",
                "--control-socket", lab.controlSocket().toString()));
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\"", 3);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        long first = awaitAtLeast("packets_6to4", 2);

        Files.writeString(conf, "mode prefix\nmap 192.168.1.0/24=2001:db8:50::/96\npref64 2001:db8:65::/96\n");
        Netns.run("kill", "-HUP", Long.toString(daemon.pid()));
        lab.awaitStatus("\"pref64\":\"2001:db8:65::/96\"", 5);
        lab.awaitLog("fast path translating", 1);
        r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        // The server now answers from the second prefix, and the kernel translated the replies.
        awaitAtLeast("packets_6to4", first + 2);
        String seen = Netns.in(lab.srv, 5, "ip", "-6", "route", "get", "2001:db8:50::c0a8:102").output();
        assertTrue(seen.contains("2001:db8:50::c0a8:102"), seen);
    }

    /** SIIT with an EAM is not what the programs cover: attached, they pass everything, one line says why. */
    @Test
    void aModeTheProgramsDoNotCoverRunsOnTheTunPath() throws Exception {
        CpeLab.ip(lab.isp, "-6", "route", "add", "2001:db8:64::c0a8:100/120", "via", "2001:db8:100::2");
        start("--mode", "siit", "--eam", "198.51.100.10/32=2001:db8:200::2/128", "--route-v4", "192.0.2.0/24",
                "--fast-path", "on");
        lab.awaitStatus("\"fast_path\":{\"state\":\"passing\",\"reason\":\"SIIT mode", 3);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        awaitAtLeast("6to4:no_config", 2);
        awaitAtLeast("4to6:no_config", 2);
        assertEquals(0, fp("packets_6to4"), lab.statusJson());
        assertEquals(1, lab.log().split("fast path passes every packet to the TUN path: SIIT", -1).length - 1,
                lab.log());
    }

    @Test
    void offLeavesEveryPacketToTheTunPath() throws Throwable {
        start("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--fast-path", "off");
        lab.awaitStatus("\"fast_path\":{\"state\":\"off\"", 3);
        Netns.Result r = lab.lanPing("-c", "5", "-i", "0.2");
        assertEquals(0, r.code(), r.output() + lab.log());
        Thread.sleep(1200); // one status write
        assertEquals(0, fp("packets_6to4"), lab.statusJson());
        assertEquals(0, fp("packets_4to6"), lab.statusJson());
        assertFalse(bpfNet().contains("jclat_"), bpfNet());
        assertTrue(lab.statusJson().contains("\"translated_6to4\":"), lab.statusJson());
    }

    /**
     * Without CAP_BPF and CAP_SYS_ADMIN (dropped from the bounding set by setpriv) the kernel refuses the
     * programs: {@code on} fails the start like any start error (exit 1, one clear line, nothing left);
     * {@code auto} says why once and translates on the TUN path.
     */
    @Test
    void aKernelRefusalFailsOnAndLeavesAutoOnTheTunPath() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set", "-bpf,-sys_admin"));
        cmd.addAll(CpeLab.jclat("run", "--uplink", "wan0", "--pref64", "2001:db8:64::/96", "--clat-v6",
                "2001:db8:100::c", "--cpu-steering", "off", "--status-file", lab.status.toString(),
                "--control-socket", lab.controlSocket().toString(), "--fast-path", "on"));
        Netns.Result r = Netns.in(lab.cpe, 30, cmd.toArray(new String[0]));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("ERROR cannot start: fast-path on: bpf("), r.output());
        assertFalse(Netns.in(lab.cpe, 5, "ip", "link", "show", "clat").code() == 0, "no TUN left behind");

        lab.launcher(List.of("setpriv", "--bounding-set", "-bpf,-sys_admin",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "net.jclat.cli.Main"));
        start("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--cpu-steering", "off", "--fast-path", "auto");
        lab.awaitStatus("\"fast_path\":{\"state\":\"unavailable\",\"reason\":\"bpf(", 3);
        assertEquals(1, lab.log().split("fast path unavailable", -1).length - 1, lab.log());
        Netns.Result ping = lab.lanPing();
        assertEquals(0, ping.code(), ping.output() + lab.log());
        assertTrue(lab.statusJson().contains("\"translated_6to4\":"), lab.statusJson());
        assertEquals(0, fp("packets_6to4"), lab.statusJson());
    }

    /**
     * A clsact filter a killed jclat left on a kernel without TCX (planted here the way such a jclat attached
     * it) is removed at start; a kill -9 of a TCX jclat leaves nothing; the restarted daemon translates.
     */
    @Test
    void killNineLeavesNothingAndALeftoverClsactFilterIsRemovedAtStart() throws Throwable {
        plantLeftoverFilter();
        assertTrue(bpfNet().contains("ingress jclat_up_in"), bpfNet()); // under the ingress qdisc: "wan0(n) ingress"
        start("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--fast-path", "on");
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\"", 3);
        assertTrue(lab.log().contains("removed the fast path filter a killed jclat left"), lab.log());
        assertFalse(bpfNet().contains("ingress jclat_up_in"), bpfNet());

        Netns.run("kill", "-KILL", Long.toString(daemon.pid()));
        assertTrue(daemon.waitFor(5, TimeUnit.SECONDS));
        String killed = bpfNet();
        assertTrue(killed.contains("tcx programs on wan0 ingress: 0") && !killed.contains("jclat_"),
                "TCX links die with the process: " + killed);
        Files.deleteIfExists(lab.status);
        start("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--fast-path", "on");
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\"", 3);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        awaitAtLeast("packets_6to4", 2);
        lab.stopDaemon();
        assertFalse(bpfNet().contains("jclat_"), bpfNet());
    }

    /**
     * The clsact way (kernels before 6.6, forced here with {@code -Djclat.fastpath.hook=clsact}): filters on
     * both hooks that translate, survive a kill -9 (TCX links would not), are replaced at the next start and
     * removed on stop.
     */
    @Test
    void clsactFiltersTranslateAndAKilledRunsFilterIsRemovedAtTheNextStart() throws Throwable {
        lab.jvmOptions("-Djclat.fastpath.hook=clsact");
        start("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--fast-path", "on");
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\",\"reason\":\"\",\"hook\":\"clsact\"", 3);
        String on = bpfNet();
        assertTrue(on.contains(" ingress jclat_up_in") && on.contains("clsact/egress jclat_tun_eg")
                && on.contains("tcx programs on wan0 ingress: 0"), on);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        awaitAtLeast("packets_6to4", 2);
        awaitAtLeast("packets_4to6", 2);

        Netns.run("kill", "-KILL", Long.toString(daemon.pid()));
        assertTrue(daemon.waitFor(5, TimeUnit.SECONDS));
        assertTrue(bpfNet().contains(" ingress jclat_up_in"), "a filter outlives its process: " + bpfNet());
        Files.deleteIfExists(lab.status);
        start("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--fast-path", "on");
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\"", 3);
        assertTrue(lab.log().contains("removed the fast path filter a killed jclat left"), lab.log());
        String again = bpfNet();
        assertEquals(1, again.split(" ingress jclat_up_in", -1).length - 1, "one filter on the uplink: " + again);
        r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        awaitAtLeast("packets_6to4", 2);
        lab.stopDaemon();
        assertFalse(bpfNet().contains("jclat_"), "filters removed on stop: " + bpfNet());
        assertFalse(bpfNet().contains("qdisc ingress"), "and the uplink's qdisc jclat added: " + bpfNet());
    }

    /** Runs the body on a thread that has entered the CPE's namespace (ifindexes, netlink, TCX queries). */
    private void inCpe(OwnThread.Body body) throws Throwable {
        String ns = lab.cpe;
        OwnThread.run(() -> {
            int fd = C.LIB.open("/run/netns/" + ns, 0);
            try {
                C.LIB.setns(fd, 0x40000000);
            } finally {
                C.LIB.close(fd);
            }
            body.run();
        });
    }

    /** Loads the programs and attaches them as clsact filters to wan0's ingress, then closes them unattached. */
    private void plantLeftoverFilter() throws Throwable {
        inCpe(() -> {
            try (FastPathPrograms p = FastPathPrograms.load(); RtNetlink nl = new RtNetlink()) {
                new TcBpfFilters(nl).attach(RtNetlink.ifIndex("wan0"), true, p.uplinkIngressFd(), "jclat_up_in");
            }
        });
    }
}
