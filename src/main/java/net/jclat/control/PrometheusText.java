package net.jclat.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Drop;

/**
 * The daemon's status as Prometheus text exposition (format 0.0.4): one {@code # HELP} and one
 * {@code # TYPE} line per metric, then its samples. Counters end in {@code _total} and never go down (they
 * are the workers' counters, which only grow while the daemon runs); states are a gauge per possible value
 * ("state set"), so a dashboard can alert on {@code jclat_state{state="running"} == 0}. Every drop reason
 * and every state is always present, so series do not appear and vanish with traffic.
 *
 * <p>It reads the same fields as the status file ({@code state}, {@code pref64}, {@code prefixes}, ...) and
 * the summed worker counters in {@link Counters}' layout.
 */
public final class PrometheusText {
    /** The media type Prometheus asks for and accepts for this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The daemon's states, as the status shows them. */
    public static final List<String> STATES = List.of("running", "waiting for PLAT", "standby: native IPv4",
            "standby: no PLAT answers", "error");

    /** A PLAT's health, as discovery reports it ("not probed" when no probe target is configured). */
    public static final List<String> HEALTH = List.of("healthy", "failing", "unknown", "not probed");

    private final StringBuilder out = new StringBuilder(8192);

    private PrometheusText() {
    }

    /** Renders {@code fields} (the status file's fields) and {@code counters} (summed over workers). */
    public static String render(Map<String, Object> fields, long[] counters) {
        PrometheusText t = new PrometheusText();
        t.write(fields, counters);
        return t.out.toString();
    }

