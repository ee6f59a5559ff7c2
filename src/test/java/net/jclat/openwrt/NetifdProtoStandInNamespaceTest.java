package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    private NetifdStandIn netifd;
    private Path root;
    private String iface;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        lab.serveSecondPrefix();
        netifd = new NetifdStandIn(lab);
        iface = netifd.iface;
        root = netifd.root;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (netifd != null) {
            netifd.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void setupPushesAddressRouteAndSnatAPrefixChangeUpdatesAndTeardownKillsTheDaemon() throws Exception {
        dns = ProviderUnbound.answering(lab, PREFIX_A);
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"pref64_source\":\"dns\","
                + "\"dns64_server\":[\"" + ProviderUnbound.ADDRESS + "\"],\"workers\":2}", "");
        String calls = calls();
        assertTrue(calls.contains("proto_add_host_dependency " + iface + " :: wan6\n"), calls);
        assertTrue(calls.contains("proto_export JCLAT_ZONE=wan\n"), calls);
        assertTrue(calls.contains("proto_run_command " + iface + " /usr/bin/jclat run --uplink wan0"
                + " --tun 464-" + iface + " --name " + iface + " --netifd-managed on --hook"
                + " /lib/netifd/jclat.script --clat-v6 2001:db8:100::c --workers 2 --pref64-source dns"
                + " --dns " + ProviderUnbound.ADDRESS + "\n"), calls);

        String up = "proto_init_update 464-" + iface + " 1\n"
                + "proto_add_ipv4_address 192.0.0.1 32\n"
                // the default route with the IPv4 MTU, in netifd's route data (no proto_add_ipv4_route argument)
                + "json_add_array routes\njson_add_object \njson_add_string target 0.0.0.0\n"
                + "json_add_string netmask 0\njson_add_int metric 2048\njson_add_int mtu 1480\njson_close_object\n"
                + "json_close_array\n"
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
        assertFalse(command().contains("rename"), "dns64_server is the option's name: " + command());
        String route = Netns.in(lab.cpe, 5, "ip", "route", "show", "default").output();
        assertTrue(route.contains("dev 464-" + iface + " ") && route.contains(" metric 2048 ")
                && route.contains(" mtu 1480"), "netifd installs the route's MTU: " + route);
        // the LAN reaches 198.51.100.10 through what the handler pushed
        Netns.Result ping = lab.lanPing();
        assertEquals(0, ping.code(), ping.output() + command() + Netns.in(lab.cpe, 5, "ip", "route").output()
                + Netns.in(lab.cpe, 5, "ip", "addr").output());

        // unbound restarts with the other prefix; on a loaded machine that outage can outlast the prefix's
        // TTL, and jclat then says "waiting" in between: what counts is the next "up" update.
        String upNow = "proto_init_update 464-" + iface + " 1\n";
        int ups = count(calls(), upNow);
        dns.close();
        dns = ProviderUnbound.answering(lab, PREFIX_B);
        awaitCalls(upNow, ups + 1);
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", ups + 1);
        String first = c.substring(c.indexOf(up), c.indexOf("proto_send_update", c.indexOf(up)));
        String now = calls();
        int start = now.lastIndexOf(upNow);
        assertEquals(first, now.substring(start, now.indexOf("proto_send_update", start)),
                "the same netifd state again after the prefix moved: " + now + command());
        CpeLab.ip(lab.isp, "-6", "route", "replace", "unreachable", PREFIX_A);
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), "the datapath follows the new prefix: " + r.output() + command());
        // The handler passes no fast_path, so the default (auto) applies: under netifd the kernel fast path
        // translates too, with the new prefix (it needs only the ifindexes and the configuration).
        Thread.sleep(1200); // the status file is written once a second
        String st = Files.readString(root.resolve("status.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"packets_6to4\":(\\d+)").matcher(st);
        assertTrue(st.contains("\"fast_path\":{\"state\":\"translating\"") && m.find()
                && Long.parseLong(m.group(1)) >= 2, "the fast path carried the replies: " + st);

        String before = calls();
        handler("teardown", "{}", "");
        awaitExit();
        assertEquals("0", netifd.exitStatus(), command());
        String after = calls().substring(before.length());
        assertEquals("proto_kill_command " + iface + "\n", after, "teardown only kills; stopped pushes nothing");
        assertFalse(Netns.in(lab.cpe, 5, "ip", "link", "show", "464-" + iface).code() == 0, "TUN removed");
        assertEquals(1, count(calls(), "proto_run_command"), "one start, no restarts: " + calls());
    }

    @Test
    void withoutPlatTheInterfaceStaysPendingWithAnErrorAndNoRestartThenComesUpAndAnOldDnsStillWorks()
            throws Exception {
        dns = ProviderUnbound.answering(lab, null);
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"dns\":[\""
                + ProviderUnbound.ADDRESS + "\"],\"zone\":\"wan\"}", "");
        // The old option name still reaches jclat, and the log says once how to rename it.
        assertTrue(calls().contains(" --dns " + ProviderUnbound.ADDRESS + "\n"), calls());
        assertEquals(1, count(command(), "uci rename network." + iface + ".dns=dns64_server"), command());
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
        Netns.Result ping = lab.lanPing();
        assertEquals(0, ping.code(), ping.output() + calls() + command() + Netns.in(lab.cpe, 5, "ip", "route").output());
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void aBadOptionEndsInOneClearErrorAndARestartBlockNotALoop() throws Exception {
        handler("setup", "{\"tunlink\":\"wan6\",\"mode\":\"bogus\"}", "");
        awaitExit();
        String exit = netifd.exitStatus();
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
                "array pref64", "string pref64_source", "array dns64_server", "string mode", "array eam",
                "int workers")) {
            assertTrue(calls.contains("config " + o + "\n"), o + ": " + calls);
        }
        // netifd hands every interface's "dns" to the handler anyway and uses it as router resolvers.
        assertFalse(calls.contains("config array dns\n"), calls);
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

    /** RFC 7915 §4.1/§5.1 (TOS) and §4.4/§5.4 (ICMP errors): UCI booleans become jclat run's on/off flags. */
    @Test
    void ignoreTosIcmpErrorsAndUdpZeroChecksumReachJclatRunAndJclatTakesThem() throws Exception {
        handler("dump", null, "");
        for (String o : List.of("boolean ignore_tos", "boolean icmp_errors", "string udp_zero_checksum")) {
            assertTrue(calls().contains("config " + o + "\n"), o + ": " + calls());
        }
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"ip6prefix\":\"" + PREFIX_A
                + "\",\"ignore_tos\":true,\"icmp_errors\":false,\"udp_zero_checksum\":\"drop\"}", "");
        assertTrue(calls().contains(" --ignore-tos on --icmp-errors off "), calls());
        assertTrue(calls().contains(" --udp-zero-checksum drop "), calls());
        // jclat accepted them: it came up and pushed its data (a bad value would have exited with 2)
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", 1);
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void theOppositeValuesArePassedTooAndUnsetOnesNotAtAll() throws Exception {
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6prefix\":\"" + PREFIX_A
                + "\",\"ignore_tos\":false,\"icmp_errors\":true}", "");
        assertTrue(calls().contains(" --ignore-tos off --icmp-errors on "), calls());
        handler("teardown", "{}", "");
        awaitExit();
        Files.delete(root.resolve("standin/calls"));
        Files.delete(root.resolve("standin/command.exit"));
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6prefix\":\"" + PREFIX_A + "\"}", "");
        String run = calls();
        assertTrue(run.contains("proto_run_command"), run);
        // unset: jclat's own defaults (TOS copied, errors sent, zero checksums computed)
        assertFalse(run.contains("--ignore-tos") || run.matches("(?s).*--icmp-errors[ \n].*")
                || run.contains("--udp-zero-checksum"), run);
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void aSecondUplinksOptionsReachJclatRun() throws Exception {
        handler("dump", null, "");
        assertTrue(calls().contains("config string plat_down_routes\n"), calls());
        assertTrue(calls().contains("config int route_metric\n"), calls());
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"ip6prefix\":\"" + PREFIX_A
                + "\",\"plat_probe\":[\"198.51.100.10:80\"],\"plat_down_routes\":\"withdraw\","
                + "\"route_metric\":3000}", "");
        assertTrue(calls().contains(" --plat-down-routes withdraw "), calls());
        assertTrue(calls().contains(" --route-metric 3000 "), calls());
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", 1);
        handler("teardown", "{}", "");
        awaitExit();
    }

    /**
     * docs/openwrt.md: {@code option config} is read before the UCI options. A file made for a plain Linux
     * box (Debian's example sets {@code uplink eth0}) must not move jclat off the handler's uplink, TUN,
     * name, hook or netifd mode.
     */
    @Test
    void aConfigFileCannotOverrideTheHandlersUplinkTunNameOrHook() throws Exception {
        Path file = root.resolve("plain-linux.conf");
        Files.writeString(file, "uplink eth9\ntun x\nname other\nnetifd-managed off\nhook /bin/true\nworkers 1\n");
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6prefix\":\"" + PREFIX_A + "\",\"config\":\"" + file
                + "\",\"workers\":2}", "");
        assertTrue(calls().contains("proto_run_command " + iface + " /usr/bin/jclat run --config " + file
                + " --uplink wan0 --tun 464-" + iface + " --name " + iface + " --netifd-managed on --hook"
                + " /lib/netifd/jclat.script --workers 2 "), calls());
        // jclat came up on wan0 and its hook pushed the handler's TUN (eth9 and x do not exist)
        awaitCalls("proto_init_update 464-" + iface + " 1\n", 1);
        awaitCalls("proto_close_data\nproto_send_update " + iface + "\n", 1);
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void ipv6MostlyLansArePassedByTheirLogicalNamesWithJclatsOwnRasOff() throws Exception {
        handler("dump", null, "");
        assertTrue(calls().contains("config array ipv6_mostly\n") && calls().contains("config int v6only_wait\n"),
                calls());
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6prefix\":\"" + PREFIX_A + "\",\"ipv6_mostly\":[\"lan\",\"guest\"],"
                + "\"v6only_wait\":900}", "");
        // odhcpd advertises the PREF64 on OpenWrt (the hook sets it), so jclat sends no RAs of its own
        assertTrue(calls().contains(" --ipv6-mostly lan --ipv6-mostly guest --ipv6-mostly-ra off --v6only-wait 900\n"),
                calls());
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void withPref64SenderJclatTheLansDevicesArePassedWithJclatsOwnRasOnAndTheHookGetsTheirNames() throws Exception {
        handler("dump", null, "");
        assertTrue(calls().contains("config string pref64_sender\n"), calls());
        // the stand-in's network_get_device knows lan (the lab's lan0) but not guest: guest is left out
        Files.writeString(root.resolve("standin/device.lan"), "lan0");
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6prefix\":\"" + PREFIX_A + "\",\"ipv6_mostly\":[\"lan\",\"guest\"],"
                + "\"v6only_wait\":900,\"pref64_sender\":\"jclat\"}", "");
        assertTrue(calls().contains(" --ipv6-mostly lan0 --ipv6-mostly-ra on --v6only-wait 900\n"), calls());
        assertTrue(calls().contains("proto_export JCLAT_PREF64_SENDER=jclat\nproto_export JCLAT_IPV6_MOSTLY_LANS=lan\n"),
                calls());
        assertEquals(1, count(command(), "ipv6_mostly guest has no device yet"), command());
        handler("teardown", "{}", "");
        awaitExit();
    }

    @Test
    void anUnknownPref64SenderIsAnErrorAndNothingRuns() throws Exception {
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6prefix\":\"" + PREFIX_A + "\",\"ipv6_mostly\":[\"lan\"],"
                + "\"pref64_sender\":\"radvd\"}", "");
        assertTrue(calls().contains("proto_notify_error " + iface + " BAD_PREF64_SENDER radvd\n"), calls());
        assertFalse(calls().contains("proto_run_command"), calls());
    }

    @Test
    void withoutIpv6MostlyNoneOfItsFlagsArePassed() throws Exception {
        handler("setup", "{\"tunlink\":\"wan6\",\"ip6prefix\":\"" + PREFIX_A + "\",\"v6only_wait\":900}", "");
        assertFalse(calls().contains("--ipv6-mostly") || calls().contains("--v6only-wait"), calls());
        handler("teardown", "{}", "");
        awaitExit();
    }

    // --- helpers

    private void handler(String action, String data, String error) throws IOException {
        netifd.handler(action, data, error);
    }

    private String calls() throws IOException {
        return netifd.calls();
    }

    private String command() throws IOException {
        return netifd.log();
    }

    private void awaitCalls(String needle, int times) throws Exception {
        netifd.awaitCalls(needle, times);
    }

    private void awaitExit() throws Exception {
        netifd.awaitExit();
    }

    private static int count(String text, String needle) {
        return NetifdStandIn.count(text, needle);
    }
}
