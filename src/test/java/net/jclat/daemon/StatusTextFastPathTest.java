package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.fastpath.FastPathCounters;
import net.jclat.xlat.Counters;
import org.junit.jupiter.api.Test;

/** {@code jclat status}'s fast path line, from the same object the status file carries. */
class StatusTextFastPathTest {
    private static Map<String, Object> fields(Map<String, Object> fastPath) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", "running");
        f.put("error", "");
        f.put("pref64", "2001:db8:64::/96");
        f.put("pref64_source", "static");
        f.put("pref64_expires_in", -1L);
        f.put("prefixes", List.of());
        f.put("worker_cpus", List.of());
        if (fastPath != null) {
            f.put("fast_path", fastPath);
        }
        return f;
    }

    @Test
    void showsStateHookAndPacketsPerPath() {
        long[] v = new long[32];
        v[FastPathCounters.DIR_6TO4 * 16 + FastPathCounters.Slot.PACKETS.ordinal()] = 7963;
        v[FastPathCounters.DIR_4TO6 * 16 + FastPathCounters.Slot.PACKETS.ordinal()] = 67;
        v[FastPathCounters.DIR_6TO4 * 16 + FastPathCounters.Slot.PASS_PROTOCOL.ordinal()] = 4;
        v[FastPathCounters.DIR_4TO6 * 16 + FastPathCounters.Slot.PASS_TTL.ordinal()] = 2;
        Map<String, Object> fp = new FastPathStatus("translating", "", "tcx", new FastPathCounters(v)).fields();
        String text = StatusText.render(fields(fp), new long[Counters.SIZE]);
        assertTrue(text.contains("fast path:       translating (tcx); in the kernel 6to4 7963, 4to6 67 packets;"
                + " passed to the TUN path 4, 2"), text);

        Map<String, Object> refused = new FastPathStatus("unavailable", "bpf(BPF_MAP_CREATE): Operation not permitted",
                "", new FastPathCounters(new long[32])).fields();
        assertTrue(StatusText.render(fields(refused), new long[Counters.SIZE])
                .contains("fast path:       unavailable: bpf(BPF_MAP_CREATE): Operation not permitted;"), text);
        assertTrue(StatusText.render(fields(null), new long[Counters.SIZE]).contains("fast path:       off\n"));
    }
}