    private void write(Map<String, Object> f, long[] c) {
        String state = str(f.get("state"));
        family("jclat_state", "gauge", "1 for the daemon's current state, 0 for the others");
        for (String s : STATES) {
            sample("jclat_state", labels("state", s), s.equals(state) ? 1 : 0);
        }
        family("jclat_info", "gauge", "Constant 1; the labels describe the CLAT instance");
        sample("jclat_info", labels("mode", str(f.get("mode")), "tun", str(f.get("tun")), "uplink",
                str(f.get("uplink")), "clat_ipv4", str(f.get("clat_ipv4")), "clat_ipv6", str(f.get("clat_ipv6")),
                "cpu_steering", str(f.get("cpu_steering"))), 1);
        family("jclat_pref64_info", "gauge", "Constant 1 for the NAT64 prefix in use, labelled with its source;"
                + " absent while there is none");
        if (!str(f.get("pref64")).isEmpty()) {
            sample("jclat_pref64_info", labels("prefix", str(f.get("pref64")), "source", str(f.get("pref64_source"))),
                    1);
        }
        prefixCandidates(f.get("prefixes"));
        gauge("jclat_uptime_seconds", "Seconds since the daemon started", num(f.get("uptime_seconds")));
        gauge("jclat_workers", "Worker threads, one per TUN queue", num(f.get("workers")));
        gauge("jclat_workers_released", "Steered workers running released from their CPUs because their queues"
                + " are under load", num(f.get("workers_released")));
        gauge("jclat_tun_mtu_bytes", "MTU of the TUN device (the IPv6 side)", num(f.get("tun_mtu")));
        gauge("jclat_ipv4_mtu_bytes", "MTU of the IPv4 routes into the TUN", num(f.get("ipv4_mtu")));
        gauge("jclat_native_ipv4", "1 while the uplink has native IPv4 and the CLAT stands by (RFC 6877 section 6.1)",
                Boolean.TRUE.equals(f.get("native_ipv4")) ? 1 : 0);
        ipv6Mostly(f.get("ipv6_mostly"));

        perDirection("jclat_input_packets_total", "Packets read from the TUN for translation",
                c[Counters.IN4_PACKETS], c[Counters.IN6_PACKETS]);
        perDirection("jclat_input_bytes_total", "Bytes read from the TUN for translation",
                c[Counters.IN4_BYTES], c[Counters.IN6_BYTES]);
        perDirection("jclat_output_packets_total", "Packets written to the TUN after translation (fragments and"
                + " ICMP errors included)", c[Counters.OUT6_PACKETS], c[Counters.OUT4_PACKETS]);
        perDirection("jclat_output_bytes_total", "Bytes written to the TUN after translation",
                c[Counters.OUT6_BYTES], c[Counters.OUT4_BYTES]);
        perDirection("jclat_translated_packets_total", "Input packets that were translated (input = translated +"
                + " dropped + reassembly pending)", c[Counters.TRANSLATED_4TO6], c[Counters.TRANSLATED_6TO4]);
        family("jclat_reassembly_pending_fragments", "gauge", "ICMP fragments held for reassembly now, by direction");
        sample("jclat_reassembly_pending_fragments", labels("direction", "4to6"), c[Counters.REASSEMBLY_PENDING_4TO6]);
        sample("jclat_reassembly_pending_fragments", labels("direction", "6to4"), c[Counters.REASSEMBLY_PENDING_6TO4]);

        family("jclat_worker_input_packets_total", "counter", "Packets each worker read from its TUN queue, both"
                + " directions (with cpu_steering=\"cpu\" the queue of the CPUs in the status' worker_cpus)");
        List<?> perWorker = f.get("worker_packets") instanceof List<?> l ? l : List.of();
        for (int i = 0; i < perWorker.size(); i++) {
            sample("jclat_worker_input_packets_total", labels("worker", Integer.toString(i)), num(perWorker.get(i)));
        }
        family("jclat_dropped_packets_total", "counter", "Input packets not translated, by reason");
        for (Drop d : Drop.values()) {
            sample("jclat_dropped_packets_total", labels("reason", d.label()), c[Counters.dropIndex(d)]);
        }
        family("jclat_icmp_errors_sent_total", "counter", "ICMP errors the translator originated, by protocol"
                + " (RFC 7915 sections 4.4 and 5.4)");
        sample("jclat_icmp_errors_sent_total", labels("protocol", "icmpv4"), c[Counters.ICMP4_ERRORS_SENT]);
        sample("jclat_icmp_errors_sent_total", labels("protocol", "icmpv6"), c[Counters.ICMP6_ERRORS_SENT]);
        counter("jclat_icmp_errors_rate_limited_total", "ICMP errors not sent because of the rate limit",
                c[Counters.ICMP_ERRORS_RATE_LIMITED]);
        counter("jclat_fragments_made_total", "IPv6 fragments made from IPv4 packets with DF clear (RFC 7915"
                + " section 4)", c[Counters.FRAGMENTS_MADE]);
        counter("jclat_reassembled_datagrams_total", "Fragmented ICMP datagrams reassembled and translated whole"
                + " (RFC 7915 sections 4.2 and 5.2)", c[Counters.REASSEMBLED]);
        gauge("jclat_reassembly_datagrams", "Datagrams in the workers' ICMP reassembly buffers now",
                c[Counters.REASSEMBLY_DATAGRAMS]);
        gauge("jclat_reassembly_buffer_bytes", "Bytes of the workers' ICMP reassembly buffers (fixed once allocated)",
                c[Counters.REASSEMBLY_BUFFER_BYTES]);
        fastPath(f.get("fast_path"));
        counter("jclat_hairpinned_packets_total", "Packets hairpinned between two EAM addresses (RFC 7757 section"
                + " 4.2)", c[Counters.HAIRPINNED]);
    }

    /** The fast path's states, as the status shows them. */
    public static final List<String> FAST_PATH_STATES = List.of("translating", "passing", "unavailable", "off");

    /**
     * The kernel fast path: its state, and per direction what it translated and why it passed the rest to the
     * TUN path. Its packets are also in the totals above, so the TUN path's share is the difference.
     */
    /** The IPv6-mostly LAN's series, present only where {@code ipv6-mostly} names interfaces. */
    private void ipv6Mostly(Object o) {
        if (!(o instanceof Map<?, ?> m) || !(m.get("interfaces") instanceof List<?> l) || l.isEmpty()) {
            return;
        }
        gauge("jclat_ipv6_mostly_announcing", "1 while the IPv6-mostly LAN is told the NAT64 prefix (RFC 8781) and"
                + " option 108 is on (RFC 8925), 0 while both are withdrawn", Boolean.TRUE.equals(m.get("announcing"))
                        ? 1 : 0);
        gauge("jclat_ipv6_mostly_pref64_lifetime_seconds", "Lifetime of the PREF64 the LAN is told; 0 when withdrawn",
                num(m.get("lifetime")));
        counter("jclat_ipv6_mostly_ra_sent_total", "PREF64 Router Advertisements jclat sent on the LAN",
                num(m.get("ra_sent")));
    }

