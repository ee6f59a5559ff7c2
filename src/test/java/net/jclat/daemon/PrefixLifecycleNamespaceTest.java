package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.RouterAdvertisements;
import net.jclat.testsupport.Tayga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT64 prefix life cycle of the real daemon in namespaces: a real unbound in the provider answers
 * {@code ipv4only.arpa} (RFC 7050), real Router Advertisements with PREF64 (RFC 8781) are sent with scapy,
 * and the server holds the address of 198.51.100.10 under two prefixes, 2001:db8:64::/96 and
 * 2001:db8:65::/96, so a switch between them can be seen working — and a prefix made unreachable in the
 * provider shows traffic really moved. The failover test replaces the server with two real PLATs (TAYGA)
 * in front of an IPv4-only host and kills one.
 */
class PrefixLifecycleNamespaceTest {
    private static final String PREFIX_A = "2001:db8:64::/96";
    private static final String PREFIX_B = "2001:db8:65::/96";
    private static final String DNS = "[2001:db8:100::1]:53";
    private CpeLab lab;
    private Process unbound;
    private Path unboundDir;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        lab.serveSecondPrefix();
    }

    @AfterEach
    void tearDown() throws Exception {
        stopUnbound();
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void dnsPrefixIsUsedAndAChangedAnswerIsFollowedWithoutRestartOrLostCounters() throws Exception {
        startUnbound("local-data: \"ipv4only.arpa. 2 IN AAAA 2001:db8:64::c000:aa\"");
        lab.startDaemon(List.of("--pref64-source", "dns", "--dns", DNS, "--clat-v6", "2001:db8:100::c"));
        awaitStatus("\"pref64\":\"" + PREFIX_A + "\"", 10);
        assertTrue(lab.statusJson().contains("\"pref64_source\":\"dns\""), lab.statusJson());
        lab.warmUp();
        await(() -> counter("translated_4to6") > 0, 3, () -> "no count: " + lab.statusJson());
        long before = counter("translated_4to6");

        stopUnbound();
        startUnbound("local-data: \"ipv4only.arpa. 2 IN AAAA 2001:db8:65::c000:aa\"");
        awaitStatus("\"pref64\":\"" + PREFIX_B + "\"", 10);
        // The old prefix no longer leads anywhere: replies prove the datapath uses the new one.
        CpeLab.ip(lab.isp, "-6", "route", "replace", "unreachable", PREFIX_A);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        assertEquals(1, count(lab.log(), "translating on clat"), "no restart: " + lab.log());
        await(() -> counter("translated_4to6") >= before + 2, 3, () -> "counters carried on: " + lab.statusJson());
        lab.stopDaemon();
    }

    @Test
    void withoutNat64TheDaemonWaitsWithoutAStormAndStartsWhenAPrefixAppears() throws Exception {
        startUnbound(); // ipv4only.arpa is a static local zone without data: NXDOMAIN
        lab.startDaemon(List.of("--dns", DNS, "--clat-v6", "2001:db8:100::c", "--retry-initial-s", "1",
                "--retry-max-s", "2"));
        awaitStatus("\"state\":\"waiting for PLAT\"", 5);
        Thread.sleep(5000);
        String json = lab.statusJson();
        assertTrue(json.contains("\"state\":\"waiting for PLAT\"") && json.contains("no NAT64"), json);
        assertFalse(Netns.in(lab.cpe, 5, "ip", "route").output().contains("proto 190"),
                "no IPv4 route into the TUN without a PLAT");
        assertTrue(Netns.in(lab.cpe, 5, "ip", "link", "show", "clat").code() == 0, "the TUN stays up");
        // Back-off 1, 2, 2, ... s: a handful of queries in 5 s, and one log line for the state.
        int queries = count(unboundLog(), "ipv4only.arpa. AAAA");
        assertTrue(queries >= 2 && queries <= 6, queries + " queries in ~6 s: " + unboundLog());
        assertEquals(1, count(lab.log(), "RFC 7050 discovery: no NAT64"), lab.log());
        assertTrue(lab.daemon().isAlive());

        stopUnbound();
        startUnbound("local-data: \"ipv4only.arpa. 300 IN AAAA 2001:db8:64::c000:aa\"");
        awaitStatus("\"state\":\"running\"", 6);
        lab.warmUp();
        lab.stopDaemon();
        assertFalse(Netns.in(lab.cpe, 5, "ip", "route").output().contains("proto 190"), "routes removed");
    }

    @Test
    void raPref64IsAnnouncedChangedAndWithdrawn() throws Exception {
        lab.startDaemon(List.of("--pref64-source", "ra", "--clat-v6", "2001:db8:100::c"));
        awaitStatus("\"state\":\"waiting for PLAT\"", 5);
        sendRa(PREFIX_A, 1800);
        awaitStatus("\"pref64\":\"" + PREFIX_A + "\"", 5);
        assertTrue(lab.statusJson().contains("\"pref64_source\":\"ra\""), lab.statusJson());
        lab.warmUp();

        sendRa(PREFIX_B, 1800);
        sendRa(PREFIX_A, 0);
        awaitStatus("\"pref64\":\"" + PREFIX_B + "\"", 5);
        CpeLab.ip(lab.isp, "-6", "route", "replace", "unreachable", PREFIX_A);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());

        sendRa(PREFIX_B, 0);
        awaitStatus("\"state\":\"waiting for PLAT\"", 5);
        assertFalse(Netns.in(lab.cpe, 5, "ip", "route").output().contains("proto 190"), "IPv4 routes withdrawn");
        lab.stopDaemon();
    }

    @Test
    void nativeIpv4DefaultRouteOnTheUplinkPutsTheClatInStandbyAndBack() throws Exception {
        lab.startDaemon(List.of("--pref64", PREFIX_A, "--clat-v6", "2001:db8:100::c"));
        awaitStatus("\"state\":\"running\"", 5);
        assertTrue(Netns.in(lab.cpe, 5, "ip", "route").output().contains("proto 190"));
        CpeLab.ip(lab.cpe, "addr", "add", "100.64.0.2/24", "dev", "wan0");
        CpeLab.ip(lab.cpe, "route", "add", "default", "via", "100.64.0.1", "dev", "wan0");
        awaitStatus("\"state\":\"standby: native IPv4\"", 5);
        String routes = Netns.in(lab.cpe, 5, "ip", "route").output();
        assertFalse(routes.contains("proto 190"), "jclat's IPv4 route withdrawn: " + routes);
        assertTrue(routes.contains("default via 100.64.0.1"), routes);

        CpeLab.ip(lab.cpe, "route", "del", "default", "via", "100.64.0.1", "dev", "wan0");
        awaitStatus("\"state\":\"running\"", 5);
        lab.warmUp();
        lab.stopDaemon();
    }

    @Test
    void failsOverWhenTheActivePlatStopsAnsweringAndFailsBackWhenItReturns() throws Exception {
        // Two real PLATs in the provider: TAYGA for each prefix, with its own IPv4 pool, in front of an
        // IPv4-only server 198.51.100.10. Port 7 there is closed: its RST, translated back by the PLAT,
        // proves the path through a prefix works.
        lab.addIpv4Server();
        CpeLab.ip(lab.isp, "-6", "route", "del", PREFIX_A);
        CpeLab.ip(lab.isp, "-6", "route", "del", PREFIX_B);
        Path plats = Files.createTempDirectory("jclat-plats");
        try {
            Tayga a = Tayga.start(lab.isp, plats.resolve("a"), "plat64a", PREFIX_A, "100.64.1");
            Tayga.start(lab.isp, plats.resolve("b"), "plat64b", PREFIX_B, "100.64.2");
            lab.startDaemon(List.of("--pref64", PREFIX_A, "--pref64", PREFIX_B, "--clat-v6", "2001:db8:100::c",
                    "--plat-probe", "198.51.100.10:7", "--plat-probe-interval-s", "1",
                    "--plat-probe-timeout-ms", "500", "--plat-probe-fall", "2", "--plat-probe-rise", "2"));
            awaitStatus("\"health\":\"healthy\",\"active\":true", 10);
            assertTrue(lab.statusJson().contains("\"pref64\":\"" + PREFIX_A + "\""), lab.statusJson());
            lab.warmUp();

            a.stop();
            awaitStatus("\"pref64\":\"" + PREFIX_B + "\"", 10);
            assertTrue(lab.statusJson().contains("\"health\":\"failing\""), lab.statusJson());
            Netns.Result r = lab.lanPing();
            assertEquals(0, r.code(), r.output() + lab.log());

            a.restart();
            awaitStatus("\"pref64\":\"" + PREFIX_A + "\"", 10);
            r = lab.lanPing();
            assertEquals(0, r.code(), r.output() + lab.log());
            assertTrue(lab.log().contains("PLAT behind " + PREFIX_A + " is now failing")
                    && lab.log().contains("PLAT behind " + PREFIX_A + " is now healthy"), lab.log());
            lab.stopDaemon();
        } finally {
            Tayga.stopAll(plats, "a", "b");
        }
    }

    // --- helpers

    private void awaitStatus(String needle, int seconds) throws Exception {
        lab.awaitStatus(needle, seconds);
    }

    private interface Message {
        String get() throws IOException;
    }

    private static void await(BooleanSupplier condition, int seconds, Message message) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(100);
        }
    }

    private long counter(String name) {
        try {
            Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(lab.statusJson());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** A real unbound in the provider namespace at [2001:db8:100::1]:53, authoritative for ipv4only.arpa. */
    private void startUnbound(String... data) throws Exception {
        unboundDir = Files.createTempDirectory("jclat-unbound");
        StringBuilder conf = new StringBuilder("server:\n");
        List<String> lines = new ArrayList<>(List.of("interface: 2001:db8:100::1", "port: 53", "do-ip4: no",
                "do-daemonize: no", "chroot: \"\"", "username: \"\"", "directory: \"" + unboundDir + "\"",
                "pidfile: \"\"", "use-syslog: no", "logfile: \"" + unboundDir.resolve("log") + "\"",
                "log-queries: yes", "verbosity: 1", "num-threads: 1", "module-config: \"iterator\"",
                "access-control: ::/0 allow", "local-zone: \"ipv4only.arpa.\" static"));
        lines.addAll(List.of(data));
        for (String l : lines) {
            conf.append("  ").append(l).append('\n');
        }
        conf.append("remote-control:\n  control-enable: no\n");
        Path file = Files.writeString(unboundDir.resolve("unbound.conf"), conf, StandardCharsets.UTF_8);
        unbound = new ProcessBuilder("ip", "netns", "exec", lab.isp, "/usr/sbin/unbound", "-d", "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(unboundDir.resolve("out").toFile()).start();
        await(() -> {
            try {
                return Netns.in(lab.isp, 5, "ss", "-Hlnu").output().contains("[2001:db8:100::1]:53");
            } catch (IOException e) {
                return false;
            }
        }, 5, () -> "unbound did not start: " + Files.readString(unboundDir.resolve("out")));
    }

    private String unboundLog() throws IOException {
        Path log = unboundDir.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void stopUnbound() throws Exception {
        if (unbound != null) {
            unbound.destroy();
            unbound.waitFor(5, TimeUnit.SECONDS);
            unbound = null;
        }
        if (unboundDir != null) {
            try (var files = Files.list(unboundDir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(unboundDir);
            unboundDir = null;
        }
    }

    /** One real Router Advertisement with PREF64 (PLC 0: /96) from the provider router, sent with scapy. */
    private void sendRa(String prefix, int lifetimeSeconds) throws IOException {
        RouterAdvertisements.sendPref64(lab.isp, "down0", prefix, 0, lifetimeSeconds);
    }
}
