package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first-boot script uci-defaults/90-jclat against a RECORDING STAND-IN for OpenWrt's {@code uci}
 * command (src/test/resources/openwrt-standin/bin/uci; libuci does not run on Debian), for a WAN with
 * native IPv4, an IPv6-only WAN, and a router that already has a 464xlat interface.
 */
class UciDefaultsStandInTest {
    @TempDir
    Path dir;

    private Netns.Result run(String state) throws Exception {
        OpenWrtFiles.installStandIn(dir, "bin/uci");
        Files.writeString(dir.resolve("state"), state);
        return Netns.exec(30, "env", "UCI_STANDIN_DIR=" + dir, "PATH=" + dir.resolve("bin") + ":/usr/bin:/bin",
                "sh", OpenWrtFiles.REPO.resolve("uci-defaults/90-jclat").toString());
    }

    private String state() throws Exception {
        return Files.readString(dir.resolve("state"));
    }

    @Test
    void anIpv6OnlyWanGetsA464xlatInterfaceOnWan6Committed() throws Exception {
        Netns.Result r = run("network.lan=interface\nnetwork.lan.proto='static'\n"
                + "network.wan6=interface\nnetwork.wan6.proto='dhcpv6'\n");
        assertEquals(0, r.code(), r.output());
        String s = state();
        assertTrue(s.contains("network.wan464='interface'\n") && s.contains("network.wan464.proto='464xlat'\n")
                && s.contains("network.wan464.tunlink='wan6'\n") && s.contains("network.wan464.zone='wan'\n"), s);
        assertEquals("network\n", Files.readString(dir.resolve("committed")));
        assertTrue(r.output().contains("added interface wan464"), r.output());
    }

    @Test
    void aLanWithAnIpv6PrefixBecomesIpv6MostlyOnTheNewInterfaceOnly() throws Exception {
        Netns.Result r = run("network.lan=interface\nnetwork.lan.proto='static'\nnetwork.lan.ip6assign='60'\n"
                + "network.wan6=interface\nnetwork.wan6.proto='dhcpv6'\n");
        assertEquals(0, r.code(), r.output());
        assertTrue(state().contains("network.wan464.ipv6_mostly='lan'\n"), state());
        assertEquals("network\n", Files.readString(dir.resolve("committed")));
        // without IPv6 on the LAN: off
        Files.delete(dir.resolve("base"));
        Files.delete(dir.resolve("committed"));
        run("network.lan=interface\nnetwork.lan.proto='static'\nnetwork.wan6=interface\nnetwork.wan6.proto='dhcpv6'\n");
        assertFalse(state().contains("ipv6_mostly"), state());
        // an existing 464xlat interface is not changed
        String before = "network.lan=interface\nnetwork.lan.ip6assign='60'\nnetwork.clat=interface\n"
                + "network.clat.proto='464xlat'\n";
        Files.delete(dir.resolve("base"));
        run(before);
        assertEquals(before, state());
    }

    @Test
    void aWanWithProtoNoneCountsAsIpv6OnlyAndADhcpv6InterfaceIsFoundByProtocol() throws Exception {
        Netns.Result r = run("network.wan=interface\nnetwork.wan.proto='none'\n"
                + "network.up6=interface\nnetwork.up6.proto='dhcpv6'\n");
        assertEquals(0, r.code(), r.output());
        assertTrue(state().contains("network.wan464.tunlink='up6'\n"), state());
    }

    @Test
    void aWanWithNativeIpv4IsLeftAlone() throws Exception {
        String before = "network.wan=interface\nnetwork.wan.proto='dhcp'\n"
                + "network.wan6=interface\nnetwork.wan6.proto='dhcpv6'\n";
        Netns.Result r = run(before);
        assertEquals(0, r.code(), r.output());
        assertEquals(before, state());
        assertFalse(Files.exists(dir.resolve("committed")));
        assertTrue(r.output().contains("wan has IPv4 (proto dhcp)"), r.output());
        assertFalse(Files.readString(dir.resolve("calls")).contains("uci set"));
    }

    @Test
    void anExisting464xlatInterfaceIsKept() throws Exception {
        String before = "network.wan6=interface\nnetwork.wan6.proto='dhcpv6'\n"
                + "network.clat=interface\nnetwork.clat.proto='464xlat'\n";
        Netns.Result r = run(before);
        assertEquals(0, r.code(), r.output());
        assertEquals(before, state());
    }

    @Test
    void anOldDnsOptionOfJclatsIsRenamedToDns64ServerAndOtherInterfacesKeepTheirDns() throws Exception {
        Netns.Result r = run("network.lan=interface\nnetwork.lan.proto='static'\nnetwork.lan.dns='192.0.2.53'\n"
                + "network.wan6=interface\nnetwork.wan6.proto='dhcpv6'\n"
                + "network.clat=interface\nnetwork.clat.proto='464xlat'\n"
                + "network.clat.dns='2001:db8::53' '2001:db8::54'\n"
                + "network.both=interface\nnetwork.both.proto='464xlat'\nnetwork.both.dns='2001:db8::1'\n"
                + "network.both.dns64_server='2001:db8::2'\n"
                + "jclat.side=jclat\njclat.side.dns='2001:db8::55'\n");
        assertEquals(0, r.code(), r.output());
        String s = state();
        assertTrue(s.contains("network.clat.dns64_server='2001:db8::53' '2001:db8::54'\n")
                && !s.contains("network.clat.dns="), s);
        assertTrue(s.contains("jclat.side.dns64_server='2001:db8::55'\n") && !s.contains("jclat.side.dns="), s);
        // not jclat's: a LAN's resolvers, and a 464xlat interface that already has both (dns is netifd's there)
        assertTrue(s.contains("network.lan.dns='192.0.2.53'\n") && s.contains("network.both.dns='2001:db8::1'\n")
                && s.contains("network.both.dns64_server='2001:db8::2'\n"), s);
        assertEquals("network\njclat\n", Files.readString(dir.resolve("committed")));
        assertTrue(r.output().contains("network.clat: option dns renamed to dns64_server"), r.output());
    }

    @Test
    void noIpv6UplinkAddsNothingButStillExitsZeroSoItRunsOnce() throws Exception {
        Netns.Result r = run("network.lan=interface\nnetwork.lan.proto='static'\n");
        assertEquals(0, r.code(), r.output());
        assertFalse(state().contains("464xlat"));
        assertTrue(r.output().contains("no IPv6 uplink"), r.output());
    }
}
