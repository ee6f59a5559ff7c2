package net.jclat.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The real LuCI status view ({@code view/jclat/status.js}) in headless Debian chromium, driven through
 * chromedriver, on the LuCI STAND-IN ({@link LuciStandInServer} and {@code luci-standin.js}: LuCI's own
 * runtime cannot run here) whose ubus calls run the real rpcd plugin on the real daemon's status file:
 * the page shows the daemon's prefix and counters, and its packets-per-second graph rises while pings
 * flow through the CLAT.
 */
class LuciStatusViewOnStandInChromiumTest {
    private static final String INSTANCE = "[data-instance='clat'] ";

    private CpeLab lab;
    private Path work;
    private LuciStandInServer server;
    private WebDriver driver;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        assumeTrue(HeadlessChromium.available(),
                "needs Debian's chromium and chromium-driver (bin/jclat-setup installs them)");
        work = Files.createTempDirectory("jclat-luci");
        Path statusDir = Files.createDirectory(work.resolve("run"));
        lab = CpeLab.build();
        Files.createSymbolicLink(statusDir.resolve("clat.json"), lab.status);
        lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--clat-v6", "2001:db8:100::c"));
        lab.awaitStatus("\"state\":\"running\"", 10);
        server = new LuciStandInServer(new RpcdPlugin(RpcdPlugin.Shell.dash(), statusDir));
        driver = HeadlessChromium.start(work);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
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

