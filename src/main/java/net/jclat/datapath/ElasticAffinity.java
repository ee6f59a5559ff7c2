package net.jclat.datapath;

import java.io.IOException;
import java.util.BitSet;
import java.util.function.LongSupplier;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.ThreadRunDelay;
import net.jclat.tun.ThreadSlice;
import net.jclat.log.Log;

/**
 * A steered worker's CPU affinity. While its queue is lightly used the worker is pinned to the queue's CPUs:
 * a packet's wake-up then stays on the CPU the packet arrived on, which is what keeps a ping fast here
 * (a wake-up on another vCPU costs ~120 µs of inter-processor interrupt). Under load that same pin makes the
 * worker share its CPU with whatever sends the packets, so it is released to all the process's CPUs and the
 * scheduler can run it beside the sender; when the load is gone it is pinned again. The queue does not
 * change, so no flow is ever reordered by this.
 *
 * <p>Demand is the share of a window the worker worked (did not wait for its queue) plus the time it was
 * runnable but another task had its CPU (/proc/thread-self/schedstat): a worker woken on a CPU its sender
 * keeps busy waits mostly in that second way. Called from the worker's own thread only.
 */
final class ElasticAffinity {
    static final long WINDOW_NANOS = 20_000_000;
    /** Demand (of 1024) above which a pinned worker is released: it needs a CPU of its own. */
    static final int RELEASE_ABOVE = 512;
    /** Demand (of 1024) below which a released worker is pinned again. */
    static final int PIN_BELOW = 64;
    /** How often a released worker with an empty queue looks again whether the load is gone. */
    static final int RECHECK_MILLIS = 200;
    /**
     * Demand (of 1024) below which a pinned worker takes the shortest scheduler slice, and above which it takes
     * the default back. A worker with sparse packets (pings, games, DNS: under 1 %) then preempts what runs on
     * its CPU when a packet wakes it; one with a steady flow (32 000 packets/s is ~13 % here) lets packets
     * gather behind the running task and reads them in one wake-up: with the short slice it woke per packet
     * and took ~13 % more CPU per packet (docs/benchmarks.md, "A pinned worker's wake-up behind another task").
     */
    static final int SHORT_SLICE_BELOW = 48;
    static final int DEFAULT_SLICE_ABOVE = 96;

    private final int index;
    private final BitSet pinned;
    private final BitSet anywhere;
    /** Read by the status (another thread): volatile, and written only when the pin changes. */
    private volatile boolean released;
    private boolean refused;
    private boolean sliceRefused;
    /** The thread has the shortest slice (pinned, sparse). */
    private boolean shortSlice;
    /** {@link #idleWaitMillis}: kept beside {@link #released}, a value the worker's loop uses without a branch. */
    private int idleWait = -1;
    private long releases;
    private long windowStart;
    private long waited;
    /** Waits for the queue in the current window. */
    private int waits;
    /**
     * A window with at most this many waits is sparse traffic: its run delay is not read. Releasing needs half
     * a window of demand, which a worker that slept at most twice in 20 ms could only reach by waiting more than
     * 5 ms for its CPU after a wake-up, longer than the scheduler lets a woken task wait; and the read is a
     * pread of /proc with its parsing, on every wake-up of a worker that handles one ping per 50 ms.
     */
    static final int SPARSE_WAITS = 2;

    /** Nanoseconds the thread has waited for a CPU in all (-1: unknown); from a test's made-up clock, or null. */
    private final LongSupplier fixedRunDelay;
    /** The worker thread's own (when fixedRunDelay is null); called directly, not through a lambda. */
    private ThreadRunDelay ownRunDelay;
    private long lastRunDelay = -1;

    /**
     * @param pinned the queue's CPUs
     * @param anywhere every CPU the process may use (released: the worker may run on any of them)
     */
    ElasticAffinity(int index, BitSet pinned, BitSet anywhere, long now) {
        this(index, pinned, anywhere, now, null);
    }

    /** @param runDelay the thread's run-queue wait in nanoseconds, for a test's made-up clock */
    ElasticAffinity(int index, BitSet pinned, BitSet anywhere, long now, LongSupplier runDelay) {
        this.fixedRunDelay = runDelay;
        this.index = index;
        this.pinned = (BitSet) pinned.clone();
        this.anywhere = (BitSet) anywhere.clone();
        this.windowStart = now;
    }

