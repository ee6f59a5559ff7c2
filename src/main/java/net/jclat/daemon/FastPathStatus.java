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

    private static final FastPathCounters.Slot[] SLOTS = FastPathCounters.Slot.values();
    /** The reason names of {@link #SLOTS} in {@code passed_*_by_reason}, null where a slot is none. */
    private static final String[] REASONS = new String[SLOTS.length];

    static {
        for (FastPathCounters.Slot s : SLOTS) {
            String n = s.name().toLowerCase(Locale.ROOT);
            REASONS[s.ordinal()] = n.startsWith("pass_") ? n.substring(5)
                    : s == FastPathCounters.Slot.SHOT_HELPER ? "dropped_helper" : null;
        }
    }

    /**
     * The status file's {@code fast_path} object. The keys are constants, not made each time: this runs once a
     * second, interpreted, where a string concatenation or {@code toLowerCase} costs many times a put (issue 15).
     */
    Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", state);
        f.put("reason", reason);
        f.put("hook", hook);
        direction(f, FastPathCounters.DIR_6TO4, "packets_6to4", "bytes_6to4", "super_packets_6to4", "passed_6to4",
                "passed_6to4_by_reason");
        direction(f, FastPathCounters.DIR_4TO6, "packets_4to6", "bytes_4to6", "super_packets_4to6", "passed_4to6",
                "passed_4to6_by_reason");
        return f;
    }

    private void direction(Map<String, Object> f, int dir, String packets, String bytes, String superPackets,
            String passed, String byReason) {
        f.put(packets, counters.get(dir, FastPathCounters.Slot.PACKETS));
        f.put(bytes, counters.get(dir, FastPathCounters.Slot.BYTES));
        f.put(superPackets, counters.get(dir, FastPathCounters.Slot.SUPER_PACKETS));
        f.put(passed, counters.passed(dir));
        Map<String, Object> why = new LinkedHashMap<>();
        for (FastPathCounters.Slot s : SLOTS) {
            if (REASONS[s.ordinal()] != null) {
                why.put(REASONS[s.ordinal()], counters.get(dir, s));
            }
        }
        f.put(byReason, why);
    }
}