    private void fastPath(Object o) {
        Map<?, ?> m = o instanceof Map<?, ?> map ? map : Map.of();
        String state = m.isEmpty() ? "off" : str(m.get("state"));
        family("jclat_fastpath_state", "gauge", "1 for the kernel fast path's current state, 0 for the others");
        for (String s : FAST_PATH_STATES) {
            sample("jclat_fastpath_state", labels("state", s), s.equals(state) ? 1 : 0);
        }
        perDirection("jclat_fastpath_packets_total", "Packets the kernel fast path translated (a super-packet"
                + " counts as its segments)", num(m.get("packets_4to6")), num(m.get("packets_6to4")));
        perDirection("jclat_fastpath_bytes_total", "Bytes the kernel fast path sent after translation",
                num(m.get("bytes_4to6")), num(m.get("bytes_6to4")));
        family("jclat_fastpath_passed_packets_total", "counter", "Packets the kernel fast path left to the TUN"
                + " path, by direction and reason");
        for (String dir : List.of("4to6", "6to4")) {
            Map<?, ?> why = m.get("passed_" + dir + "_by_reason") instanceof Map<?, ?> w ? w : Map.of();
            for (Map.Entry<?, ?> e : why.entrySet()) {
                sample("jclat_fastpath_passed_packets_total", labels("direction", dir, "reason", str(e.getKey())),
                        num(e.getValue()));
            }
        }
    }

    /** Every known prefix: whether it is in use, its PLAT's health, and its remaining lifetime. */
    private void prefixCandidates(Object prefixes) {
        List<?> list = prefixes instanceof List<?> l ? l : List.of();
        family("jclat_pref64_candidate_active", "gauge", "1 for the candidate NAT64 prefix in use, 0 for the others");
        for (Object o : list) {
            Map<?, ?> p = (Map<?, ?>) o;
            sample("jclat_pref64_candidate_active", candidate(p), Boolean.TRUE.equals(p.get("active")) ? 1 : 0);
        }
        family("jclat_plat_health", "gauge", "1 for the health of the PLAT behind each candidate prefix, 0 for the"
                + " other values");
        for (Object o : list) {
            Map<?, ?> p = (Map<?, ?>) o;
            for (String h : HEALTH) {
                Map<String, String> l = candidate(p);
                l.put("health", h);
                sample("jclat_plat_health", l, h.equals(str(p.get("health"))) ? 1 : 0);
            }
        }
        family("jclat_pref64_candidate_expires_in_seconds", "gauge", "Seconds until a learnt prefix expires; absent"
                + " for static prefixes, which do not");
        for (Object o : list) {
            Map<?, ?> p = (Map<?, ?>) o;
            long left = num(p.get("expires_in"));
            if (left >= 0) {
                sample("jclat_pref64_candidate_expires_in_seconds", candidate(p), left);
            }
        }
    }

    private static Map<String, String> candidate(Map<?, ?> p) {
        return labels("prefix", str(p.get("prefix")), "source", str(p.get("source")));
    }

    private void perDirection(String name, String help, long fourToSix, long sixToFour) {
        family(name, "counter", help + ", by direction");
        sample(name, labels("direction", "4to6"), fourToSix);
        sample(name, labels("direction", "6to4"), sixToFour);
    }

    private void counter(String name, String help, long v) {
        family(name, "counter", help);
        sample(name, Map.of(), v);
    }

    private void gauge(String name, String help, long v) {
        family(name, "gauge", help);
        sample(name, Map.of(), v);
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, Map<String, String> labels, long value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(e.getKey()).append("=\"").append(escapeLabel(e.getValue())).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** HELP text escapes backslash and line feed. */
    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
