package net.jclat.xlat;

/**
 * Per-worker counters: plain {@code long}s, written by one thread only. Readers on other threads sum
 * several workers' counters and accept a slightly stale view; that is why there are no atomics here.
 */
public final class Counters {
    public static final int IN4_PACKETS = 0;
    public static final int IN4_BYTES = 1;
    public static final int OUT6_PACKETS = 2;
    public static final int OUT6_BYTES = 3;
    public static final int IN6_PACKETS = 4;
    public static final int IN6_BYTES = 5;
    public static final int OUT4_PACKETS = 6;
    public static final int OUT4_BYTES = 7;
    public static final int ICMP4_ERRORS_SENT = 8;
    public static final int ICMP6_ERRORS_SENT = 9;
    public static final int FRAGMENTS_MADE = 10;
    public static final int HAIRPINNED = 11;
    /** Input packets with verdict TRANSLATED, per direction: in = translated + dropped, per direction. */
    public static final int TRANSLATED_4TO6 = 12;
    public static final int TRANSLATED_6TO4 = 13;
    /** ICMP errors not sent because of the rate limit (the packet itself is counted under its drop). */
    public static final int ICMP_ERRORS_RATE_LIMITED = 14;
    /** Input packets of each direction that were not translated (their reason is counted too). */
    public static final int DROPPED_4TO6 = 15;
    public static final int DROPPED_6TO4 = 16;
    /** GSO super-packets translated whole (each counted once under IN4/IN6 too). */
    public static final int GSO_TRANSLATED_WHOLE = 17;
    /** GSO super-packets cut into segments in user space because they could not pass whole. */
    public static final int GSO_SEGMENTED = 18;
    /**
     * Datagrams merged into the super-packet of the datagram before them ({@link UdpCoalescer}): read from the
     * TUN one by one, translated and written as one, counted once under IN4/IN6 and OUT6/OUT4.
     */
    public static final int UDP_COALESCED = 19;
    /**
     * Gauges: ICMP fragments held for reassembly now, per direction ({@link IcmpReassembly}); with them
     * in = translated + dropped + pending holds per direction.
     */
    public static final int REASSEMBLY_PENDING_4TO6 = 20;
    public static final int REASSEMBLY_PENDING_6TO4 = 21;
    /** Fragmented ICMP datagrams put back together and handed to translation. */
    public static final int REASSEMBLED = 22;
    /** Gauge: datagrams in the reassembly buffer now (a cap, {@link ReassemblyLimits#datagrams()}, bounds it). */
    public static final int REASSEMBLY_DATAGRAMS = 23;
    /** Gauge: bytes of the reassembly buffer, fixed once allocated (0 until the first fragmented ICMP). */
    public static final int REASSEMBLY_BUFFER_BYTES = 24;
    private static final int DROP_BASE = 25;
    public static final int SIZE = DROP_BASE + Drop.values().length;

    private final long[] values = new long[SIZE];

    void add(int index, long delta) {
        values[index] += delta;
    }

    void set(int index, long value) {
        values[index] = value;
    }

    void drop(Drop reason, int packets) {
        values[DROP_BASE + reason.ordinal()] += packets;
    }

    public long get(int index) {
        return values[index];
    }

    public long dropped(Drop reason) {
        return values[DROP_BASE + reason.ordinal()];
    }

    public long droppedTotal() {
        long sum = 0;
        for (Drop d : Drop.values()) {
            sum += dropped(d);
        }
        return sum;
    }

    /** Adds this worker's values into {@code into} (same layout), for a reader summing workers. */
    public void addTo(long[] into) {
        for (int i = 0; i < SIZE; i++) {
            into[i] += values[i];
        }
    }

    public static int dropIndex(Drop reason) {
        return DROP_BASE + reason.ordinal();
    }
}
