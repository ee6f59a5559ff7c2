package net.jclat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.testsupport.ExpositionFormat;
import net.jclat.testsupport.ExpositionFormat.Sample;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Drop;
import org.junit.jupiter.api.Test;

/** The Prometheus text rendering of a status: valid exposition format, the right values under the right names. */
class PrometheusTextTest {
    private static Map<String, Object> fields(String state, String pref64, List<Map<String, Object>> prefixes) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", state);
        f.put("mode", "nat44");
        f.put("tun", "clat");
        f.put("uplink", "wan0");
        f.put("pref64", pref64);
        f.put("pref64_source", pref64.isEmpty() ? "" : "dns");
        f.put("prefixes", prefixes);
        f.put("native_ipv4", false);
        f.put("clat_ipv4", "192.0.0.1");
        f.put("clat_ipv6", "2001:db8:100::c");
        f.put("tun_mtu", 1500);
        f.put("ipv4_mtu", 1480);
        f.put("workers", 2);
        f.put("workers_released", 1);
        f.put("cpu_steering", "cpu");
        f.put("worker_packets", List.of(5L, 7L));
        f.put("uptime_seconds", 42L);
        return f;
    }

    private static Map<String, Object> candidate(String prefix, String source, long expires, String health,
            boolean active) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prefix", prefix);
        m.put("source", source);
        m.put("origin", "x");
        m.put("expires_in", expires);
        m.put("health", health);
        m.put("active", active);
        return m;
    }

    /** The status' fast_path object as the daemon writes it: state, counters per direction, passes by reason. */
    @Test
    void theFastPathsStateCountersAndPassReasonsAppearPerDirection() {
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("state", "translating");
        fp.put("reason", "");
        fp.put("hook", "tcx");
        fp.put("packets_6to4", 7963L);
        fp.put("bytes_6to4", 10966242L);
        fp.put("passed_6to4_by_reason", new LinkedHashMap<>(Map.of("protocol", 3L, "ttl", 0L)));
        fp.put("packets_4to6", 67L);
        fp.put("bytes_4to6", 5166L);
        fp.put("passed_4to6_by_reason", new LinkedHashMap<>(Map.of("ttl", 2L, "not_ip", 1L)));
        Map<String, Object> f = fields("running", "2001:db8:64::/96", List.of());
        f.put("fast_path", fp);
        List<Sample> s = ExpositionFormat.parse(PrometheusText.render(f, new long[Counters.SIZE]));
        assertEquals(1, ExpositionFormat.value(s, "jclat_fastpath_state", "state", "translating"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_fastpath_state", "state", "off"));
        assertEquals(7963, ExpositionFormat.value(s, "jclat_fastpath_packets_total", "direction", "6to4"));
        assertEquals(67, ExpositionFormat.value(s, "jclat_fastpath_packets_total", "direction", "4to6"));
        assertEquals(10966242, ExpositionFormat.value(s, "jclat_fastpath_bytes_total", "direction", "6to4"));
        assertEquals(5166, ExpositionFormat.value(s, "jclat_fastpath_bytes_total", "direction", "4to6"));
        assertEquals(3, ExpositionFormat.value(s, "jclat_fastpath_passed_packets_total", "direction", "6to4",
                "reason", "protocol"));
        assertEquals(2, ExpositionFormat.value(s, "jclat_fastpath_passed_packets_total", "direction", "4to6",
                "reason", "ttl"));

        // A status without the object (an older daemon's file): state off, zeros, no pass series.
        List<Sample> none = ExpositionFormat.parse(PrometheusText.render(fields("running", "", List.of()),
                new long[Counters.SIZE]));
        assertEquals(1, ExpositionFormat.value(none, "jclat_fastpath_state", "state", "off"));
        assertEquals(0, ExpositionFormat.value(none, "jclat_fastpath_packets_total", "direction", "6to4"));
    }

    @Test
    void ipv6MostlySeriesFollowTheStatusObjectAndAreAbsentWhereItIsNotConfigured() {
        Map<String, Object> f = fields("running", "2001:db8:64::/96", List.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interfaces", List.of("lan0"));
        m.put("announcing", true);
        m.put("pref64", "2001:db8:64::/96");
        m.put("lifetime", 65528L);
        m.put("ra_sent", 9L);
        m.put("dhcp_option_108", "on");
        f.put("ipv6_mostly", m);
        List<Sample> s = ExpositionFormat.parse(PrometheusText.render(f, new long[Counters.SIZE]));
        assertEquals(1, ExpositionFormat.value(s, "jclat_ipv6_mostly_announcing"));
        assertEquals(65528, ExpositionFormat.value(s, "jclat_ipv6_mostly_pref64_lifetime_seconds"));
        assertEquals(9, ExpositionFormat.value(s, "jclat_ipv6_mostly_ra_sent_total"));

        m.put("announcing", false);
        m.put("lifetime", 0L);
        s = ExpositionFormat.parse(PrometheusText.render(f, new long[Counters.SIZE]));
        assertEquals(0, ExpositionFormat.value(s, "jclat_ipv6_mostly_announcing"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_ipv6_mostly_pref64_lifetime_seconds"));

        m.put("interfaces", List.of());
        assertFalse(PrometheusText.render(f, new long[Counters.SIZE]).contains("jclat_ipv6_mostly"),
                "no series where ipv6-mostly is off");
    }

    @Test
    void everyCounterAppearsUnderItsNameAndLabels() {
        long[] c = new long[Counters.SIZE];
        c[Counters.IN4_PACKETS] = 11;
        c[Counters.IN4_BYTES] = 1100;
        c[Counters.OUT6_PACKETS] = 12;
        c[Counters.OUT6_BYTES] = 1440;
        c[Counters.IN6_PACKETS] = 21;
        c[Counters.IN6_BYTES] = 2520;
        c[Counters.OUT4_PACKETS] = 22;
        c[Counters.OUT4_BYTES] = 2200;
        c[Counters.TRANSLATED_4TO6] = 10;
        c[Counters.TRANSLATED_6TO4] = 20;
        c[Counters.ICMP4_ERRORS_SENT] = 3;
        c[Counters.ICMP6_ERRORS_SENT] = 4;
        c[Counters.ICMP_ERRORS_RATE_LIMITED] = 5;
        c[Counters.FRAGMENTS_MADE] = 6;
        c[Counters.HAIRPINNED] = 7;
        c[Counters.dropIndex(Drop.TTL_EXPIRED)] = 8;
        c[Counters.dropIndex(Drop.RESERVED_CLASS_E)] = 9; // its own reason, not "multicast"
        List<Sample> s = ExpositionFormat.parse(PrometheusText.render(fields("running", "2001:db8:64::/96",
                List.of()), c));
        assertEquals(11, ExpositionFormat.value(s, "jclat_input_packets_total", "direction", "4to6"));
        assertEquals(21, ExpositionFormat.value(s, "jclat_input_packets_total", "direction", "6to4"));
        assertEquals(1100, ExpositionFormat.value(s, "jclat_input_bytes_total", "direction", "4to6"));
        assertEquals(2520, ExpositionFormat.value(s, "jclat_input_bytes_total", "direction", "6to4"));
        assertEquals(12, ExpositionFormat.value(s, "jclat_output_packets_total", "direction", "4to6"));
        assertEquals(22, ExpositionFormat.value(s, "jclat_output_packets_total", "direction", "6to4"));
        assertEquals(1440, ExpositionFormat.value(s, "jclat_output_bytes_total", "direction", "4to6"));
        assertEquals(2200, ExpositionFormat.value(s, "jclat_output_bytes_total", "direction", "6to4"));
        assertEquals(10, ExpositionFormat.value(s, "jclat_translated_packets_total", "direction", "4to6"));
        assertEquals(20, ExpositionFormat.value(s, "jclat_translated_packets_total", "direction", "6to4"));
        assertEquals(3, ExpositionFormat.value(s, "jclat_icmp_errors_sent_total", "protocol", "icmpv4"));
        assertEquals(4, ExpositionFormat.value(s, "jclat_icmp_errors_sent_total", "protocol", "icmpv6"));
        assertEquals(5, ExpositionFormat.value(s, "jclat_icmp_errors_rate_limited_total"));
        assertEquals(6, ExpositionFormat.value(s, "jclat_fragments_made_total"));
        assertEquals(7, ExpositionFormat.value(s, "jclat_hairpinned_packets_total"));
        assertEquals(8, ExpositionFormat.value(s, "jclat_dropped_packets_total", "reason", "ttl-expired"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_dropped_packets_total", "reason", "no-pref64"));
        assertEquals(9, ExpositionFormat.value(s, "jclat_dropped_packets_total", "reason", "reserved-class-e"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_dropped_packets_total", "reason", "multicast"));
        assertEquals(Drop.values().length, s.stream().filter(x -> x.name().equals("jclat_dropped_packets_total"))
                .count(), "every reason, even at zero, so series do not come and go");
        assertEquals(42, ExpositionFormat.value(s, "jclat_uptime_seconds"));
        assertEquals(2, ExpositionFormat.value(s, "jclat_workers"));
        assertEquals(1, ExpositionFormat.value(s, "jclat_workers_released"));
        assertEquals(1500, ExpositionFormat.value(s, "jclat_tun_mtu_bytes"));
        assertEquals(1480, ExpositionFormat.value(s, "jclat_ipv4_mtu_bytes"));
    }

    @Test
    void stateIsAStateSetAndThePrefixCarriesItsSource() {
        String text = PrometheusText.render(fields("waiting for PLAT", "", List.of()), new long[Counters.SIZE]);
        List<Sample> s = ExpositionFormat.parse(text);
        assertEquals(1, ExpositionFormat.value(s, "jclat_state", "state", "waiting for PLAT"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_state", "state", "running"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_state", "state", "error"));
        assertFalse(s.stream().anyMatch(x -> x.name().equals("jclat_pref64_info")), "no prefix, no info sample");
        assertTrue(text.contains("# TYPE jclat_state gauge\n"), text);

        s = ExpositionFormat.parse(PrometheusText.render(fields("running", "2001:db8:64::/96", List.of()),
                new long[Counters.SIZE]));
        assertEquals(1, ExpositionFormat.value(s, "jclat_state", "state", "running"));
        assertEquals(1, ExpositionFormat.value(s, "jclat_pref64_info", "prefix", "2001:db8:64::/96", "source", "dns"));
        assertEquals(1, ExpositionFormat.value(s, "jclat_info", "mode", "nat44", "tun", "clat", "uplink", "wan0",
                "clat_ipv4", "192.0.0.1", "clat_ipv6", "2001:db8:100::c", "cpu_steering", "cpu"));
    }

    /**
     * Every state the daemon's status can show (ClatDaemon#state, Ipv4Standby#state) has its series, and it
     * alone is 1 — "standby: no PLAT answers" (plat-down-routes withdraw) included, or a failover left every
     * series at 0.
     */
    @Test
    void everyDaemonStateHasExactlyOneSeriesAtOne() {
        for (String state : List.of("running", "waiting for PLAT", "standby: native IPv4", "standby: no PLAT answers",
                "error")) {
            List<Sample> s = ExpositionFormat.parse(PrometheusText.render(fields(state, "", List.of()),
                    new long[Counters.SIZE]));
            List<Sample> states = s.stream().filter(x -> x.name().equals("jclat_state")).toList();
            assertEquals(1, states.stream().filter(x -> x.value() == 1).count(), state + ": " + states);
            assertEquals(1, ExpositionFormat.value(s, "jclat_state", "state", state), state);
        }
    }

    @Test
    void eachWorkerHasItsInputPacketCount() {
        List<Sample> s = ExpositionFormat.parse(PrometheusText.render(fields("running", "", List.of()),
                new long[Counters.SIZE]));
        assertEquals(5, ExpositionFormat.value(s, "jclat_worker_input_packets_total", "worker", "0"));
        assertEquals(7, ExpositionFormat.value(s, "jclat_worker_input_packets_total", "worker", "1"));
        assertEquals(2, s.stream().filter(x -> x.name().equals("jclat_worker_input_packets_total")).count());
    }

    @Test
    void eachPlatCandidateHasItsHealthActivityAndLifetime() {
        List<Map<String, Object>> prefixes = List.of(
                candidate("2001:db8:64::/96", "static", -1, "failing", false),
                candidate("64:ff9b::/96", "dns", 3500, "healthy", true));
        List<Sample> s = ExpositionFormat.parse(PrometheusText.render(fields("running", "64:ff9b::/96", prefixes),
                new long[Counters.SIZE]));
        assertEquals(1, ExpositionFormat.value(s, "jclat_plat_health", "prefix", "2001:db8:64::/96", "source",
                "static", "health", "failing"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_plat_health", "prefix", "2001:db8:64::/96", "source",
                "static", "health", "healthy"));
        assertEquals(1, ExpositionFormat.value(s, "jclat_plat_health", "prefix", "64:ff9b::/96", "source", "dns",
                "health", "healthy"));
        assertEquals(0, ExpositionFormat.value(s, "jclat_pref64_candidate_active", "prefix", "2001:db8:64::/96",
                "source", "static"));
        assertEquals(1, ExpositionFormat.value(s, "jclat_pref64_candidate_active", "prefix", "64:ff9b::/96",
                "source", "dns"));
        assertEquals(3500, ExpositionFormat.value(s, "jclat_pref64_candidate_expires_in_seconds", "prefix",
                "64:ff9b::/96", "source", "dns"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.value(s,
                "jclat_pref64_candidate_expires_in_seconds", "prefix", "2001:db8:64::/96", "source", "static"),
                "a static prefix never expires, so it has no lifetime sample");
    }

    @Test
    void labelValuesAreEscaped() {
        Map<String, Object> f = fields("error", "", List.of());
        f.put("tun", "a\"b\\c\nd");
        List<Sample> s = ExpositionFormat.parse(PrometheusText.render(f, new long[Counters.SIZE]));
        Sample info = s.stream().filter(x -> x.name().equals("jclat_info")).findFirst().orElseThrow();
        assertEquals("a\"b\\c\nd", info.labels().get("tun"));
    }

    @Test
    void theFormatCheckerRejectsBrokenExpositions() {
        // The checker the tests lean on must be able to fail.
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse("x_total 1\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse("# HELP x h\n# TYPE x counter\nx 1\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse(
                "# HELP x h\n# TYPE x gauge\nx{a=\"1\",} 1\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse(
                "# HELP x h\n# TYPE x gauge\nx 1\n# HELP y h\n# TYPE y gauge\ny 1\nx{a=\"b\"} 2\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse("# HELP x h\n# TYPE x gauge\nx one\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse("# HELP x h\n# TYPE x gauge\nx 1"));
        assertEquals(1, ExpositionFormat.parse("# HELP x h\n# TYPE x gauge\nx{a=\"q\\\"\"} 1.5e3\n").size());
    }
}
