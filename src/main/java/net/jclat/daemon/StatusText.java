package net.jclat.daemon;

import java.util.List;
import java.util.Map;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Drop;

/** The status for people ({@code jclat status}): the same facts as the JSON, laid out to read. */
final class StatusText {
    private StatusText() {
    }

    static String render(Map<String, Object> f, long[] c) {
        StringBuilder t = new StringBuilder();
        line(t, "state", f.get("state") + (String.valueOf(f.get("error")).isEmpty() ? "" : " (" + f.get("error") + ")"));
        line(t, "mode", f.get("mode") + " on " + f.get("tun") + " (uplink " + f.get("uplink") + ", "
                + f.get("workers") + " workers, MTU " + f.get("tun_mtu") + ", IPv4 MTU " + f.get("ipv4_mtu") + ")");
        line(t, "TUN I/O", f.get("tun_io"));
        line(t, "CPU steering", steering(f));
        String pref = String.valueOf(f.get("pref64"));
        long expires = ((Number) f.get("pref64_expires_in")).longValue();
        line(t, "NAT64 prefix", pref.isEmpty() ? "none" : pref + " from " + f.get("pref64_source")
                + (expires < 0 ? ", static" : ", expires in " + expires + " s"));
        Object prefixes = f.get("prefixes");
        if (prefixes instanceof List<?> list && list.size() > 1) {
            for (Object o : list) {
                Map<?, ?> p = (Map<?, ?>) o;
                line(t, "  candidate", p.get("prefix") + " (" + p.get("source") + ", " + p.get("health")
                        + (Boolean.TRUE.equals(p.get("active")) ? ", in use" : "") + ")");
            }
        }
        line(t, "DNS (RFC 7050)", f.get("dns"));
        line(t, "RA (RFC 8781)", f.get("ra"));
        line(t, "CLAT", blank(f.get("clat_ipv4")) + " <-> " + blank(f.get("clat_ipv6")));
        line(t, "uptime", f.get("uptime_seconds") + " s");
        line(t, "IPv4 -> IPv6", c[Counters.IN4_PACKETS] + " packets in (" + c[Counters.IN4_BYTES] + " bytes), "
                + c[Counters.TRANSLATED_4TO6] + " translated, " + c[Counters.DROPPED_4TO6] + " dropped");
        line(t, "IPv6 -> IPv4", c[Counters.IN6_PACKETS] + " packets in (" + c[Counters.IN6_BYTES] + " bytes), "
                + c[Counters.TRANSLATED_6TO4] + " translated, " + c[Counters.DROPPED_6TO4] + " dropped");
        line(t, "ICMP errors", c[Counters.ICMP4_ERRORS_SENT] + " ICMPv4 + " + c[Counters.ICMP6_ERRORS_SENT]
                + " ICMPv6 sent, " + c[Counters.ICMP_ERRORS_RATE_LIMITED] + " rate-limited");
        line(t, "ICMP reassembly", c[Counters.REASSEMBLED] + " datagrams reassembled, "
                + (c[Counters.REASSEMBLY_PENDING_4TO6] + c[Counters.REASSEMBLY_PENDING_6TO4]) + " fragments pending in "
                + c[Counters.REASSEMBLY_DATAGRAMS] + " datagrams, buffer " + c[Counters.REASSEMBLY_BUFFER_BYTES]
                + " bytes");
        line(t, "fast path", fastPath(f.get("fast_path")));
        if (f.get("ipv6_mostly") instanceof Map<?, ?> m && m.get("interfaces") instanceof List<?> l && !l.isEmpty()) {
            line(t, "IPv6-mostly", String.join(" ", l.stream().map(String::valueOf).toList()) + ": "
                    + (Boolean.TRUE.equals(m.get("announcing")) ? "PREF64 " + m.get("pref64") + " for "
                            + m.get("lifetime") + " s" : "withdrawn") + ", " + m.get("ra_sent") + " RAs sent, option 108 "
                    + m.get("dhcp_option_108"));
        }
        StringBuilder drops = new StringBuilder();
        for (Drop d : Drop.values()) {
            long n = c[Counters.dropIndex(d)];
            if (n != 0) {
                drops.append(drops.length() == 0 ? "" : ", ").append(d.label()).append(' ').append(n);
            }
        }
        line(t, "drops", drops.length() == 0 ? "none" : drops);
        return t.toString();
    }

    /** {@code cpu (worker 0 on CPUs 0, worker 1 on CPUs 1); packets per worker 10, 0} or {@code flow (...)}. */
    private static String steering(Map<String, Object> f) {
        StringBuilder s = new StringBuilder(String.valueOf(f.get("cpu_steering")));
        List<?> cpus = f.get("worker_cpus") instanceof List<?> l ? l : List.of();
        s.append(cpus.isEmpty() ? " (queue by flow hash" : " (queue by CPU, TCP by flow");
        for (int i = 0; i < cpus.size(); i++) {
            s.append(", worker ").append(i).append(" on CPUs ").append(cpus.get(i));
        }
        s.append(')');
        if (f.get("workers_released") instanceof Number n && n.intValue() > 0) {
            s.append("; ").append(n).append(n.intValue() == 1 ? " worker" : " workers").append(" released under load");
        }
        if (f.get("worker_packets") instanceof List<?> packets && !packets.isEmpty()) {
            s.append("; packets per worker ");
            for (int i = 0; i < packets.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(packets.get(i));
            }
        }
        return s.toString();
    }

    /**
     * {@code translating (tcx); in the kernel 6to4 120, 4to6 118 packets; passed to the TUN path 3, 2}, or
     * {@code passing (tcx): why; ...}, {@code unavailable: why; ...}, {@code off}; the TUN path's share is the
     * totals above minus the kernel's.
     */
    private static String fastPath(Object o) {
        if (!(o instanceof Map<?, ?> m) || "off".equals(m.get("state"))) {
            return "off";
        }
        StringBuilder s = new StringBuilder(String.valueOf(m.get("state")));
        if (!String.valueOf(m.get("hook")).isEmpty()) {
            s.append(" (").append(m.get("hook")).append(')');
        }
        if (!String.valueOf(m.get("reason")).isEmpty()) {
            s.append(": ").append(m.get("reason"));
        }
        return s.append("; in the kernel 6to4 ").append(m.get("packets_6to4")).append(", 4to6 ")
                .append(m.get("packets_4to6")).append(" packets; passed to the TUN path ").append(m.get("passed_6to4"))
                .append(", ").append(m.get("passed_4to6")).toString();
    }

    private static String blank(Object v) {
        String s = String.valueOf(v);
        return s.isEmpty() ? "-" : s;
    }

    private static void line(StringBuilder t, String key, Object value) {
        t.append(String.format("%-16s %s%n", key + ":", value));
    }
}
