package net.jclat.xlat;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fixed memory in which the fragments of a few datagrams are put back together (RFC 791 §3.2, RFC 8200 §4.5):
 * one slot per datagram, all allocated once. A slot keeps the first fragment's header right in front of the
 * payload, so a complete datagram lies whole in the slot, with {@link Translator#HEADROOM} free before it to
 * be translated in place. Which bytes have arrived is a bitmap of 8-byte blocks (every fragment but the last
 * carries a multiple of 8 bytes), and a second bitmap marks where each fragment began: together they tell a
 * fresh fragment from an exact duplicate and from an overlap.
 *
 * <p>Pure bookkeeping: no I/O, no clock of its own (time is passed in), no allocation after construction,
 * no counting; {@link IcmpReassembly} decides what an outcome costs. One worker thread only.
 */
final class ReassemblyBuffer {
    /** Room for the kept header: an IPv4 header (60 at most), or IPv6 + extension headers + Fragment Header. */
    static final int HEADER_ROOM = 256;
    /** Where a slot's payload starts. */
    static final int DATA = Translator.HEADROOM + HEADER_ROOM;

    /** Outcomes of {@link #add}. */
    static final int HELD = 0;
    static final int COMPLETE = 1;
    /** The same bytes as a fragment already held (RFC 8200 §4.5 lets them be dropped alone). */
    static final int DUPLICATE = 2;
    /** Overlaps a fragment held, or contradicts where the datagram ends (RFC 5722 §3). */
    static final int OVERLAP = 3;
    /** Ends beyond the largest payload, or brings a header larger than {@link #HEADER_ROOM}. */
    static final int OVERSIZE = 4;
    /** Belongs to a datagram already discarded, whose outcome {@link #discardedAs} says. */
    static final int DISCARDED = 5;

    private static final int FREE = 0;
    private static final int ACTIVE = 1;
    private static final int DEAD = 2;
    private static final int KEY = 5;

    final ByteBuffer arena;
    private final int slots;
    private final int slotBytes;
    private final int maxPayload;
    private final int words;
    private final long timeout;
    private final long[] keys;
    private final long[] started;
    private final int[] state;
    private final int[] outcome;
    private final int[] fragments;
    private final int[] covered;
    private final int[] total;
    private final int[] highest;
    private final int[] headerLength;
    private final long[] coverage;
    private final long[] starts;
    private int inUse;

    ReassemblyBuffer(ReassemblyLimits limits) {
        slots = limits.datagrams();
        maxPayload = limits.payloadBytes();
        slotBytes = slotBytes(maxPayload);
        timeout = limits.timeoutNanos();
        words = (maxPayload + 7) / 8 / 64 + 1;
        arena = ByteBuffer.allocateDirect(slots * slotBytes);
        keys = new long[slots * KEY];
        started = new long[slots];
        state = new int[slots];
        outcome = new int[slots];
        fragments = new int[slots];
        covered = new int[slots];
        total = new int[slots];
        highest = new int[slots];
        headerLength = new int[slots];
        coverage = new long[slots * words];
        starts = new long[slots * words];
    }

    static int slotBytes(int payloadBytes) {
        return DATA + (payloadBytes + 7 & ~7);
    }

    /** The slot of the datagram with this key (in use or discarded), or -1. */
    int find(long k0, long k1, long k2, long k3, long k4) {
        for (int s = 0; s < slots; s++) {
            int k = s * KEY;
            if (state[s] != FREE && keys[k + 4] == k4 && keys[k] == k0 && keys[k + 1] == k1 && keys[k + 2] == k2
                    && keys[k + 3] == k3) {
                return s;
            }
        }
        return -1;
    }

    /** A free slot for a new datagram whose first-arriving fragment came {@code now}, or -1 if all are taken. */
    int claim(long k0, long k1, long k2, long k3, long k4, long now) {
        for (int s = 0; s < slots; s++) {
            if (state[s] == FREE) {
                int k = s * KEY;
                keys[k] = k0;
                keys[k + 1] = k1;
                keys[k + 2] = k2;
                keys[k + 3] = k3;
                keys[k + 4] = k4;
                started[s] = now;
                state[s] = ACTIVE;
                total[s] = -1;
                inUse++;
                return s;
            }
        }
        return -1;
    }

    /** The slot to evict for a new datagram: a discarded one (it holds nothing) first, else the oldest. */
    int oldest() {
        int best = 0;
        for (int s = 1; s < slots; s++) {
            boolean better = state[s] == DEAD && state[best] != DEAD
                    || state[s] == state[best] && started[s] - started[best] < 0;
            if (better) {
                best = s;
            }
        }
        return best;
    }

    /** A slot whose datagram has waited {@link ReassemblyLimits#timeoutNanos()} or longer, or -1. */
    int expired(long now) {
        if (inUse == 0) {
            return -1;
        }
        for (int s = 0; s < slots; s++) {
            if (state[s] != FREE && now - started[s] >= timeout) {
                return s;
            }
        }
        return -1;
    }

    /** Some slot in use (or discarded and waiting), or -1. */
    int occupied() {
        for (int s = 0; s < slots && inUse > 0; s++) {
            if (state[s] != FREE) {
                return s;
            }
        }
        return -1;
    }

    /**
     * Takes one fragment: {@code len} payload bytes at {@code b[dataAt..]}, {@code offset} bytes into the
     * datagram, {@code more} its MF / M flag; for the first fragment (offset 0) also its header,
     * {@code b[headerAt..headerAt+headerLen)}. Returns one of the outcomes; only HELD and COMPLETE change the slot.
     */
    int add(int s, ByteBuffer b, int headerAt, int headerLen, int dataAt, int len, int offset, boolean more) {
        if (state[s] == DEAD) {
            return DISCARDED;
        }
        int end = offset + len;
        if (end > maxPayload || offset == 0 && headerLen > HEADER_ROOM) {
            return OVERSIZE;
        }
        // RFC 8200 §4.5 / RFC 791 §3.2: only the last fragment says where the datagram ends; nothing may lie past it.
        if (more ? total[s] >= 0 && end >= total[s] : total[s] >= 0 && total[s] != end || highest[s] > end) {
            return OVERLAP;
        }
        if (len == 0) {
            if (more) {
                return DUPLICATE; // carries nothing
            }
        } else {
            int first = offset >>> 3;
            int last = end - 1 >>> 3;
            int set = countSet(coverage, s, first, last);
            if (set != 0) {
                return set == last - first + 1 && isExactFragment(s, first, last) ? DUPLICATE : OVERLAP;
            }
            for (int i = first; i <= last; i++) {
                setBit(coverage, s, i);
            }
            setBit(starts, s, first);
            arena.put(s * slotBytes + DATA + offset, b, dataAt, len);
        }
        if (offset == 0) {
            arena.put(s * slotBytes + DATA - headerLen, b, headerAt, headerLen);
            headerLength[s] = headerLen;
        }
        covered[s] += len;
        highest[s] = Math.max(highest[s], end);
        fragments[s]++;
        if (!more) {
            total[s] = end;
        }
        return total[s] == covered[s] && headerLength[s] > 0 ? COMPLETE : HELD;
    }

    /**
     * Whether blocks {@code first..last}, all covered, are exactly one earlier fragment: it began at
     * {@code first}, none began inside, and it did not go on past {@code last}.
     */
    private boolean isExactFragment(int s, int first, int last) {
        if (!isSet(starts, s, first) || countSet(starts, s, first + 1, last) != 0) {
            return false;
        }
        int next = last + 1;
        return next >= words * 64 || !isSet(coverage, s, next) || isSet(starts, s, next);
    }

    /** Frees the slot (a datagram completed and translated, or expired, or evicted). */
    void release(int s) {
        clear(s);
        state[s] = FREE;
        inUse--;
    }

    /**
     * Drops what the slot holds but keeps its key until the timeout, so the datagram's later fragments are
     * dropped too (RFC 5722 §3: "including those not yet received").
     */
    void discard(int s, int why) {
        clear(s);
        state[s] = DEAD;
        outcome[s] = why;
    }

    private void clear(int s) {
        Arrays.fill(coverage, s * words, (s + 1) * words, 0L);
        Arrays.fill(starts, s * words, (s + 1) * words, 0L);
        fragments[s] = 0;
        covered[s] = 0;
        highest[s] = 0;
        headerLength[s] = 0;
        total[s] = -1;
    }

    boolean isDiscarded(int s) {
        return state[s] == DEAD;
    }

    /** Why a discarded slot's datagram was discarded: {@link #OVERLAP} or {@link #OVERSIZE}. */
    int discardedAs(int s) {
        return outcome[s];
    }

    /** Fragments held for the slot's datagram. */
    int fragments(int s) {
        return fragments[s];
    }

    /** The last key word of the slot: family and identification, as {@link IcmpReassembly} made it. */
    long keyTail(int s) {
        return keys[s * KEY + 4];
    }

    /** Where a complete datagram starts in {@link #arena}: its kept header, then its payload. */
    int datagramAt(int s) {
        return s * slotBytes + DATA - headerLength[s];
    }

    int headerLength(int s) {
        return headerLength[s];
    }

    /** Payload bytes of a complete datagram. */
    int payloadLength(int s) {
        return total[s];
    }

    /** Datagrams in reassembly (or discarded and waiting for their timeout) now. */
    int inUse() {
        return inUse;
    }

    private int countSet(long[] bits, int s, int from, int to) {
        int n = 0;
        for (int i = from; i <= to; i++) {
            if (isSet(bits, s, i)) {
                n++;
            }
        }
        return n;
    }

    private boolean isSet(long[] bits, int s, int i) {
        return (bits[s * words + (i >>> 6)] & 1L << i) != 0;
    }

    private void setBit(long[] bits, int s, int i) {
        bits[s * words + (i >>> 6)] |= 1L << i;
    }
}
