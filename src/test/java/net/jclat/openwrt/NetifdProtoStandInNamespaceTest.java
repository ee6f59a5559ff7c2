package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.ProviderUnbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenWrt's netifd protocol handler {@code 464xlat.sh} and its update hook {@code jclat.script}, run in
 * the CPE lab's namespace with the real daemon, against a RECORDING STAND-IN for netifd's shell API
 * (src/test/resources/openwrt-standin: netifd, ubus and fw4 cannot run here). The stand-in records each
 * {@code proto_*} and {@code json_*} call and then does what netifd and fw4 would with an update
 * (address, routes, SNAT), so the LAN's ping proves the pushed data is enough. A real unbound answers
 * RFC 7050 in the provider, and its answer changes under the running daemon.
 */
class NetifdProtoStandInNamespaceTest {
    private static final String PREFIX_A = "2001:db8:64::/96";
    private static final String PREFIX_B = "2001:db8:65::/96";
    private CpeLab lab;
    private ProviderUnbound dns;
    private Path root;
    private String iface;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        lab.serveSecondPrefix();
        iface = "x" + lab.net.suffix; // the TUN is 464-<iface>, within the 15 characters of a device name
        root = Files.createTempDirectory("jclat-openwrt");
        OpenWrtFiles.installStandIn(root, "lib/functions.sh");
        OpenWrtFiles.installStandIn(root, "lib/functions/network.sh");
        OpenWrtFiles.installStandIn(root, "lib/netifd/netifd-proto.sh");
        OpenWrtFiles.install(OpenWrtFiles.PACKAGE_FILES.resolve("464xlat.sh"), root.resolve("lib/netifd/proto/464xlat.sh"));
        OpenWrtFiles.install(OpenWrtFiles.PACKAGE_FILES.resolve("jclat.script"), root.resolve("lib/netifd/jclat.script"));
        // /usr/bin/jclat: the jar on the test classpath; status file and socket in this test's root.
        OpenWrtFiles.writeExecutable(root.resolve("usr/bin/jclat"), "#!/bin/sh\nexec "
                + String.join(" ", CpeLab.jclat().stream().map(a -> "'" + a + "'").toList()) + " \"$@\""
                + " --status-file " + root.resolve("status.json") + " --control-socket " + root.resolve("ctl.sock")
                + "\n");
        Files.createDirectories(root.resolve("standin"));
        Files.writeString(root.resolve("standin/wan6"), "wan6");
        Files.writeString(root.resolve("standin/device.wan6"), "wan0");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (root != null && Files.exists(root.resolve("standin/command.pid"))) {
            Netns.exec(5, "kill", "-KILL", Files.readString(root.resolve("standin/command.pid")).strip());
        }
        if (dns != null) {
            dns.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (root != null) {
            Netns.run("rm", "-rf", root.toString());
        }
    }

    @Test
    void setupPushesAddressRouteAndSnatAPrefixChangeUpdatesAndTeardownKillsTheDaemon() throws Exception {
        dns = ProviderUnbound.answering(lab, PREFIX_A);
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"pref64_source\":\"dns\","
                + "\"dns\":[\"" + ProviderUnbound.ADDRESS + "\"],\"workers\":2}", "");
        String calls = calls();
        assertTrue(calls.contains("proto_add_host_dependency " + iface + " :: wan6\n"), calls);
        assertTrue(calls.contains("proto_export JCLAT_ZONE=wan\n"), calls);
        assertTrue(calls.contains("proto_run_command " + iface + " " + root.resolve("usr/bin/jclat") + " run --uplink wan0"
                + " --tun 464-" + iface + " --name " + iface + " --netifd-managed on --hook "
                + root.resolve("lib/netifd/jclat.script") + " --clat-v6 2001:db8:100::c --workers 2 --pref64-source dns"
                + " --dns " + ProviderUnbound.ADDRESS + "\n"), calls);

