package net.jclat.daemon;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Drop;

/**
 * Writes the daemon's status as JSON, atomically (write a sibling file, then rename), so readers such as
 * scripts and rpcd never see half a file and never need to start a JVM.
 */
final class StatusFile {
    private final Path path;
    /**
     * The directory is made once, not every second: Files.createDirectories on an existing directory costs a
     * failed mkdir(2) and a UnixException with its stack trace each time (issue 15). Made again after a write
     * failed (someone removed it).
     */
    private boolean directoryMade;
    private final Path tmp;
    private final File file;
    private final File tmpFile;

    StatusFile(Path path) {
        this.path = path;
        this.tmp = path.resolveSibling(path.getFileName() + ".tmp");
        this.file = path.toFile();
        this.tmpFile = tmp.toFile();
    }

    Path path() {
        return path;
    }

    void write(Map<String, Object> fields, long[] counters) throws IOException {
        String j = json(fields, counters);
        if (!directoryMade) {
            Files.createDirectories(path.toAbsolutePath().getParent());
            directoryMade = true;
        }
        // java.io rather than Files.writeString/Files.move: the same open, write, close and rename(2), through
        // a fraction of the code, which runs interpreted (once a second never reaches a JIT threshold; issue 15).
        try {
            try (FileOutputStream out = new FileOutputStream(tmpFile)) {
                out.write(j.getBytes(StandardCharsets.UTF_8));
            }
            if (!tmpFile.renameTo(file)) { // rename(2), atomic; Files.move says why it failed
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            directoryMade = false;
            throw e;
        }
    }

    /** The status as one JSON object: the fields, then {@code counters} and {@code drops}. */
    static String json(Map<String, Object> fields, long[] counters) {
        StringBuilder j = new StringBuilder(2048).append('{'); // ~1.5 KB: no growing and copying on the way
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            string(j, e.getKey());
            j.append(':');
            value(j, e.getValue());
            j.append(',');
        }
        j.append("\"counters\":{");
        counter(j, "ipv4_in_packets", counters[Counters.IN4_PACKETS]);
        counter(j, "ipv4_in_bytes", counters[Counters.IN4_BYTES]);
        counter(j, "ipv6_out_packets", counters[Counters.OUT6_PACKETS]);
        counter(j, "ipv6_out_bytes", counters[Counters.OUT6_BYTES]);
        counter(j, "ipv6_in_packets", counters[Counters.IN6_PACKETS]);
        counter(j, "ipv6_in_bytes", counters[Counters.IN6_BYTES]);
        counter(j, "ipv4_out_packets", counters[Counters.OUT4_PACKETS]);
        counter(j, "ipv4_out_bytes", counters[Counters.OUT4_BYTES]);
        counter(j, "translated_4to6", counters[Counters.TRANSLATED_4TO6]);
        counter(j, "translated_6to4", counters[Counters.TRANSLATED_6TO4]);
        counter(j, "dropped_4to6", counters[Counters.DROPPED_4TO6]);
        counter(j, "dropped_6to4", counters[Counters.DROPPED_6TO4]);
        counter(j, "icmp4_errors_sent", counters[Counters.ICMP4_ERRORS_SENT]);
        counter(j, "icmp6_errors_sent", counters[Counters.ICMP6_ERRORS_SENT]);
        counter(j, "icmp_errors_rate_limited", counters[Counters.ICMP_ERRORS_RATE_LIMITED]);
        counter(j, "fragments_made", counters[Counters.FRAGMENTS_MADE]);
        counter(j, "hairpinned", counters[Counters.HAIRPINNED]);
        counter(j, "gso_translated_whole", counters[Counters.GSO_TRANSLATED_WHOLE]);
        counter(j, "gso_segmented", counters[Counters.GSO_SEGMENTED]);
        counter(j, "udp_coalesced", counters[Counters.UDP_COALESCED]);
        counter(j, "reassembled", counters[Counters.REASSEMBLED]);
        counter(j, "reassembly_pending_4to6", counters[Counters.REASSEMBLY_PENDING_4TO6]);
        counter(j, "reassembly_pending_6to4", counters[Counters.REASSEMBLY_PENDING_6TO4]);
        counter(j, "reassembly_datagrams", counters[Counters.REASSEMBLY_DATAGRAMS]);
        counter(j, "reassembly_buffer_bytes", counters[Counters.REASSEMBLY_BUFFER_BYTES]);
        j.setLength(j.length() - 1);
        j.append("},\"drops\":{");
        boolean any = false;
        for (Drop d : Drop.values()) {
            long n = counters[Counters.dropIndex(d)];
            if (n != 0) {
                counter(j, d.label(), n);
                any = true;
            }
        }
        if (any) {
            j.setLength(j.length() - 1);
        }
        j.append("}}\n");
        return j.toString();
    }

    private static void counter(StringBuilder j, String name, long v) {
        j.append('"').append(name).append("\":").append(v).append(',');
    }

    /** Numbers, booleans, strings, lists and string-keyed maps: all the status holds. */
    private static void value(StringBuilder j, Object v) {
        if (v instanceof Long n) { // append(long), not append(Object): no String made per number
            j.append(n.longValue());
        } else if (v instanceof Integer n) {
            j.append(n.intValue());
        } else if (v instanceof Boolean b) {
            j.append(b.booleanValue());
        } else if (v instanceof Number) {
            j.append(v);
        } else if (v instanceof List<?> list) {
            j.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    j.append(',');
                }
                value(j, list.get(i));
            }
            j.append(']');
        } else if (v instanceof Map<?, ?> map) {
            j.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    j.append(',');
                }
                first = false;
                string(j, String.valueOf(e.getKey()));
                j.append(':');
                value(j, e.getValue());
            }
            j.append('}');
        } else {
            string(j, String.valueOf(v));
        }
    }

    /** A JSON string; most need no escaping, and are appended whole rather than a char at a time. */
    private static void string(StringBuilder j, String s) {
        j.append('"');
        if (plain(s)) {
            j.append(s);
        } else {
            j.append(escape(s));
        }
        j.append('"');
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                return false;
            }
        }
        return true;
    }

    /** JSON string escaping (RFC 8259 §7): quote, backslash and control characters. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
