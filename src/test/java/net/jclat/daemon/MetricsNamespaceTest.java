package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.ExpositionFormat;
import net.jclat.testsupport.ExpositionFormat.Sample;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real daemon's Prometheus endpoint in the CPE namespace: scraped over HTTP from inside the namespace,
 * every line checked against the exposition format, counters moving with ping traffic through the CLAT.
 */
class MetricsNamespaceTest {
    private static final String URL = "http://127.0.0.1:9464/metrics";
    /** Prints status code, content type and body of one HTTP GET (Debian's python3, not our code). */
    private static final String SCRAPE = "import sys,urllib.request,urllib.error\n"
            + "try:\n"
            + "    r=urllib.request.urlopen(sys.argv[1],timeout=5)\n"
            + "except urllib.error.HTTPError as e:\n"
            + "    r=e\n"
            + "print(r.status); print(r.headers['Content-Type']); sys.stdout.write(r.read().decode())\n";
    private CpeLab lab;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--clat-v6", "2001:db8:100::c",
                "--metrics-listen", "127.0.0.1:9464"));
        lab.awaitStatus("\"state\":\"running\"", 10);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private String[] get(String url) throws Exception {
        Netns.Result r = Netns.in(lab.cpe, 20, "python3", "-c", SCRAPE, url);
        assertEquals(0, r.code(), r.output() + lab.log());
        return r.output().split("\n", 3);
    }

    private List<Sample> scrape() throws Exception {
        String[] r = get(URL);
        assertEquals("200", r[0], String.join("\n", r));
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r[1]);
        return ExpositionFormat.parse(r[2]);
    }

    @Test
    void scrapedMetricsAreValidAndCountersMoveWithTraffic() throws Exception {
        List<Sample> before = scrape();
        assertEquals(1, ExpositionFormat.value(before, "jclat_state", "state", "running"));
        assertEquals(0, ExpositionFormat.value(before, "jclat_state", "state", "waiting for PLAT"));
        assertEquals(1, ExpositionFormat.value(before, "jclat_pref64_info", "prefix", "2001:db8:64::/96",
                "source", "static"));
        assertEquals(1, ExpositionFormat.value(before, "jclat_pref64_candidate_active", "prefix",
                "2001:db8:64::/96", "source", "static"));
        assertEquals(1, ExpositionFormat.value(before, "jclat_plat_health", "prefix", "2001:db8:64::/96",
                "source", "static", "health", "not probed"));
        assertEquals(2, ExpositionFormat.value(before, "jclat_workers"));

        Netns.Result ping = Netns.in(lab.lan, 30, "ping", "-n", "-c", "5", "-i", "0.2", "-w", "10", "198.51.100.10");
        assertEquals(0, ping.code(), ping.output() + lab.log());
        List<Sample> after = scrape();
        for (String dir : List.of("4to6", "6to4")) {
            double in0 = ExpositionFormat.value(before, "jclat_input_packets_total", "direction", dir);
            double in1 = ExpositionFormat.value(after, "jclat_input_packets_total", "direction", dir);
            assertTrue(in1 - in0 >= 5, dir + ": " + in0 + " -> " + in1);
            assertTrue(ExpositionFormat.value(after, "jclat_output_packets_total", "direction", dir)
                    >= ExpositionFormat.value(before, "jclat_output_packets_total", "direction", dir) + 5, dir);
            assertTrue(ExpositionFormat.value(after, "jclat_input_bytes_total", "direction", dir)
                    >= ExpositionFormat.value(before, "jclat_input_bytes_total", "direction", dir) + 5 * 84, dir);
            assertTrue(ExpositionFormat.value(after, "jclat_translated_packets_total", "direction", dir)
                    >= ExpositionFormat.value(before, "jclat_translated_packets_total", "direction", dir) + 5, dir);
        }
        assertTrue(ExpositionFormat.value(after, "jclat_uptime_seconds") >= ExpositionFormat.value(before,
                "jclat_uptime_seconds"));
    }

    @Test
    void ttlExpiryShowsAsADropAndAnIcmpErrorSent() throws Exception {
        lab.warmUp();
        List<Sample> before = scrape();
        // TTL 1 from the LAN host reaches the CPE's kernel, which answers itself; TTL 2 expires in the
        // translator (RFC 7915 §4.1: it decrements, and at zero sends ICMPv4 Time Exceeded).
        Netns.Result ping = Netns.in(lab.lan, 20, "ping", "-n", "-c", "1", "-t", "2", "-W", "2", "198.51.100.10");
        assertTrue(ping.output().contains("Time to live exceeded"), ping.output() + lab.statusJson());
        List<Sample> after = scrape();
        assertEquals(1, ExpositionFormat.value(after, "jclat_dropped_packets_total", "reason", "ttl-expired")
                - ExpositionFormat.value(before, "jclat_dropped_packets_total", "reason", "ttl-expired"));
        assertEquals(1, ExpositionFormat.value(after, "jclat_icmp_errors_sent_total", "protocol", "icmpv4")
                - ExpositionFormat.value(before, "jclat_icmp_errors_sent_total", "protocol", "icmpv4"));
    }

    @Test
    void otherPathsAreNotFoundAndTheEndpointIsOnlyOnLoopback() throws Exception {
        String[] r = get("http://127.0.0.1:9464/");
        assertEquals("404", r[0], String.join("\n", r));
        // The CPE's LAN address does not answer: the endpoint listens on 127.0.0.1 only.
        Netns.Result lan = Netns.in(lab.lan, 20, "python3", "-c", SCRAPE, "http://192.168.1.1:9464/metrics");
        assertTrue(lan.code() != 0 && lan.output().contains("Connection refused"), lan.output());
        lab.stopDaemon();
        Netns.Result gone = Netns.in(lab.cpe, 20, "python3", "-c", SCRAPE, URL);
        assertTrue(gone.code() != 0 && gone.output().contains("Connection refused"), "closed on stop: "
                + gone.output());
    }
}
