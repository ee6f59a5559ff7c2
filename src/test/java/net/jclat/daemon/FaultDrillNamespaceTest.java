package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.NativeIpv4Watch;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.Tayga;
import net.jclat.testsupport.Unbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault drills against the real daemon in the CPE lab. Each drill breaks one thing a CLAT depends on,
 * clears the cause, and proves: translation resumes within 5 s of the cause clearing (for DNS, within the
 * prefix's lifetime rule: the prefix is kept until its TTL ends, and a new answer is used within 5 s);
 * no IPv4 frame (nor ARP) ever reaches the provider's side of the uplink, counted by an nftables ingress
 * counter there for the whole drill; and after SIGTERM nothing of jclat's is left: no TUN, no route of
 * protocol 190, no proxy-NDP entry, no nftables table.
 */
class FaultDrillNamespaceTest {
    private static final String PREFIX_A = "2001:db8:64::/96";
    private static final String PREFIX_B = "2001:db8:65::/96";
    private static final String DNS = "[2001:db8:100::1]:53";
    private static final String CLAT6 = "2001:db8:100::c";
    /** The bound: translation is back this long after the cause cleared. */
    private static final long RESUME_MILLIS = 5000;
    private CpeLab lab;
    private NativeIpv4Watch watch;
    private Unbound unbound;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        watch = NativeIpv4Watch.on(lab.isp, "down0");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (watch != null) {
                NativeIpv4Watch.Seen seen = watch.seen();
                assertTrue(seen.none(), "native IPv4 left the uplink during the drill: " + seen);
            }
        } finally {
            if (unbound != null) {
                unbound.close();
            }
            if (lab != null) {
                lab.close();
            }
        }
    }

    private void startNat44(String... more) throws Exception {
        List<String> flags = new java.util.ArrayList<>(List.of("--mode", "nat44", "--clat-v6", CLAT6));
        flags.addAll(List.of(more));
        lab.startDaemon(flags);
    }

    @Test
    void theWatchCountsNativeIpv4SoTheDrillsCanFail() throws Exception {
        // Without this, a watch that never counts would make every drill pass.
        CpeLab.ip(lab.cpe, "addr", "add", "100.64.0.2/24", "dev", "wan0");
        Netns.in(lab.cpe, 5, "ping", "-c", "1", "-W", "1", "100.64.0.1");
        NativeIpv4Watch.Seen seen = watch.seen();
        assertTrue(seen.arp() > 0, seen.toString());
        CpeLab.ip(lab.cpe, "neigh", "replace", "100.64.0.1", "lladdr", "02:00:00:00:00:01", "dev", "wan0");
        Netns.in(lab.cpe, 5, "ping", "-c", "1", "-W", "1", "100.64.0.1");
        assertTrue(watch.seen().ipv4() > 0, watch.seen().toString());
        watch.close();
        watch = null; // this test made the leak on purpose
    }

    @Test
    void uplinkDownAndUpRestoresTheProxyNdpEntryAndTranslationResumes() throws Exception {
        startNat44("--pref64", PREFIX_A);
        lab.warmUp();
        CpeLab.ip(lab.cpe, "link", "set", "wan0", "down");
        lab.awaitLog("proxy NDP entry for " + CLAT6, 5); // the kernel flushed it with the link
        assertNotEquals(0, quickPing(), "no translation through a down uplink");
        // The cause clears: the link comes back and the network manager (netifd, odhcp6c) puts back its own
        // address and default route, as the kernel flushed them too.
        CpeLab.ip(lab.cpe, "link", "set", "wan0", "up");
        CpeLab.ip(lab.cpe, "-6", "addr", "replace", "2001:db8:100::2/64", "dev", "wan0", "nodad");
        CpeLab.ip(lab.cpe, "-6", "route", "replace", "default", "via", "2001:db8:100::1");
        long ms = resumeMillis();
        report("uplink down/up", ms);
        assertTrue(Netns.in(lab.cpe, 5, "ip", "-6", "neigh", "show", "proxy").output().contains(CLAT6));
        stopAndAssertNothingLeft();
    }

    @Test
    void aChangedDnsPrefixIsFollowedWithinTheRecordTtl() throws Exception {
        lab.serveSecondPrefix();
        unbound = providerDns(PREFIX_A, 2);
        startNat44("--pref64-source", "dns", "--dns", DNS);
        lab.awaitStatus("\"pref64\":\"" + PREFIX_A + "\"", 10);
        lab.warmUp();
        unbound.close();
        unbound = providerDns(PREFIX_B, 2);
        // The old prefix leads nowhere now: only a switch brings translation back.
        CpeLab.ip(lab.isp, "-6", "route", "replace", "unreachable", PREFIX_A);
        long ms = resumeMillis(); // the TTL is 2 s: jclat asks again at 80 % of it
        report("prefix change (DNS, TTL 2 s)", ms);
        lab.awaitStatus("\"pref64\":\"" + PREFIX_B + "\"", 1);
        stopAndAssertNothingLeft();
    }

    @Test
    void deadDnsKeepsThePrefixUntilItsTtlEndsThenWaitsAndResumesWhenDnsIsBack() throws Exception {
        unbound = providerDns(PREFIX_A, 6);
        startNat44("--pref64-source", "dns", "--dns", DNS, "--dns-timeout-ms", "300", "--dns-retries", "0",
                "--retry-initial-s", "1", "--retry-max-s", "1");
        lab.awaitStatus("\"pref64\":\"" + PREFIX_A + "\"", 10);
        lab.warmUp();
        unbound.kill();
        // Before the TTL ends: silence is not an answer, the prefix stays and translation goes on.
        assertEquals(0, quickPing(), lab.log());
        assertTrue(lab.statusJson().contains("\"state\":\"running\""), lab.statusJson());
        // After it: no prefix, no IPv4 route into the TUN (LAN hosts get "unreachable", nothing leaks).
        lab.awaitStatus("\"state\":\"waiting for PLAT\"", 10);
        assertNotEquals(0, quickPing());
        assertFalse(Netns.in(lab.cpe, 5, "ip", "route").output().contains("proto 190"));
        unbound.close();
        unbound = providerDns(PREFIX_A, 6);
        long ms = resumeMillis();
        report("DNS dead past the TTL, then back", ms);
        stopAndAssertNothingLeft();
    }

    @Test
    void deadPlatIsSurvivedAndTranslationResumesWhenItRestarts() throws Exception {
        lab.addIpv4Server();
        CpeLab.ip(lab.isp, "-6", "route", "del", PREFIX_A); // the PLAT, not the server, now answers the prefix
        Path dir = Files.createTempDirectory("jclat-plat");
        try {
            Tayga plat = Tayga.start(lab.isp, dir.resolve("a"), "plat64a", PREFIX_A, "100.64.1");
            startNat44("--pref64", PREFIX_A);
            lab.warmUp();
            plat.stop();
            assertNotEquals(0, quickPing(), "no answer while the PLAT is dead");
            Thread.sleep(3000);
            assertTrue(lab.daemon().isAlive(), lab.log());
            plat.restart();
            long ms = resumeMillis();
            report("PLAT (TAYGA) killed, restarted", ms);
            stopAndAssertNothingLeft();
        } finally {
            Tayga.stopAll(dir, "a");
        }
    }

    @Test
    void aTunDeletedUnderTheDaemonIsRecreatedWithItsRoutesAndCountersCarryOn() throws Exception {
        startNat44("--pref64", PREFIX_A);
        lab.warmUp();
        // The status file is written once a second: wait for one written after the warm-up's packets.
        long before = counter("translated_4to6");
        for (int i = 0; i < 30 && before <= 0; i++) {
            Thread.sleep(100);
            before = counter("translated_4to6");
        }
        assertTrue(before > 0, lab.statusJson());
        CpeLab.ip(lab.cpe, "link", "del", "clat");
        long ms = resumeMillis();
        report("TUN deleted", ms);
        lab.awaitStatus("\"tun_recreated\":1", 3);
        lab.awaitLog("clat was deleted from outside: re-creating it", 1);
        assertTrue(lab.log().contains("removed from outside, restored: address 192.0.0.1 on clat"), lab.log());
        Thread.sleep(1100);
        assertTrue(counter("translated_4to6") > before, "counters carried on: " + lab.statusJson());
        assertTrue(lab.statusJson().contains("\"worker_restarts\":0"), lab.statusJson());
        stopAndAssertNothingLeft();
    }

    @Test
    void killNineLeavesNoRouteAndARestartTranslatesAndClearsTheRest() throws Exception {
        startNat44("--pref64", PREFIX_A);
        lab.warmUp();
        Netns.run("kill", "-KILL", Long.toString(lab.daemon().pid()));
        assertTrue(lab.daemon().waitFor(5, TimeUnit.SECONDS));
        // The TUN dies with its last file descriptor and takes jclat's routes along: no black hole.
        assertFalse(Netns.in(lab.cpe, 5, "ip", "link", "show", "clat").code() == 0, "TUN gone with the process");
        assertFalse(Netns.in(lab.cpe, 5, "ip", "route").output().contains("proto 190"));
        assertNotEquals(0, quickPing());
        Files.deleteIfExists(lab.status);
        long start = System.nanoTime();
        startNat44("--pref64", PREFIX_A);
        long ms = resumeMillis(start);
        report("kill -9, restart (includes JVM start)", ms);
        stopAndAssertNothingLeft();
    }

    @Test
    void reloadWithABadFileKeepsTheRunningConfigurationAndNamesFileAndLine() throws Exception {
        Path dir = Files.createTempDirectory("jclat-drill");
        Path conf = dir.resolve("jclat.conf");
        Path socket = dir.resolve("clat.sock");
        try {
            Files.writeString(conf, "mode nat44\npref64 " + PREFIX_A + "\nclat-v6 " + CLAT6 + "\ncontrol-socket "
                    + socket + "\n");
            lab.startDaemon(List.of("--config", conf.toString()));
            lab.warmUp();
            // Pings every 0.2 s all through the reload: not one may be lost.
            Process pings = new ProcessBuilder("ip", "netns", "exec", lab.lan, "ping", "-n", "-q", "-c", "15", "-i",
                    "0.2", "198.51.100.10").redirectErrorStream(true).start();
            Files.writeString(conf, "mode nat44\npref64 " + PREFIX_A + "\nclat-v6 " + CLAT6 + "\ncontrol-socket "
                    + socket + "\nworkers lots\n");
            Netns.Result r = Netns.exec(20, CpeLab.jclat("reload", "--socket", socket.toString())
                    .toArray(new String[0]));
            assertEquals(2, r.code(), r.output());
            assertTrue(r.output().contains(conf + ":5: workers must be a whole number"), r.output());
            assertTrue(pings.waitFor(20, TimeUnit.SECONDS));
            String out = new String(pings.getInputStream().readAllBytes());
            assertTrue(out.contains("15 packets transmitted, 15 received"), out + lab.log());
            assertTrue(lab.log().contains("reload refused, the running configuration stays: " + conf + ":5:"),
                    lab.log());
            stopAndAssertNothingLeft();
        } finally {
            Netns.run("rm", "-rf", dir.toString());
        }
    }

    // --- helpers

    /** A real unbound in the provider answering ipv4only.arpa with the WKAs under {@code prefix}. */
    private Unbound providerDns(String prefix, int ttl) throws Exception {
        String base = prefix.substring(0, prefix.indexOf("::") + 2);
        return Unbound.startIn(lab.isp, "2001:db8:100::1", List.of("local-zone: \"ipv4only.arpa.\" static",
                "local-data: \"ipv4only.arpa. " + ttl + " IN AAAA " + base + "c000:aa\""));
    }

    /** One ping from the LAN host, one second to answer; its exit status. */
    private int quickPing() throws IOException {
        return Netns.in(lab.lan, 5, "ping", "-n", "-c", "1", "-W", "1", "198.51.100.10").code();
    }

    private long resumeMillis() throws Exception {
        return resumeMillis(System.nanoTime());
    }

    /** Pings until one is answered; fails if that takes longer than {@link #RESUME_MILLIS} from {@code start}. */
    private long resumeMillis(long start) throws Exception {
        while (quickPing() != 0) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < RESUME_MILLIS, "translation not back " + ms + " ms after the cause cleared: "
                    + lab.statusJson() + "\n" + lab.log());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms <= RESUME_MILLIS, "translation back only after " + ms + " ms");
        return ms;
    }

    private static void report(String drill, long ms) {
        System.out.println("fault drill: " + drill + ": translation resumed " + ms + " ms after the cause cleared");
    }

    /** SIGTERM, then nothing of jclat's may remain in the CPE. */
    private void stopAndAssertNothingLeft() throws Exception {
        lab.stopDaemon();
        assertFalse(Netns.in(lab.cpe, 5, "ip", "link", "show", "clat").code() == 0, "TUN removed");
        assertFalse(Netns.in(lab.cpe, 5, "ip", "route").output().contains("proto 190"), "IPv4 routes removed");
        assertFalse(Netns.in(lab.cpe, 5, "ip", "-6", "route").output().contains("proto 190"), "IPv6 routes removed");
        assertEquals("", Netns.in(lab.cpe, 5, "ip", "-6", "neigh", "show", "proxy").output().strip(),
                "proxy NDP removed");
        assertFalse(Netns.in(lab.cpe, 5, "nft", "list", "tables").output().contains("jclat"), "nft table removed");
    }

    private long counter(String name) throws IOException {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(lab.statusJson());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
