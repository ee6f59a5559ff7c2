package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IPv6-mostly part of the hook {@code jclat.script} (docs/ipv6-mostly.md, "On OpenWrt"), run as jclat
 * runs it (JCLAT_* variables) against STAND-INS: the recording netifd API and {@code netifd-run.sh}, a
 * {@code uci} that keeps the configuration in a file (bin/uci), init scripts for odhcpd and dnsmasq that
 * record "reload", and an {@code /usr/sbin/odhcpd} that is only a file (the hook looks for the option
 * name {@code ipv6_only_preferred} in it, as in odhcpd 25.12 and later). What the stand-ins do was checked
 * against real uci, odhcpd (master 68f3826) and netifd built from their sources (docs/openwrt.md).
 */
class Ipv6MostlyHookStandInTest {
    private static final String OPENWRT_DHCP = "dhcp.lan=dhcp\ndhcp.lan.interface='lan'\ndhcp.lan.start='100'\n"
            + "dhcp.lan.limit='150'\ndhcp.lan.leasetime='12h'\ndhcp.lan.dhcpv4='server'\ndhcp.lan.dhcpv6='server'\n"
            + "dhcp.lan.ra='server'\ndhcp.wan=dhcp\ndhcp.wan.interface='wan'\ndhcp.wan.ignore='1'\n"
            + "dhcp.odhcpd=odhcpd\n";
    private Path root;

    @BeforeEach
    void build() throws IOException {
        assumeTrue(Netns.available(), "needs root for the stand-in's mount namespace");
        root = Files.createTempDirectory("jclat-mostly");
        Path usr = root.resolve("usr");
        OpenWrtFiles.installStandIn(usr, "lib/netifd/netifd-proto.sh");
        Files.createDirectories(usr.resolve("lib/netifd/proto"));
        OpenWrtFiles.installStandIn(usr, "bin/uci");
        OpenWrtFiles.installStandIn(root, "netifd-run.sh");
        OpenWrtFiles.installStandIn(root, "etc/init.d/odhcpd");
        OpenWrtFiles.installStandIn(root, "etc/init.d/dnsmasq");
        OpenWrtFiles.install(OpenWrtFiles.PACKAGE_FILES.resolve("jclat.script"), usr.resolve("lib/netifd/jclat.script"));
        odhcpd(true);
        Files.createDirectories(root.resolve("uci"));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (root != null) {
            Netns.run("rm", "-rf", root.toString());
        }
    }

    @Test
    void odhcpdServingDhcpv4GetsPref64AndOption108WhileRunningOneReloadPerChangeAllGoneInStandby() throws Exception {
        String initial = OPENWRT_DHCP + "dhcp.odhcpd.maindhcp='1'\n";
        uci(initial);
        Netns.Result r = hook("running", "on", "64:ff9b::/96");
        String s = uci();
        assertTrue(s.contains("dhcp.lan.ra_pref64='64:ff9b::/96'\n") && s.contains("dhcp.lan.ipv6_only_preferred='1800'\n"),
                s);
        assertFalse(s.contains("dhcp_option"), "odhcpd gives out the addresses here, not dnsmasq: " + s);
        assertEquals(1, reloads("odhcpd"), calls());
        assertEquals(0, reloads("dnsmasq"), calls());
        assertFalse(Files.exists(root.resolve("uci/committed")), "jclat's values are never committed");
        assertTrue(r.output().contains("ipv6_mostly on (PREF64 64:ff9b::/96, option 108 1800 s): odhcpd reloaded"),
                r.output());

        hook("running", "on", "64:ff9b::/96");
        assertEquals(1, reloads("odhcpd"), "nothing changed, no reload: " + calls());

        hook("running", "on", "2001:db8:64::/96");
        assertTrue(uci().contains("dhcp.lan.ra_pref64='2001:db8:64::/96'\n"), uci());
        assertEquals(2, reloads("odhcpd"), calls());

        hook("standby", "off", "2001:db8:64::/96");
        assertEquals(initial, uci(), "standby takes back all jclat set, its pending changes reverted");
        assertEquals(3, reloads("odhcpd"), calls());
        hook("stopped", "off", "");
        assertEquals(3, reloads("odhcpd"), "nothing left to take back: " + calls());
    }

    @Test
    void dnsmasqServingDhcpv4GetsOption108InItsListBesideTheUsersEntries() throws Exception {
        // OpenWrt's default: odhcpd for RAs, dnsmasq for DHCPv4 (no maindhcp)
        String initial = OPENWRT_DHCP + "dhcp.lan.dhcp_option='6,192.168.1.1'\n";
        uci(initial);
        hook("running", "on", "64:ff9b::/96");
        String s = uci();
        assertTrue(s.contains("dhcp.lan.dhcp_option='6,192.168.1.1' '108,1800'\n"), s);
        assertTrue(s.contains("dhcp.lan.ra_pref64='64:ff9b::/96'\n"), s);
        assertFalse(s.contains("ipv6_only_preferred='"), s);
        assertEquals(1, reloads("odhcpd"), calls());
        assertEquals(1, reloads("dnsmasq"), calls());

        hook("waiting", "off", "");
        assertEquals(initial, uci(), "only jclat's entry goes");
        assertEquals(2, reloads("dnsmasq"), calls());
    }