    /** Pins the calling thread to the queue's CPUs (at start, and on a restarted worker thread). */
    void pin() {
        if (fixedRunDelay == null) {
            closeRunDelay();
            ownRunDelay = ThreadRunDelay.ofCurrentThread(); // thread-self: this (maybe restarted) worker thread
        }
        lastRunDelay = runDelay();
        released = false;
        idleWait = -1;
        applyCpus(pinned);
        applySlice(true); // a worker starts without traffic
    }

    /** Closes the thread's schedstat (the JIT warm-up's own instance; a worker's lives as long as its thread). */
    void close() {
        closeRunDelay();
    }

    private void closeRunDelay() {
        if (ownRunDelay != null) {
            ownRunDelay.close();
            ownRunDelay = null;
        }
    }

    /** The worker waited this long for its queue. */
    void waited(long nanos) {
        waited += nanos;
        waits++;
    }

    private long runDelay() {
        if (fixedRunDelay != null) {
            return fixedRunDelay.getAsLong();
        }
        ThreadRunDelay d = ownRunDelay;
        return d == null ? -1 : d.nanos();
    }

    /** Called now and then by the worker (after a wait, and every few packets while busy). */
    void check(long now) {
        long window = now - windowStart;
        if (window < WINDOW_NANOS) {
            return;
        }
        // A busy worker (no waits) shows its demand as work; a sparse one has none to show (SPARSE_WAITS). The
        // delay's next reading then starts afresh: what accumulated meanwhile belongs to no one window.
        long delay = waits <= SPARSE_WAITS && waits > 0 ? -1 : runDelay();
        long delayed = delay < 0 || lastRunDelay < 0 ? 0 : atLeastZero(delay - lastRunDelay);
        lastRunDelay = delay;
        long demand = (atLeastZero(window - waited) + delayed) * 1024 / window;
        windowStart = now;
        waited = 0;
        waits = 0;
        if (!released && demand > RELEASE_ABOVE && !anywhere.equals(pinned)) {
            released = true;
            idleWait = RECHECK_MILLIS;
            releases++;
            applyCpus(anywhere);
        } else if (released && demand < PIN_BELOW) {
            released = false;
            idleWait = -1;
            applyCpus(pinned);
        }
        if (shortSlice ? released || demand > DEFAULT_SLICE_ABOVE : !released && demand < SHORT_SLICE_BELOW) {
            applySlice(!shortSlice);
        }
    }

    /**
     * max(0, x) without a branch. Math.max(long, long) is a branch in bytecode whose profile every caller in the
     * JVM shares: one-sided when the worker's loop was compiled, its other side was an uncommon trap there.
     */
    private static long atLeastZero(long x) {
        return x & ~(x >> 63);
    }

    boolean released() {
        return released;
    }

    /**
     * How long the worker may wait for its queue ({@link net.jclat.tun.TunQueue#awaitAnything}): without limit
     * (-1) while pinned; {@link #RECHECK_MILLIS} while released, to be pinned again when the load is gone. A
     * number rather than {@link #released()} so that the worker's loop has no branch on it: compiled before the
     * first release, such a branch is an uncommon trap that throws the loop back to the interpreter
     * ({@link JitWarmUp#exerciseAffinity}).
     */
    int idleWaitMillis() {
        return idleWait;
    }

    /** How often the worker was released under load since it started. */
    long releases() {
        return releases;
    }

    /** Sets the thread's CPUs; after a refusal (a cpuset changed under us) it stops trying, with one log line. */
    private void applyCpus(BitSet cpus) {
        if (refused) {
            return;
        }
        try {
            CpuAffinity.pinCurrentThread(cpus);
        } catch (IOException e) {
            refused = true;
            Log.warn("worker {} keeps its CPUs as they are: {}", index, e.getMessage());
        }
    }

    /**
     * The shortest scheduler slice (pinned and sparse: a packet's wake-up preempts whatever else runs on that
     * CPU instead of waiting for its slice to end) or the kernel's default ({@link ThreadSlice}).
     */
    private void applySlice(boolean shortest) {
        shortSlice = shortest;
        if (sliceRefused) {
            return;
        }
        try {
            ThreadSlice.setCurrentThread(shortest ? ThreadSlice.SHORT_NANOS : ThreadSlice.DEFAULT);
        } catch (IOException e) {
            sliceRefused = true;
            Log.debug("worker {} keeps its scheduler slice: {}", index, e.getMessage());
        }
    }

    /** Whether the worker has asked for the shortest slice (pinned, its demand low). */
    boolean shortSlice() {
        return shortSlice;
    }
}
