package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.ProviderUnbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code hook} program of the real daemon in the CPE lab: it is run with the state in {@code JCLAT_*}
 * variables on start, when a real unbound's RFC 7050 answer changes the NAT64 prefix, while there is no
 * PLAT, and on stop; never twice at once; and under {@code netifd-managed} the daemon leaves the TUN's
 * IPv4 address, the routes and the SNAT to whoever the hook tells (netifd on OpenWrt).
 */
class UpdateHookNamespaceTest {
    private static final String PREFIX_A = "2001:db8:64::/96";
    private static final String PREFIX_B = "2001:db8:65::/96";
    private CpeLab lab;
    private ProviderUnbound dns;
    private Path dir;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        lab.serveSecondPrefix();
        dir = Files.createTempDirectory("jclat-hook");
        // Each call is one line of its JCLAT_* variables; a call that starts while another runs says so.
        Path hook = Files.writeString(dir.resolve("hook"), """
                #!/bin/sh
                here=$(dirname "$0")
                mkdir "$here/running" 2>/dev/null || echo OVERLAP >>"$here/calls"
                env | grep '^JCLAT_' | sort | tr '\\n' '|' >>"$here/calls"
                echo >>"$here/calls"
                sleep 0.3
                rmdir "$here/running"
                """);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            Netns.run("rm", "-rf", dir.toString());
        }
    }

    @Test
    void hookIsToldOfTheStartThePrefixTheDnsAnswerMovesToAndTheStop() throws Exception {
        dns = ProviderUnbound.answering(lab, PREFIX_A);
        lab.startDaemon(List.of("--pref64-source", "dns", "--dns", ProviderUnbound.ADDRESS,
                "--clat-v6", "2001:db8:100::c", "--name", "wan464", "--hook", dir.resolve("hook").toString()));
        Map<String, String> up = awaitCall(c -> "running".equals(c.get("JCLAT_STATE"))
                && PREFIX_A.equals(c.get("JCLAT_PREF64")));
        assertEquals("wan464", up.get("JCLAT_NAME"));
        assertEquals("clat", up.get("JCLAT_TUN"));
        assertEquals("wan0", up.get("JCLAT_UPLINK"));
        assertEquals("nat44", up.get("JCLAT_MODE"));
        assertEquals("dns", up.get("JCLAT_PREF64_SOURCE"));
        assertEquals("192.0.0.1", up.get("JCLAT_CLAT_V4"));
        assertEquals("2001:db8:100::c", up.get("JCLAT_CLAT_V6"));
        assertEquals("0.0.0.0/0", up.get("JCLAT_IPV4_ROUTES"));
        assertEquals("2001:db8:100::c/128", up.get("JCLAT_IPV6_ROUTES"));
        assertEquals("2048", up.get("JCLAT_ROUTE_METRIC"));
        assertEquals("1500", up.get("JCLAT_MTU"));
        assertEquals("1480", up.get("JCLAT_IPV4_MTU"));
        assertEquals("", up.get("JCLAT_ERROR"));

        dns.close();
        dns = ProviderUnbound.answering(lab, PREFIX_B);
        Map<String, String> moved = awaitCall(c -> PREFIX_B.equals(c.get("JCLAT_PREF64")));
        assertEquals("running", moved.get("JCLAT_STATE"));
        assertEquals("0.0.0.0/0", moved.get("JCLAT_IPV4_ROUTES"));

        lab.stopDaemon();
        List<Map<String, String>> calls = calls();
        Map<String, String> last = calls.get(calls.size() - 1);
        assertEquals("stopped", last.get("JCLAT_STATE"), calls.toString());
        assertEquals("", last.get("JCLAT_IPV4_ROUTES"));
        assertEquals("", last.get("JCLAT_IPV6_ROUTES"));
        assertCallsAreSerialAndDistinct();
    }

    @Test
    void withoutPlatTheHookHearsWaitingWithNoRoutesThenStopped() throws Exception {
        dns = ProviderUnbound.answering(lab, null);
        lab.startDaemon(List.of("--dns", ProviderUnbound.ADDRESS, "--clat-v6", "2001:db8:100::c",
                "--hook", dir.resolve("hook").toString()));
        Map<String, String> waiting = awaitCall(c -> "waiting".equals(c.get("JCLAT_STATE")));
        assertEquals("clat", waiting.get("JCLAT_NAME"), "the name defaults to the TUN's");
        assertEquals("", waiting.get("JCLAT_PREF64"));
        assertEquals("", waiting.get("JCLAT_IPV4_ROUTES"));
        Thread.sleep(3000);
        assertTrue(calls().stream().noneMatch(c -> "running".equals(c.get("JCLAT_STATE"))), calls().toString());
        lab.stopDaemon();
        List<Map<String, String>> calls = calls();
        assertEquals("stopped", calls.get(calls.size() - 1).get("JCLAT_STATE"), calls.toString());
        assertCallsAreSerialAndDistinct();
    }

    @Test
    void netifdManagedLeavesAddressRoutesAndSnatToTheHooksReceiver() throws Exception {
        lab.startDaemon(List.of("--pref64", PREFIX_A, "--clat-v6", "2001:db8:100::c", "--netifd-managed", "on",
                "--hook", dir.resolve("hook").toString()));
        Map<String, String> up = awaitCall(c -> "running".equals(c.get("JCLAT_STATE")));
        assertEquals("0.0.0.0/0", up.get("JCLAT_IPV4_ROUTES"), "the hook is told which routes to push");
        assertEquals("2001:db8:100::c/128", up.get("JCLAT_IPV6_ROUTES"));
        String addrs = Netns.in(lab.cpe, 5, "ip", "addr", "show", "dev", "clat").output();
        assertTrue(addrs.contains("UP") && !addrs.contains("192.0.0.1"), "TUN up, no address of ours: " + addrs);
        String routes = Netns.in(lab.cpe, 5, "ip", "route", "show", "table", "all").output()
                + Netns.in(lab.cpe, 5, "ip", "-6", "route", "show", "table", "all").output();
        assertTrue(routes.lines().noneMatch(l -> l.contains("dev clat") && !l.contains("proto kernel")),
                "no route into the TUN but the kernel's own: " + routes);
        assertFalse(Netns.in(lab.cpe, 5, "nft", "list", "tables").output().contains("jclat"), "no SNAT of ours");
        assertTrue(Netns.in(lab.cpe, 5, "ip", "-6", "neigh", "show", "proxy").output().contains("2001:db8:100::c"),
                "jclat still answers NDP for its CLAT address on the uplink");
        lab.stopDaemon();
        assertFalse(Netns.in(lab.cpe, 5, "ip", "link", "show", "clat").code() == 0, "TUN removed on stop");
    }

    // --- helpers

    private List<Map<String, String>> calls() throws IOException {
        Path file = dir.resolve("calls");
        List<Map<String, String>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            Map<String, String> m = new LinkedHashMap<>();
            if (line.equals("OVERLAP")) {
                m.put("OVERLAP", "yes");
            }
            for (String kv : line.split("\\|")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            if (!m.isEmpty()) {
                out.add(m);
            }
        }
        return out;
    }

    private Map<String, String> awaitCall(Predicate<Map<String, String>> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (Map<String, String> c : calls()) {
                if (wanted.test(c)) {
                    return c;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such hook call in " + calls() + "\n" + lab.log());
    }

    private void assertCallsAreSerialAndDistinct() throws IOException {
        List<Map<String, String>> calls = calls();
        assertTrue(calls.stream().noneMatch(c -> c.containsKey("OVERLAP")), "hook ran twice at once: " + calls);
        for (int i = 1; i < calls.size(); i++) {
            assertFalse(calls.get(i).equals(calls.get(i - 1)), "the same state delivered twice: " + calls);
        }
    }
}