    @Test
    void valuesSetByHandAreLeftAloneWithOneLogLineEachAndNoReload() throws Exception {
        String initial = OPENWRT_DHCP + "dhcp.lan.ra_pref64='2001:db8:46::/96'\n"
                + "dhcp.lan.dhcp_option='108,900'\n";
        uci(initial);
        Netns.Result r = hook("running", "on", "64:ff9b::/96");
        assertEquals(initial, uci().replace("dhcp.lan.jclat_owner='x'\n", ""), "the user's values stay");
        assertEquals(0, reloads("odhcpd") + reloads("dnsmasq"), calls());
        assertEquals(1, NetifdStandIn.count(r.output(), "dhcp.lan.ra_pref64 is set by hand ('2001:db8:46::/96')"),
                r.output());
        assertEquals(1, NetifdStandIn.count(r.output(), "dhcp.lan.dhcp_option has option 108 set by hand (108,900)"),
                r.output());
        hook("standby", "off", "");
        assertEquals(initial, uci(), "and stay when jclat withdraws");
    }

    @Test
    void aLanNoLongerListedIsCleanedUpAndAnOdhcpdWithoutOption108IsSaidOnce() throws Exception {
        odhcpd(false); // before 25.12: no ipv6_only_preferred
        String initial = OPENWRT_DHCP + "dhcp.odhcpd.maindhcp='1'\n";
        uci(initial);
        Netns.Result r = hook("running", "on", "64:ff9b::/96");
        assertTrue(uci().contains("dhcp.lan.ra_pref64='64:ff9b::/96'\n"), uci());
        assertFalse(uci().contains("ipv6_only_preferred"), uci());
        assertTrue(r.output().contains("no DHCPv4 option 108 on lan: this odhcpd has no ipv6_only_preferred"),
                r.output());
        // the interface's list no longer names lan (changed, jclat restarted): what it set still goes
        hook(Map.of("JCLAT_IPV6_MOSTLY_IFACES", ""), "running", "off", "64:ff9b::/96");
        assertEquals(initial, uci());
        assertEquals(2, reloads("odhcpd"), calls());
    }

    @Test
    void withJclatSendingThePref64OdhcpdGetsNoRaPref64AndOneSetBeforeGoesButOption108StaysAsItWas()
            throws Exception {
        String initial = OPENWRT_DHCP + "dhcp.odhcpd.maindhcp='1'\n";
        uci(initial);
        hook("running", "on", "64:ff9b::/96"); // odhcpd's mode first: it gets ra_pref64
        assertTrue(uci().contains("dhcp.lan.ra_pref64='64:ff9b::/96'\n"), uci());
        // pref64_sender jclat: the handler exports the LANs' logical names, jclat gets their devices
        Map<String, String> jclatSends = Map.of("JCLAT_PREF64_SENDER", "jclat", "JCLAT_IPV6_MOSTLY_LANS", "lan",
                "JCLAT_IPV6_MOSTLY_IFACES", "br-lan");
        hook(jclatSends, "running", "on", "64:ff9b::/96");
        String s = uci();
        assertFalse(s.contains("ra_pref64"), "jclat sends the PREF64 itself: " + s);
        assertTrue(s.contains("dhcp.lan.ipv6_only_preferred='1800'\n"), s);
        assertEquals(2, reloads("odhcpd"), calls());
        hook(jclatSends, "standby", "off", "64:ff9b::/96");
        assertEquals(initial, uci());

        // with dnsmasq serving DHCPv4 (OpenWrt's default), from nothing
        String dnsmasq = OPENWRT_DHCP + "dhcp.lan.dhcp_option='6,192.168.1.1'\n";
        uci(dnsmasq);
        hook(jclatSends, "running", "on", "64:ff9b::/96");
        s = uci();
        assertTrue(s.contains("dhcp.lan.dhcp_option='6,192.168.1.1' '108,1800'\n"), s);
        assertFalse(s.contains("ra_pref64"), s);
        hook(jclatSends, "waiting", "off", "");
        assertEquals(dnsmasq, uci());
    }

    // --- helpers

    private void odhcpd(boolean withOption108) throws IOException {
        OpenWrtFiles.writeExecutable(root.resolve("usr/sbin/odhcpd"), "#!/bin/sh\n# stand-in: odhcpd's option names\n"
                + "# ra_pref64\n" + (withOption108 ? "# ipv6_only_preferred\n" : ""));
    }

    private Netns.Result hook(String state, String mostly, String pref64) throws IOException {
        return hook(Map.of(), state, mostly, pref64);
    }

    /** Runs jclat.script as jclat runs it: from netifd's directory, with the JCLAT_* variables. */
    private Netns.Result hook(Map<String, String> extra, String state, String mostly, String pref64)
            throws IOException {
        Map<String, String> env = new TreeMap<>(Map.of("JCLAT_NAME", "x", "JCLAT_STATE", state, "JCLAT_TUN", "464-x",
                "JCLAT_IPV6_MOSTLY", mostly, "JCLAT_IPV6_MOSTLY_IFACES", "lan", "JCLAT_PREF64", pref64,
                "JCLAT_PREF64_LIFETIME", mostly.equals("on") ? "65528" : "0", "JCLAT_V6ONLY_WAIT", "1800",
                "JCLAT_MODE", "nat44"));
        env.putAll(extra);
        List<String> cmd = new ArrayList<>(List.of("env", "PATH=" + System.getenv("PATH"),
                "UCI_STANDIN_DIR=" + root.resolve("uci")));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of("sh", root.resolve("netifd-run.sh").toString(), root.toString(), "../jclat.script"));
        Netns.Result r = Netns.exec(30, cmd.toArray(new String[0]));
        assertEquals(0, r.code(), r.output());
        return r;
    }

    private void uci(String state) throws IOException {
        Files.writeString(root.resolve("uci/state"), state);
    }

    private String uci() throws IOException {
        return Files.readString(root.resolve("uci/state"));
    }

    private String calls() throws IOException {
        Path f = root.resolve("standin/calls");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private int reloads(String server) throws IOException {
        return NetifdStandIn.count(calls(), server + " reload\n");
    }
}
