package net.jclat.datapath;

import java.io.IOException;
import java.util.BitSet;
import java.util.function.LongSupplier;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.ThreadRunDelay;
import org.tinylog.Logger;

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

    private final int index;
    private final BitSet pinned;
    private final BitSet anywhere;
    /** Read by the status (another thread): volatile, and written only when the pin changes. */
    private volatile boolean released;
    private boolean refused;
    private long releases;
    private long windowStart;
    private long waited;
    /** Nanoseconds the thread has waited for a CPU in all (-1: unknown); the worker thread's own when null. */
    private final LongSupplier fixedRunDelay;
    private LongSupplier runDelay = () -> -1;
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
        if (fixedRunDelay != null) {
            runDelay = fixedRunDelay;
        } else {
            closeRunDelay();
            ownRunDelay = ThreadRunDelay.ofCurrentThread(); // thread-self: this (maybe restarted) worker thread
            ThreadRunDelay d = ownRunDelay;
            runDelay = d == null ? () -> -1 : d::nanos;
        }
        lastRunDelay = runDelay.getAsLong();
        released = false;
        apply(pinned);
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
    }

    /** Called now and then by the worker (after a wait, and every few packets while busy). */
    void check(long now) {
        long window = now - windowStart;
        if (window < WINDOW_NANOS) {
            return;
        }
        long delay = runDelay.getAsLong();
        long delayed = delay < 0 || lastRunDelay < 0 ? 0 : Math.max(0, delay - lastRunDelay);
        lastRunDelay = delay;
        long demand = (Math.max(0, window - waited) + delayed) * 1024 / window;
        windowStart = now;
        waited = 0;
        if (!released && demand > RELEASE_ABOVE && !anywhere.equals(pinned)) {
            released = true;
            releases++;
            apply(anywhere);
        } else if (released && demand < PIN_BELOW) {
            released = false;
            apply(pinned);
        }
    }

    boolean released() {
        return released;
    }

    /** How often the worker was released under load since it started. */
    long releases() {
        return releases;
    }

    /** Sets the thread's CPUs; after a refusal (a cpuset changed under us) it stops trying, with one log line. */
    private void apply(BitSet cpus) {
        if (refused) {
            return;
        }
        try {
            CpuAffinity.pinCurrentThread(cpus);
        } catch (IOException e) {
            refused = true;
            Logger.warn("worker {} keeps its CPUs as they are: {}", index, e.getMessage());
        }
    }
}
