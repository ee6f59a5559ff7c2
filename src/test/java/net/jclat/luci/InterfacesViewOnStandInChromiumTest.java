package net.jclat.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 464xlat interface in the STAND-IN of LuCI's Network -> Interfaces editor (luci-standin-interfaces.js), in
 * headless Debian chromium: luci-app-jclat ships no protocol form (luci-proto-ipv6 owns
 * {@code protocol/464xlat.js}), the stock form's prefix field saves a prefix, and the interfaces view, which
 * replaces a protocol option named {@code dns} with its own "Use custom DNS servers" and drops it while that
 * is hidden, leaves jclat's {@code dns64_server} alone. Also checks that the stand-in hands a custom validate
 * the value a datatype left, as LuCI does.
 */
class InterfacesViewOnStandInChromiumTest {
    private StandInBrowser b;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.available(), "needs Debian's chromium and chromium-driver (bin/jclat-setup"
                + " installs them)");
        b = new StandInBrowser(null);
        b.server.uci().section("network", "wan6", "interface", Map.of("proto", "dhcpv6", "device", "eth1"));
        b.server.uci().section("network", "clat", "interface", Map.of("proto", "464xlat", "tunlink", "wan6",
                "dns64_server", List.of("2001:db8::53", "192.0.2.53")));
    }

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
    }

    @Test
    void thePackageShipsNoProtocolFormSoTheStockOneIsUsed() {
        assertFalse(Files.exists(RpcdPlugin.PACKAGE.resolve("htdocs/luci-static/resources/protocol")),
                "protocol/ files belong to luci-proto-* packages");
        b.open("/standin/interface/clat", "[data-section-id]");
        assertEquals("stand-in of luci-proto-ipv6", b.script("return window.standInForm.from;"));
    }

    @Test
    void theStockFormSavesAPrefixAndLeavesDns64ServersAlone() {
        b.open("/standin/interface/clat", "[data-section-id]");
        b.type("clat", "ip6prefix", "2001:db8:64::/96");
        b.type("clat", "mtu", "1420");
        assertEquals("saved", b.save());
        assertEquals("2001:db8:64::/96", b.server.uci().get("network", "clat", "ip6prefix"));
        assertEquals("1420", b.server.uci().get("network", "clat", "mtu"));
        assertEquals(List.of("2001:db8::53", "192.0.2.53"), b.server.uci().get("network", "clat", "dns64_server"));
        assertNull(b.server.uci().get("network", "clat", "dns"));
        assertNoProtocolOptionIsReplaced();
    }

    /** Why jclat's option is not called dns: the interfaces view drops a protocol option of that name. */
    @Test
    void theInterfacesViewDropsAnOptionNamedDnsWhilePeerDnsIsOn() {
        b.server.uci().section("network", "old", "interface", Map.of("proto", "464xlat",
                "dns", List.of("2001:db8::53")));
        b.open("/standin/interface/old", "[data-section-id]");
        assertEquals("Use custom DNS servers", b.script("return window.standInForm.options.filter(function(o)"
                + " { return o.option == 'dns'; })[0].title;"));
        assertEquals("saved", b.save());
        assertNull(b.server.uci().get("network", "old", "dns"), "hidden while peerdns is on, so removed");
    }

    /** The stand-in's order, as LuCI's: datatype first, then validate with the value the datatype left. */
    @Test
    void aCustomValidateGetsWhatTheDatatypeLeft() {
        b.open("/standin/interface/clat", "[data-section-id]");
        assertEquals(List.of("96", "", "2001:db8::/96"), b.script("var seen = [], i = document.createElement('input');"
                + " document.body.appendChild(i); var V = window.standInModules.validation;"
                + " i.value = '2001:db8::/96'; V.create(i, 'cidr6', true, function(v) { seen.push(v); return true; })"
                + ".validate(); i.value = ''; V.create(i, 'cidr6', true, function(v) { seen.push(v); return true; })"
                + ".validate(); i.value = '2001:db8::/96'; V.create(i, 'string', true, function(v) { seen.push(v);"
                + " return true; }).validate(); return seen;"));
    }

    /** The options the protocol form declares that the interfaces view replaced: none may be jclat's. */
    private void assertNoProtocolOptionIsReplaced() {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) b.script("return window.standInForm.options.map(function(o)"
                + " { return o.option; });");
        for (String jclat : List.of("dns64_server", "pref64", "pref64_source", "mode", "eam", "workers")) {
            assertFalse(names.contains(jclat), jclat + " is not in the interface form: " + names);
        }
        assertTrue(names.containsAll(List.of("ip6prefix", "tunlink", "mtu", "dns", "peerdns")), names.toString());
    }
}
