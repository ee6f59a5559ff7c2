package net.jclat.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Drop;

/**
 * Writes the daemon's status as JSON, atomically (write a sibling file, then rename), so readers such as
 * scripts and rpcd never see half a file and never need to start a JVM.
 */
final class StatusFile {
    private final Path path;

    StatusFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    void write(Map<String, Object> fields, long[] counters) throws IOException {
        StringBuilder j = new StringBuilder("{");
        fields.forEach((k, v) -> {
            j.append('"').append(k).append("\":");
            if (v instanceof Number) {
                j.append(v);
            } else {
                j.append('"').append(escape(String.valueOf(v))).append('"');
            }
            j.append(',');
        });
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
        counter(j, "icmp4_errors_sent", counters[Counters.ICMP4_ERRORS_SENT]);
        counter(j, "icmp6_errors_sent", counters[Counters.ICMP6_ERRORS_SENT]);
        counter(j, "fragments_made", counters[Counters.FRAGMENTS_MADE]);
        counter(j, "hairpinned", counters[Counters.HAIRPINNED]);
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
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, j, StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void counter(StringBuilder j, String name, long v) {
        j.append('"').append(name).append("\":").append(v).append(',');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
