package net.jclat.fastpath;

/**
 * The programs' per-CPU counters summed over the CPUs: per direction, what was translated and why the rest
 * passed to the TUN path (enum counter_slot in src/main/bpf/fastpath.h, same order).
 */
public record FastPathCounters(long[] values) {
    /** Uplink ingress, IPv6 to IPv4. */
    public static final int DIR_6TO4 = 0;
    /** TUN egress, IPv4 to IPv6. */
    public static final int DIR_4TO6 = 1;
    static final int PER_DIR = 16;

    /** The slots of one direction, in the programs' order. */
    public enum Slot {
        PACKETS, BYTES, PASS_NO_CONFIG, PASS_NOT_IP, PASS_MALFORMED, PASS_OPTIONS, PASS_FRAGMENT, PASS_PROTOCOL,
        PASS_UDP_ZERO_CSUM, PASS_ADDRESS, PASS_TTL, PASS_TOO_BIG, PASS_GSO, PASS_HELPER, SHOT_HELPER,
        /** GSO/GRO super-packets among the translated ones, each counted once (PACKETS counts segments). */
        SUPER_PACKETS
    }

    public FastPathCounters {
        values = values.clone();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int dir = 0; dir < 2; dir++) {
            b.append(dir == DIR_6TO4 ? "6to4" : " 4to6");
            for (Slot s : Slot.values()) {
                if (get(dir, s) != 0) {
                    b.append(' ').append(s.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(get(dir, s));
                }
            }
        }
        return b.toString();
    }

    public long get(int direction, Slot slot) {
        return values[direction * PER_DIR + slot.ordinal()];
    }

    /** Packets of one direction that took the TUN path. */
    public long passed(int direction) {
        long n = 0;
        for (Slot s : Slot.values()) {
            if (s.name().startsWith("PASS_")) {
                n += get(direction, s);
            }
        }
        return n;
    }
}
