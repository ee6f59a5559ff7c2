package net.jclat.daemon;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import net.jclat.fastpath.FastPathCounters;

/**
 * The kernel fast path in the status: its state ({@code translating}, {@code passing} — attached, but every
 * packet goes to the TUN path, {@code reason} says why —, {@code unavailable} with the kernel's reason, or
 * {@code off}), how it is hooked ({@code tcx}, {@code clsact}), and per direction what it translated and why
 * it passed the rest to the TUN path.
 */
record FastPathStatus(String state, String reason, String hook, FastPathCounters counters) {
    static final FastPathStatus OFF = new FastPathStatus("off", "", "", new FastPathCounters(new long[32]));

    /** The status file's {@code fast_path} object. */
    Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", state);
        f.put("reason", reason);
        f.put("hook", hook);
        direction(f, "6to4", FastPathCounters.DIR_6TO4);
        direction(f, "4to6", FastPathCounters.DIR_4TO6);
        return f;
    }

    private void direction(Map<String, Object> f, String name, int dir) {
        f.put("packets_" + name, counters.get(dir, FastPathCounters.Slot.PACKETS));
        f.put("bytes_" + name, counters.get(dir, FastPathCounters.Slot.BYTES));
        f.put("super_packets_" + name, counters.get(dir, FastPathCounters.Slot.SUPER_PACKETS));
        f.put("passed_" + name, counters.passed(dir));
        Map<String, Object> why = new LinkedHashMap<>();
        for (FastPathCounters.Slot s : FastPathCounters.Slot.values()) {
            String n = s.name().toLowerCase(Locale.ROOT);
            if (n.startsWith("pass_")) {
                why.put(n.substring(5), counters.get(dir, s));
            } else if (s == FastPathCounters.Slot.SHOT_HELPER) {
                why.put("dropped_helper", counters.get(dir, s));
            }
        }
        f.put("passed_" + name + "_by_reason", why);
    }
}
