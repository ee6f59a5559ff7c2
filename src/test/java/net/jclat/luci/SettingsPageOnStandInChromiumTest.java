package net.jclat.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * jclat's settings page, Network -> CLAT ({@code view/jclat/settings.js}, reached through the package's real
 * menu.d entry and allowed by its real acl.d), in headless Debian chromium on the LuCI STAND-IN, whose
 * validation runs a datatype before the option's own validate and hands that the value the datatype left,
 * as LuCI's validation.js does. The page edits jclat's options on every interface with proto 464xlat.
 */
class SettingsPageOnStandInChromiumTest {
    private static final String PAGE = "/cgi-bin/luci/admin/network/jclat";
    private static final String LENGTH_ERROR = "A NAT64 prefix is /32, /40, /48, /56, /64 or /96 (RFC 6052), not /";

    private StandInBrowser b;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.available(), "needs Debian's chromium and chromium-driver (bin/jclat-setup"
                + " installs them)");
        b = new StandInBrowser(null);
        UciStandIn uci = b.server.uci();
        uci.section("network", "lan", "interface", Map.of("proto", "static", "ipaddr", "192.168.1.1"));
        uci.section("network", "wan6", "interface", Map.of("proto", "dhcpv6", "device", "eth1"));
        uci.section("network", "clat", "interface", Map.of("proto", "464xlat", "tunlink", "wan6",
                "dns64_server", List.of("2001:db8::53")));
        b.open(PAGE, "[data-section-id]");
    }

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
    }

    @Test
    void onlyInterfacesWithProtocol464xlatAreListed() {
        assertEquals(List.of("clat"), b.script("return Array.prototype.map.call("
                + "document.querySelectorAll('[data-section-id]'), function(n) { return n.dataset.sectionId; });"));
    }

    @Test
    void everyRfc6052PrefixSaves() {
        for (String prefix : List.of("64:ff9b::/96", "2001:db8:64::/96", "2001:db8::/32", "2001:db8:100::/40",
                "2001:db8:122::/48", "2001:db8:122:300::/56", "2001:db8:122:344::/64")) {
            b.type("clat", "ip6prefix", prefix);
            assertEquals("saved", b.save(), prefix);
            assertEquals(prefix, b.server.uci().get("network", "clat", "ip6prefix"));
        }
        b.addToList("clat", "pref64", "64:ff9b::/96");
        b.addToList("clat", "pref64", "2001:db8:64::/96");
        assertEquals("saved", b.save());
        assertEquals(List.of("64:ff9b::/96", "2001:db8:64::/96"), b.server.uci().get("network", "clat", "pref64"));
    }

    @Test
    void aPrefixOfAnotherLengthIsRefusedWithTheReason() {
        b.type("clat", "ip6prefix", "2001:db8::/80");
        String result = b.save();
        assertTrue(result.startsWith("error: Option \"NAT64 prefix\" contains an invalid input value. " + LENGTH_ERROR
                + "80"), result);
        assertNull(b.server.uci().get("network", "clat", "ip6prefix"));
        // Host bits past the length and a set u octet (RFC 6052 §2.2) are refused too, as jclat refuses them.
        b.type("clat", "ip6prefix", "2001:db8::1/96");
        assertTrue(b.save().contains("Bits after /96 must be zero"));
        b.type("clat", "ip6prefix", "2001:db8:0:0:ff00::/96");
        assertTrue(b.save().contains("bits 64-71 (u octet) must be zero"));
        // In the failover list the field being typed into holds the bad entry: Save is refused as well.
        b.field("clat", "pref64").sendKeys("64:ff9b::/120");
        b.type("clat", "ip6prefix", "");
        String list = b.save();
        assertTrue(list.startsWith("error: Option \"Failover NAT64 prefixes\"") && list.contains(LENGTH_ERROR + "120"),
                list);
        assertNull(b.server.uci().get("network", "clat", "pref64"));
    }

    @Test
    void dns64ServersAreSavedUnderTheirOwnName() {
        assertEquals(List.of("2001:db8::53"), b.script("return Array.prototype.map.call(document.querySelectorAll("
                + "'[data-name=dns64_server] .item > input'), function(i) { return i.value; });"));
        b.addToList("clat", "dns64_server", "[2001:db8::54]:5353");
        b.addToList("clat", "dns64_server", "192.0.2.53");
        assertEquals("saved", b.save());
        assertEquals(List.of("2001:db8::53", "[2001:db8::54]:5353", "192.0.2.53"),
                b.server.uci().get("network", "clat", "dns64_server"));
        assertNull(b.server.uci().get("network", "clat", "dns"), "the router-wide dns option is not touched");
        b.field("clat", "dns64_server").sendKeys("resolver.example");
        assertTrue(b.save().contains("An IPv4 or IPv6 address, optionally with a port"));
    }

    @Test
    void theOtherOptionsCheckWhatJclatChecks() {
        b.type("clat", "pref64_source", "ra,ldap");
        assertTrue(b.save().contains("Only static, ra and dns"));
        b.type("clat", "pref64_source", "dns,static");
        b.addToList("clat", "eam", "192.0.2.0/24=2001:db8:a::/120");
        b.type("clat", "workers", "4");
        assertEquals("saved", b.save());
        assertEquals("dns,static", b.server.uci().get("network", "clat", "pref64_source"));
        assertEquals(List.of("192.0.2.0/24=2001:db8:a::/120"), b.server.uci().get("network", "clat", "eam"));
        b.type("clat", "workers", "65");
        assertTrue(b.save().contains("Expecting: value between 1 and 64"));
    }

    /** RFC 7757 §3.2: the IPv6 suffix may be longer than the IPv4 one (README, EamEntry), never shorter. */
    @Test
    void anEamWithALongerIpv6SuffixSavesAndOneWithAShorterIsRefused() {
        String page = (String) b.script("return document.body.textContent;");
        assertTrue(page.contains("IPv6 suffix at least as long"), page);
        b.addToList("clat", "eam", "192.0.2.0/24=2001:db8:a::/96");
        assertEquals("saved", b.save());
        assertEquals(List.of("192.0.2.0/24=2001:db8:a::/96"), b.server.uci().get("network", "clat", "eam"));
        b.addToList("clat", "eam", "198.51.100.0/24=2001:db8:b::/124");
        assertTrue(b.save().contains("IPv4 suffix longer than the IPv6 suffix"));
    }

    @Test
    void ipv6MostlyLansAndTheirWaitSaveAndAWaitUnder300IsRefused() {
        b.addToList("clat", "ipv6_mostly", "lan");
        b.type("clat", "v6only_wait", "900");
        assertEquals("saved", b.save());
        assertEquals(List.of("lan"), b.server.uci().get("network", "clat", "ipv6_mostly"));
        assertEquals("900", b.server.uci().get("network", "clat", "v6only_wait"));
        assertNull(b.server.uci().get("network", "clat", "pref64_sender"), "odhcpd, the default, is not saved");
        new Select(b.field("clat", "pref64_sender")).selectByValue("jclat");
        assertEquals("saved", b.save());
        assertEquals("jclat", b.server.uci().get("network", "clat", "pref64_sender"));
        b.type("clat", "v6only_wait", "299");
        assertTrue(b.save().contains("at least 300 (RFC 8925)"));
        // jclat's own limit (RunConfigParser): more would save here and then stop the interface with exit 2
        b.type("clat", "v6only_wait", "2147483647");
        assertEquals("saved", b.save());
        b.type("clat", "v6only_wait", "3000000000");
        assertTrue(b.save().contains("at most 2147483647"));
        b.field("clat", "ipv6_mostly").sendKeys("lan,guest");
        b.type("clat", "v6only_wait", "");
        assertTrue(b.save().contains("Expecting an interface name such as lan"));
    }

    /**
     * RFC 7915 §4.1/§5.1 (TOS) and §4.4/§5.4 (ICMP errors): the boxes show jclat's defaults while the options are
     * unset, an untouched form leaves them unset, a changed box saves the 1/0 the handler reads, and a box put
     * back to the default removes the option again.
     */
    @Test
    void theTosAndIcmpErrorFlagsSaveOnlyWhatTheUserChanged() {
        assertEquals(List.of(false, true), b.script("return [ document.getElementById('widget.cbid.network.clat.ignore_tos')"
                + ".checked, document.getElementById('widget.cbid.network.clat.icmp_errors').checked ];"));
        assertEquals("saved", b.save());
        assertNull(b.server.uci().get("network", "clat", "ignore_tos"), "untouched: jclat's default stays");
        assertNull(b.server.uci().get("network", "clat", "icmp_errors"), "untouched: jclat's default stays");
        b.field("clat", "ignore_tos").click();
        b.field("clat", "icmp_errors").click();
        assertEquals("saved", b.save());
        assertEquals("1", b.server.uci().get("network", "clat", "ignore_tos"));
        assertEquals("0", b.server.uci().get("network", "clat", "icmp_errors"));
        b.field("clat", "ignore_tos").click();
        b.field("clat", "icmp_errors").click();
        assertEquals("saved", b.save());
        assertNull(b.server.uci().get("network", "clat", "ignore_tos"));
        assertNull(b.server.uci().get("network", "clat", "icmp_errors"));
    }

    @Test
    void optionsSetOutsideTheFormAreShownAndKeptBySavingUntouched() throws Exception {
        b.server.uci().section("network", "clat", "interface", Map.of("proto", "464xlat", "tunlink", "wan6",
                "ignore_tos", "1", "icmp_errors", "0"));
        b.open(PAGE, "[data-section-id]");
        assertEquals(List.of(true, false), b.script("return [ document.getElementById('widget.cbid.network.clat.ignore_tos')"
                + ".checked, document.getElementById('widget.cbid.network.clat.icmp_errors').checked ];"));
        assertEquals("saved", b.save());
        assertEquals("1", b.server.uci().get("network", "clat", "ignore_tos"));
        assertEquals("0", b.server.uci().get("network", "clat", "icmp_errors"));
    }

    /** The theme draws a select 210 px wide; each mode's label must fit in it beside the arrow. */
    @Test
    @SuppressWarnings("unchecked")
    void theModeLabelsFitTheirField() {
        Map<String, Object> m = (Map<String, Object>) b.script("var s = document.getElementById("
                + "'widget.cbid.network.clat.mode'), cs = getComputedStyle(s), c = document.createElement('canvas')"
                + ".getContext('2d'); c.font = cs.fontSize + ' ' + cs.fontFamily;"
                + " return { room: s.clientWidth - 24, widths: Array.prototype.map.call(s.options,"
                + " function(o) { return c.measureText(o.text).width; }), labels: Array.prototype.map.call(s.options,"
                + " function(o) { return o.text; }) };");
        double room = ((Number) m.get("room")).doubleValue();
        assertTrue(room > 150, "the theme stand-in sized the select: " + room);
        List<Number> widths = (List<Number>) m.get("widths");
        for (int i = 0; i < widths.size(); i++) {
            assertTrue(widths.get(i).doubleValue() <= room, m.get("labels") + " " + widths + " fit " + room);
        }
        assertEquals(3, widths.size());
    }
}
