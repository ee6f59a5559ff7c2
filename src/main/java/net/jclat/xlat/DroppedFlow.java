package net.jclat.xlat;

/**
 * The addresses and ports of the last packet dropped for one reason, for a management event (RFC 7915 §4.5
 * asks for one that "specifies at least the IP addresses and port numbers"). Written by one worker thread
 * without allocating; read from another thread through a sequence number (odd while a write is under way),
 * so a reader never sees half of one packet and half of another.
 */
public final class DroppedFlow {
    private volatile long sequence;
    private int source;
    private int destination;
    private int ports;

    /** Called by the worker thread only. */
    void record(int source, int destination, int sourcePort, int destinationPort) {
        long s = sequence;
        sequence = s + 1;
        this.source = source;
        this.destination = destination;
        this.ports = sourcePort << 16 | destinationPort & 0xFFFF;
        sequence = s + 2;
    }

    /** Packets recorded so far; 0 means none. */
    public long count() {
        return sequence >>> 1;
    }

    /** {@code a.b.c.d:p → e.f.g.h:q} of the last packet recorded, or null if none. */
    public String describe() {
        while (true) {
            long before = sequence;
            int src = source;
            int dst = destination;
            int p = ports;
            if ((before & 1) == 0 && before == sequence) {
                return before == 0 ? null : Addresses.formatIpv4(src) + ":" + (p >>> 16) + " → "
                        + Addresses.formatIpv4(dst) + ":" + (p & 0xFFFF);
            }
            Thread.onSpinWait();
        }
    }
}