    /**
     * An attribute read inside the page in one step: the view rebuilds its DOM on every poll, so an
     * element found first and read later may already be gone.
     */
    private String attribute(String css, String attribute) {
        Object v = ((JavascriptExecutor) driver).executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, attribute);
        return v == null ? null : v.toString();
    }

    private String field(String name) {
        return attribute(INSTANCE + "[data-field='" + name + "']", "data-value");
    }

    private String graph(String direction, String attribute) {
        return attribute(INSTANCE + "svg.jclat-graph polyline.jclat-graph-" + direction, attribute);
    }

    private String diagnostics() throws Exception {
        Object errors = ((JavascriptExecutor) driver).executeScript("return window.standInErrors;");
        return "\nstand-in errors: " + errors + "\nubus calls: " + server.calls() + "\nstatus file: "
                + lab.statusJson() + "\npage: " + driver.findElement(By.id("view")).getText();
    }

    /** Waits until the page shows {@code name} with a value {@code ok} accepts; returns that value. */
    private long awaitField(String name, LongPredicate ok, int seconds) throws Exception {
        long[] seen = {Long.MIN_VALUE};
        try {
            new WebDriverWait(driver, Duration.ofSeconds(seconds)).until(d -> {
                String v = field(name);
                if (v == null) {
                    return false;
                }
                seen[0] = Long.parseLong(v);
                return ok.test(seen[0]);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(name + " never acceptable, last " + seen[0] + diagnostics());
        }
        return seen[0];
    }

    @SuppressWarnings("unchecked")
    private long fileCounter(String name) throws Exception {
        return ((Number) ((Map<String, Object>) RpcdPlugin.object(lab.statusJson()).get("counters")).get(name))
                .longValue();
    }

    private long fileCounterUnchecked(String name) {
        try {
            return fileCounter(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The largest rate on the graph line: its lowest point, scaled by the label on the y axis. */
    private static double highestPoint(String points) {
        double minY = Double.MAX_VALUE;
        for (String p : points.strip().split(" ")) {
            if (!p.isEmpty()) {
                minY = Math.min(minY, Double.parseDouble(p.split(",")[1]));
            }
        }
        return minY;
    }

    @Test
    void thePageShowsTheDaemonsPrefixAndCountersAndTheGraphFollowsTraffic() throws Exception {
        lab.warmUp();
        driver.get(server.url("/cgi-bin/luci/admin/status/jclat"));
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> field("pref64") != null
                || !d.findElement(By.id("standin-error")).getText().isEmpty());
        Map<String, Object> file = RpcdPlugin.object(lab.statusJson());
        assertEquals("2001:db8:64::/96", field("pref64"), diagnostics());
        assertEquals(file.get("pref64"), field("pref64"));
        assertEquals("running", field("state"));
        assertEquals("nat44", field("mode"));
        assertEquals("2001:db8:100::c", field("clat_ipv6"));
        assertEquals("192.0.0.1", field("clat_ipv4"));
        assertEquals("clat", field("tun"));
        assertEquals("2", field("workers"));
        assertEquals("off", field("fast_path"), "the lab runs the TUN path: " + diagnostics());
        assertEquals("static", field("candidate-source"));
        assertEquals("not probed", field("candidate-health"));

        // Quiet now: the page catches up with exactly the counters in the daemon's file.
        long quiet = awaitField("ipv4_in_packets", v -> v == fileCounterUnchecked("ipv4_in_packets"), 10);
        assertTrue(quiet >= 2, "the warm-up pings were counted: " + quiet);
        awaitField("ipv6_in_packets", v -> v == fileCounterUnchecked("ipv6_in_packets"), 10);
        String pointsBefore = graph("4to6", "points");

        // 40 pings at 5 per second: while they flow the graph must show a rate in both directions.
        CompletableFuture<Netns.Result> ping = CompletableFuture.supplyAsync(() -> {
            try {
                return Netns.in(lab.lan, 30, "ping", "-n", "-q", "-c", "40", "-i", "0.2", "198.51.100.10");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        double peak4 = 0;
        double peak6 = 0;
        while (!ping.isDone()) {
            peak4 = Math.max(peak4, Double.parseDouble(graph("4to6", "data-last-rate")));
            peak6 = Math.max(peak6, Double.parseDouble(graph("6to4", "data-last-rate")));
            Thread.sleep(250);
        }
        assertEquals(0, ping.get().code(), ping.get().output());
        // Let the last poll that saw the traffic in (one poll every 2 s).
        long deadline = System.nanoTime() + 6_000_000_000L;
        while ((peak4 < 2 || peak6 < 2) && System.nanoTime() < deadline) {
            peak4 = Math.max(peak4, Double.parseDouble(graph("4to6", "data-last-rate")));
            peak6 = Math.max(peak6, Double.parseDouble(graph("6to4", "data-last-rate")));
            Thread.sleep(250);
        }
        assertTrue(peak4 >= 2 && peak4 <= 20, "IPv4->IPv6 rate seen while 5 pings/s flowed: " + peak4
                + diagnostics());
        assertTrue(peak6 >= 2 && peak6 <= 20, "IPv6->IPv4 rate seen: " + peak6 + diagnostics());
        String pointsAfter = graph("4to6", "points");
        assertNotEquals(pointsBefore, pointsAfter, "the graph moved");
        assertTrue(highestPoint(pointsAfter) < 140, "the line rose above the baseline: " + pointsAfter);

        long busy = awaitField("ipv4_in_packets", v -> v >= quiet + 40
                && v == fileCounterUnchecked("ipv4_in_packets"), 10);
        assertTrue(busy <= quiet + 45, "40 pings, not more: " + quiet + " -> " + busy);

        // A packet whose TTL runs out in the translator: a drop by reason and an ICMPv4 error on the page.
        Netns.in(lab.lan, 20, "ping", "-n", "-c", "1", "-t", "2", "-W", "2", "198.51.100.10");
        awaitField("drop:ttl-expired", v -> v >= 1, 10);
        awaitField("icmp4_errors_sent", v -> v >= 1, 10);

        assertEquals(List.of(), ((JavascriptExecutor) driver).executeScript("return window.standInErrors;"));
        assertTrue(server.calls().size() >= 5 && server.calls().stream().allMatch(c -> c.equals(
                "luci.jclat.getStatus -> 0")), "polled through the ACL-checked plugin: " + server.calls());

        String shot = System.getProperty("jclat.luci.screenshot"); // -Djclat.luci.screenshot=page.png to look at it
        if (shot != null) {
            Files.write(Path.of(shot), ((org.openqa.selenium.TakesScreenshot) driver)
                    .getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        }

        // The daemon stops: its file goes, and the page says so instead of showing old numbers.
        lab.stopDaemon();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> !d.findElements(
                By.cssSelector("[data-field='none']")).isEmpty());
        assertTrue(driver.findElement(By.cssSelector("[data-field='none']")).getText()
                .contains("No jclat is running"), diagnostics());
    }
}
