package net.jclat.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The real 464XLAT protocol form ({@code protocol/464xlat.js}) loaded in headless chromium on the LuCI
 * STAND-IN, whose recording form classes keep what the form declares: the UCI options jclat's netifd
 * handler reads, on the right tabs, and validation that refuses what jclat would refuse.
 */
class ProtocolFormOnStandInChromiumTest {
    private Path work;
    private LuciStandInServer server;
    private WebDriver driver;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.available(), "needs Debian's chromium and chromium-driver (bin/jclat-setup"
                + " installs them)");
        work = Files.createTempDirectory("jclat-form");
        server = new LuciStandInServer(new RpcdPlugin(RpcdPlugin.Shell.dash(), work.resolve("run")));
        driver = HeadlessChromium.start(work);
        driver.get(server.url("/standin/protocol/464xlat"));
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> d.findElement(By.id("view")).getText()
                .startsWith("protocol ") || !d.findElement(By.id("standin-error")).getText().isEmpty());
        assertEquals("protocol 464xlat declared", driver.findElement(By.id("view")).getText(),
                driver.findElement(By.id("standin-error")).getText());
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** What option {@code name}'s validate function says about {@code value}: true or the error text. */
    private Object validate(String name, String value) {
        return HeadlessChromium.script(driver, "var name = arguments[0], value = arguments[1];"
                + " var o = window.standInForm.options.filter(function(x) { return x.option == name; })[0];"
                + " return o.validate('wan6', value);", name, value);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFormDeclaresStockAndJclatOptionsOnTheirTabs() {
        List<Map<String, Object>> options = (List<Map<String, Object>>) HeadlessChromium.script(driver,
                "return window.standInForm.options.map(function(o) { return { option: o.option, tab: o.tab,"
                        + " widget: o.widget, datatype: o.datatype || '', values: o.values }; });");
        List<String> declared = options.stream().map(o -> o.get("tab") + ":" + o.get("option") + ":" + o.get("widget")
                + ":" + o.get("datatype")).toList();
        assertEquals(List.of(
                "general:ip6prefix:form.Value:cidr6",
                "general:pref64:form.DynamicList:cidr6",
                "general:pref64_source:form.Value:",
                "general:dns:form.DynamicList:",
                "general:mode:form.ListValue:",
                "advanced:tunlink:widgets.NetworkSelect:",
                "advanced:zone:widgets.ZoneSelect:",
                "advanced:mtu:form.Value:range(1280,9200)",
                "advanced:eam:form.DynamicList:",
                "advanced:workers:form.Value:range(1,64)"), declared);
        assertEquals(List.of("nat44", "prefix", "siit"), options.get(4).get("values"));
        assertEquals("jclat", HeadlessChromium.script(driver, "return window.standInForm.packageName;"));
        assertEquals("464xlat", HeadlessChromium.script(driver, "return window.standInForm.protocol;"));
    }

    @Test
    void validationRefusesWhatJclatRefuses() {
        assertEquals(true, validate("ip6prefix", "64:ff9b::/96"));
        assertEquals(true, validate("ip6prefix", ""));
        // RFC 6052 §2.2 lengths only.
        assertEquals("A NAT64 prefix is /32, /40, /48, /56, /64 or /96 (RFC 6052)", validate("ip6prefix",
                "2001:db8::/80"));
        assertEquals(true, validate("pref64_source", "dns,static"));
        assertEquals("Only static, ra and dns", validate("pref64_source", "ra,ldap"));
        assertEquals("Each source at most once", validate("pref64_source", "ra,ra"));
        assertEquals(true, validate("dns", "[2001:db8::53]:5353"));
        assertEquals(true, validate("dns", "192.0.2.53"));
        assertEquals("An IPv4 or IPv6 address, optionally with a port", validate("dns", "resolver.example"));
        assertEquals(true, validate("eam", "192.0.2.0/24=2001:db8:a::/120"));
        assertEquals("Expected IPV4PREFIX=IPV6PREFIX", validate("eam", "192.0.2.0/24"));
    }
}