        String up = "proto_init_update 464-" + iface + " 1\n"
                + "proto_add_ipv4_address 192.0.0.1 32\n"
                + "proto_add_ipv4_route 0.0.0.0 0   2048\n"
                + "proto_add_ipv6_route 2001:db8:100::c 128  2048\n"
                + "proto_add_data\n"
                + "json_add_string zone wan\n"
                + "json_add_array firewall\n"
                + "json_add_object \njson_add_string type nat\njson_add_string target SNAT\n"
                + "json_add_string family inet\njson_add_string snat_ip 192.0.0.1\njson_close_object\n";
        awaitCalls(up, 1);
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", 1);
        String c = calls();
        assertTrue(c.contains("json_add_string src_ip 2001:db8:100::c\n")
                && c.contains("json_add_string dest_ip 2001:db8:100::c\n"), "IPv6 forward rules for the CLAT: " + c);
        assertTrue(c.contains("json_close_array\nproto_close_data\nproto_send_update " + iface + "\n"), c);
        // the LAN reaches 198.51.100.10 through what the handler pushed
        Netns.Result ping = lab.lanPing();
        assertEquals(0, ping.code(), ping.output() + command() + Netns.in(lab.cpe, 5, "ip", "route").output()
                + Netns.in(lab.cpe, 5, "ip", "addr").output());

