package net.jclat.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How the real status view ({@code view/jclat/status.js}) looks in headless Debian chromium on the LuCI
 * STAND-IN (with the stand-in of the default theme's rules that matter: a badge is upper-cased): status
 * files written here are read by the real rpcd plugin. The stale state is a badge holding the word only,
 * its sentence plain text; equal rates in both directions leave both graph lines visible, counted in the
 * pixels the browser paints.
 */
class LuciStatusLooksOnStandInChromiumTest {
    private static final String PAGE = "/cgi-bin/luci/admin/status/jclat";

    private Path statusDir;
    private StandInBrowser b;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.available(), "needs Debian's chromium and chromium-driver (bin/jclat-setup"
                + " installs them)");
        statusDir = Files.createTempDirectory("jclat-status");
        b = new StandInBrowser(statusDir);
    }

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        StandInBrowser.deleteTree(statusDir);
    }

    /** Writes clat.json as the daemon does (whole file, then rename) with these counters. */
    private void writeStatus(long in4, long in6) throws Exception {
        String json = "{\"state\":\"running\",\"mode\":\"nat44\",\"pref64\":\"64:ff9b::/96\",\"pref64_source\":"
                + "\"static\",\"pref64_expires_in\":-1,\"tun\":\"clat\",\"tun_mtu\":1500,\"ipv4_mtu\":1480,"
                + "\"uplink\":\"wan0\",\"workers\":1,\"uptime_seconds\":10,\"counters\":{\"ipv4_in_packets\":" + in4
                + ",\"ipv6_in_packets\":" + in6 + "},\"drops\":{},\"prefixes\":[]}";
        Path tmp = statusDir.resolve(".clat.json.tmp");
        Files.writeString(tmp, json);
        Files.move(tmp, statusDir.resolve("clat.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aStaleInstanceShowsTheWordInABadgeAndTheSentenceAsText() throws Exception {
        writeStatus(1, 1);
        Files.setLastModifiedTime(statusDir.resolve("clat.json"), FileTime.from(Instant.now().minusSeconds(90)));
        b.open(PAGE, "[data-field=state]");
        assertEquals("stale", b.script("return document.querySelector('[data-field=state]').dataset.value;"));
        assertEquals(List.of("stale"), b.script("return Array.prototype.map.call(document.querySelectorAll("
                + "'[data-field=state] .label'), function(e) { return e.textContent; });"));
        String shown = (String) b.script("return document.querySelector('[data-field=state]').innerText;");
        assertTrue(shown.matches("STALE no update for \\d+m \\d+s; is jclat still running\\?"),
                "the badge is upper-cased by the theme, the sentence is not: " + shown);
    }

    @Test
    @SuppressWarnings("unchecked")
    void equalRatesInBothDirectionsLeaveBothLinesVisible() throws Exception {
        writeStatus(0, 0);
        b.open(PAGE, "svg.jclat-graph");
        long n = 0;
        Instant end = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(end) && ((Number) b.script("var g = document.querySelector("
                + "'svg.jclat-graph'); return g ? +g.dataset.samples : 0;")).intValue() < 6) {
            n += 50;
            writeStatus(n, n);
            Thread.sleep(500);
        }
        assertEquals(b.script("return document.querySelector('.jclat-graph-4to6').getAttribute('points');"),
                b.script("return document.querySelector('.jclat-graph-6to4').getAttribute('points');"),
                "equal rates draw the same line in both directions");
        // Paint the graph as drawn into a canvas and count each line's colour.
        b.script("window.pixels = null; var g = document.querySelector('svg.jclat-graph').cloneNode(true);"
                + " g.setAttribute('xmlns', 'http://www.w3.org/2000/svg'); g.setAttribute('width', 600);"
                + " var img = new Image(), c = document.createElement('canvas'); c.width = 600; c.height = 150;"
                + " img.onload = function() { var x = c.getContext('2d'); x.drawImage(img, 0, 0);"
                + " var d = x.getImageData(0, 0, 600, 150).data, blue = 0, green = 0;"
                + " for (var i = 0; i < d.length; i += 4) { if (d[i+3] < 200) continue;"
                + " if (Math.abs(d[i] - 31) + Math.abs(d[i+1] - 119) + Math.abs(d[i+2] - 180) < 40) blue++;"
                + " if (Math.abs(d[i] - 44) + Math.abs(d[i+1] - 160) + Math.abs(d[i+2] - 44) < 40) green++; }"
                + " window.pixels = { blue: blue, green: green }; };"
                + " img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(g.outerHTML);");
        new WebDriverWait(b.driver, Duration.ofSeconds(5)).until(d -> b.script("return window.pixels;") != null);
        Map<String, Number> px = (Map<String, Number>) b.script("return window.pixels;");
        long blue = px.get("blue").longValue(), green = px.get("green").longValue();
        assertTrue(blue >= 15 && green >= 15 && blue > green / 4 && green > blue / 4,
                "both lines show: IPv4->IPv6 " + blue + " px, IPv6->IPv4 " + green + " px");
    }
}
