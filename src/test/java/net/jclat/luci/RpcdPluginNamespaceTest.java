package net.jclat.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rpcd exec plugin {@code luci.jclat} against a RUNNING daemon in the CPE namespaces: {@code list} and
 * {@code call getStatus} parsed as JSON and checked against the daemon's own prefix and counters, under
 * Debian's dash and under BusyBox ash with BusyBox applets (OpenWrt's shell); no daemon, a stopped daemon
 * and a dead daemon's stale file handled cleanly; shellcheck clean.
 */
class RpcdPluginNamespaceTest {
    private CpeLab lab;
    private Path work;
    private Path statusDir;
    private final List<RpcdPlugin> plugins = new ArrayList<>();

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        work = Files.createTempDirectory("jclat-rpcd");
        statusDir = Files.createDirectory(work.resolve("run"));
        plugins.add(new RpcdPlugin(RpcdPlugin.Shell.dash(), statusDir));
        RpcdPlugin.Shell busybox = RpcdPlugin.Shell.busybox(work.resolve("busybox-bin"));
        assertNotNull(busybox, "bin/jclat-setup installs busybox: the plugin must run under OpenWrt's shell");
        plugins.add(new RpcdPlugin(busybox, statusDir));
        lab = CpeLab.build();
        // The plugin reads a directory of *.json; the lab's status file is linked in under the name "clat".
        Files.createSymbolicLink(statusDir.resolve("clat.json"), lab.status);
        lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--clat-v6", "2001:db8:100::c"));
        lab.awaitStatus("\"state\":\"running\"", 10);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static long counter(Map<String, Object> status, String name) {
        return ((Number) map(status.get("counters")).get(name)).longValue();
    }

    /** The daemon's own answer on its control socket: the live truth to compare with. */
    private Map<String, Object> controlStatus() throws Exception {
        Netns.Result r = Netns.exec(20, CpeLab.jclat("status", "--json", "--socket", lab.controlSocket().toString())
                .toArray(new String[0]));
        assertEquals(0, r.code(), r.output());
        return RpcdPlugin.object(r.output());
    }

    @Test
    void listPrintsTheMethodSignature() throws Exception {
        for (RpcdPlugin p : plugins) {
            RpcdPlugin.Result r = p.run("", "list");
            assertEquals(0, r.code(), r.stderr());
            assertEquals(Map.of("getStatus", Map.of()), RpcdPlugin.object(r.stdout()));
        }
    }

    @Test
    void getStatusShowsTheRunningDaemonsPrefixAndCounters() throws Exception {
        lab.warmUp();
        Netns.Result ping = Netns.in(lab.lan, 30, "ping", "-n", "-c", "5", "-i", "0.2", "-w", "10", "198.51.100.10");
        assertEquals(0, ping.code(), ping.output());
        for (RpcdPlugin p : plugins) {
            long floor = counter(controlStatus(), "ipv4_in_packets");
            assertTrue(floor >= 7, "warm-up and 5 pings went through: " + floor);
            // The file is rewritten every second: wait until it has caught up with the traffic.
            Map<String, Object> clat = null;
            for (int i = 0; i < 30; i++) {
                Map<String, Object> all = p.getStatus();
                assertEquals(List.of("clat"), List.copyOf(all.keySet()), "one instance, named after its file");
                clat = map(all.get("clat"));
                if (counter(clat, "ipv4_in_packets") >= floor) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals("running", clat.get("state"));
            assertEquals("2001:db8:64::/96", clat.get("pref64"));
            assertEquals("static", clat.get("pref64_source"));
            assertEquals("2001:db8:100::c", clat.get("clat_ipv6"));
            assertEquals("192.0.0.1", clat.get("clat_ipv4"));
            assertEquals("clat", clat.get("tun"));
            assertTrue(((Number) clat.get("status_age_seconds")).longValue() <= 2, clat.toString());
            Map<String, Object> live = controlStatus();
            for (String c : List.of("ipv4_in_packets", "ipv6_out_packets", "ipv6_in_packets", "ipv4_out_packets",
                    "ipv4_in_bytes", "ipv6_in_bytes", "translated_4to6", "translated_6to4")) {
                long v = counter(clat, c);
                assertTrue(v >= 7 && v <= counter(live, c), p + " " + c + ": " + v + " vs live " + counter(live, c));
            }
        }
    }

    @Test
    void noDaemonIsAnEmptyObjectNotAnError() throws Exception {
        lab.stopDaemon(); // its file goes; the link to it dangles
        for (RpcdPlugin p : plugins) {
            assertEquals(Map.of(), p.getStatus());
            assertEquals(Map.of(), new RpcdPlugin(RpcdPlugin.Shell.dash(), work.resolve("no-such-dir")).getStatus());
        }
    }

    @Test
    void aDeadDaemonsFileShowsItsAgeAndJunkIsLeftOut() throws Exception {
        // kill -9 leaves the last status file behind: the plugin reports how old it is.
        Path old = statusDir.resolve("wan6.json");
        Files.writeString(old, lab.statusJson());
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(600)));
        Files.writeString(statusDir.resolve("junk.json"), "not json\n");
        Files.writeString(statusDir.resolve("bad name.json"), "{\"state\":\"running\"}");
        for (RpcdPlugin p : plugins) {
            Map<String, Object> all = p.getStatus();
            assertEquals(List.of("clat", "wan6"), all.keySet().stream().sorted().toList(), all.toString());
            long age = ((Number) map(all.get("wan6")).get("status_age_seconds")).longValue();
            assertTrue(age >= 600 && age < 700, "age " + age);
            assertEquals("2001:db8:64::/96", map(all.get("wan6")).get("pref64"));
        }
    }

    @Test
    void unknownMethodsAndUsageFailWithTheirExitCodes() throws Exception {
        for (RpcdPlugin p : plugins) {
            RpcdPlugin.Result r = p.run("{}", "call", "reboot");
            assertEquals(3, r.code(), "UBUS_STATUS_METHOD_NOT_FOUND");
            assertTrue(r.stderr().contains("unknown method 'reboot'"), r.stderr());
            assertEquals(1, p.run("", "help").code());
        }
    }

    @Test
    void thePackagesShellFilesAreShellcheckClean() throws Exception {
        Netns.Result r = Netns.exec(30, "shellcheck", "-s", "sh", RpcdPlugin.SCRIPT.toString());
        assertEquals(0, r.code(), r.output());
    }
}