        int updates = count(calls(), "proto_send_update " + iface);
        dns.close();
        dns = ProviderUnbound.answering(lab, PREFIX_B);
        awaitCalls("proto_send_update " + iface + "\n", updates + 1);
        String first = c.substring(c.indexOf(up), c.indexOf("proto_send_update", c.indexOf(up)));
        String now = calls();
        assertEquals(first, now.substring(now.lastIndexOf("proto_init_update"), now.lastIndexOf("proto_send_update")),
                "the same netifd state again after the prefix moved: " + now);
        CpeLab.ip(lab.isp, "-6", "route", "replace", "unreachable", PREFIX_A);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), "the datapath follows the new prefix: " + r.output() + command());

        String before = calls();
        handler("teardown", "{}", "");
        awaitExit();
        assertEquals("0", Files.readString(root.resolve("standin/command.exit")).strip(), command());
        String after = calls().substring(before.length());
        assertEquals("proto_kill_command " + iface + "\n", after, "teardown only kills; stopped pushes nothing");
        assertFalse(Netns.in(lab.cpe, 5, "ip", "link", "show", "464-" + iface).code() == 0, "TUN removed");
        assertEquals(1, count(calls(), "proto_run_command"), "one start, no restarts: " + calls());
    }

    @Test
    void withoutPlatTheInterfaceStaysPendingWithAnErrorAndNoRestartThenComesUp() throws Exception {
        dns = ProviderUnbound.answering(lab, null);
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"dns\":[\""
                + ProviderUnbound.ADDRESS + "\"],\"zone\":\"wan\"}", "");
        awaitCalls("proto_notify_error " + iface + " NO_PLAT ", 1);
        Thread.sleep(4000);
        String calls = calls();
        assertTrue(calls.contains("proto_init_update 464-" + iface + " 0\n"), calls);
        assertFalse(calls.contains("proto_init_update 464-" + iface + " 1"), "not up without a PLAT: " + calls);
        assertEquals(1, count(calls, "proto_notify_error"), "one error, not one per retry: " + calls);
        assertEquals(1, count(calls, "proto_run_command"), calls);
        assertFalse(Files.exists(root.resolve("standin/command.exit")), "jclat keeps running: " + command());

        dns.close();
        dns = ProviderUnbound.answering(lab, PREFIX_A);
        awaitCalls("proto_init_update 464-" + iface + " 1\n", 1);
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", 1); // applied by the stand-in
        lab.warmUp();
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void aBadOptionEndsInOneClearErrorAndARestartBlockNotALoop() throws Exception {
        handler("setup", "{\"tunlink\":\"wan6\",\"mode\":\"bogus\"}", "");
        awaitExit();
        String exit = Files.readString(root.resolve("standin/command.exit")).strip();
        assertEquals("2", exit, command());
        assertTrue(command().contains("mode"), "jclat says what is wrong: " + command());
        // netifd runs teardown with the command's exit status in ERROR.
        handler("teardown", "{}", exit);
        String calls = calls();
        assertTrue(calls.contains("proto_notify_error " + iface + " JCLAT_BAD_CONFIG\nproto_block_restart " + iface
                + "\n"), calls);
    }

    @Test
    void openWrtsIp6prefixIsTheNat64PrefixAndNeedsNoDns() throws Exception {
        // OpenWrt's own 464xlat hands ip6prefix to nat46 as the PLAT's prefix; with no DNS64 running here,
        // the interface can only come up if the handler passes it on as jclat's static prefix.
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"ip6prefix\":\"" + PREFIX_A
                + "\",\"pref64\":[\"" + PREFIX_B + "\"]}", "");
        assertTrue(calls().contains(" --pref64 " + PREFIX_A + " --pref64 " + PREFIX_B + "\n"), calls());
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", 1);
        Netns.Result ping = lab.lanPing();
        assertEquals(0, ping.code(), ping.output() + command());
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void withoutAnIpv6UplinkSetupSaysSoAndStartsNothing() throws Exception {
        Files.delete(root.resolve("standin/wan6"));
        handler("setup", "{}", "");
        assertTrue(calls().contains("proto_notify_error " + iface + " NO_WAN_LINK\n"), calls());
        assertFalse(calls().contains("proto_run_command"), calls());
    }

    @Test
    void theDumpListsOpenWrtsOptionsAndJclats() throws Exception {
        handler("dump", null, "");
        String calls = calls();
        for (String o : List.of("string ip6prefix", "string ip6addr", "string tunlink", "string zone", "int mtu",
                "array pref64", "string pref64_source", "array dns", "string mode", "array eam", "int workers")) {
            assertTrue(calls.contains("config " + o + "\n"), o + ": " + calls);
        }
    }

    @Test
    void allowWkpNonGlobalIsABooleanOptionPassedAsJclatRunsFlag() throws Exception {
        handler("dump", null, "");
        assertTrue(calls().contains("config boolean allow_wkp_non_global\n"), calls());
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"ip6prefix\":\"" + PREFIX_A
                + "\",\"allow_wkp_non_global\":true}", "");
        assertTrue(calls().contains(" --allow-wkp-non-global on "), calls());
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", 1);
        handler("teardown", "{}", "");
        awaitExit();
    }

    // --- helpers

    /** Runs {@code 464xlat.sh 464xlat ACTION IFACE DATA} in the CPE namespace, as netifd would. */
    private void handler(String action, String data, String error) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.cpe, "env",
                "IPKG_INSTROOT=" + root, "PATH=" + System.getenv("PATH")));
        if (!error.isEmpty()) {
            cmd.add("ERROR=" + error);
        }
        cmd.addAll(List.of("sh", root.resolve("lib/netifd/proto/464xlat.sh").toString(), "464xlat", action));
        if (data != null) {
            cmd.addAll(List.of(iface, data));
        }
        Netns.Result r = Netns.exec(30, cmd.toArray(new String[0]));
        assertEquals(0, r.code(), action + ": " + r.output());
    }

    private String calls() throws IOException {
        Path f = root.resolve("standin/calls");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private String command() throws IOException {
        Path f = root.resolve("standin/command.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private void awaitCalls(String needle, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (count(calls(), needle) < times) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + times + "x '" + needle + "' in:\n" + calls() + "\n" + command());
            }
            Thread.sleep(100);
        }
    }

    private void awaitExit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(root.resolve("standin/command.exit"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jclat did not exit: " + command());
            }
            Thread.sleep(100);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
