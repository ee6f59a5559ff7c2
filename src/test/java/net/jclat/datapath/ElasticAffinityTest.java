package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.BitSet;
import net.jclat.testsupport.OwnThread;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.ThreadSlice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real sched_setaffinity of a thread of its own, driven by a made-up clock: a window mostly spent working
 * releases the pin, a window mostly spent waiting restores it, and what lies between changes nothing.
 */
class ElasticAffinityTest {
    private static final long W = ElasticAffinity.WINDOW_NANOS;

    /** Every CPU this process may use, and the first of them: a worker's queue CPUs. */
    private BitSet all;
    private BitSet first;

    @BeforeEach
    void cpus() throws IOException {
        all = CpuAffinity.ofCurrentThread();
        assumeTrue(all.cardinality() >= 2, "needs two CPUs");
        first = new BitSet();
        first.set(all.nextSetBit(0));
    }

    @Test
    void busyReleasesToAllCpusAndIdlePinsAgain() throws Throwable {
        OwnThread.run(() -> {
            ElasticAffinity a = new ElasticAffinity(0, first, all, 0, () -> 0);
            a.pin();
            assertEquals(first, CpuAffinity.ofCurrentThread());
            assertEquals(-1, a.idleWaitMillis(), "pinned, an idle worker waits without limit");

            a.waited(W / 10); // 90 % busy
            a.check(W);
            assertTrue(a.released());
            assertEquals(all, CpuAffinity.ofCurrentThread());
            assertEquals(1, a.releases());
            assertEquals(ElasticAffinity.RECHECK_MILLIS, a.idleWaitMillis(), "released, it looks again");

            a.waited(W * 6 / 10); // 40 % busy: still load, stays released (hysteresis)
            a.check(2 * W);
            assertTrue(a.released());
            assertEquals(all, CpuAffinity.ofCurrentThread());

            a.waited(5 * W - W / 100); // five windows of near silence
            a.check(7 * W);
            assertFalse(a.released());
            assertEquals(first, CpuAffinity.ofCurrentThread());
            assertEquals(-1, a.idleWaitMillis());
        });
    }

    /**
     * Pinned with sparse packets, a worker asks for the shortest slice (its wake-up preempts); with a steady flow,
     * still pinned, or released, it takes the default back.
     */
    @Test
    void theShortestSliceWhilePinnedAndSparseTheDefaultUnderAFlowOrReleased() throws Throwable {
        OwnThread.run(() -> {
            long initial = ThreadSlice.ofCurrentThread();
            assumeTrue(initial > 0, "the kernel has no custom slices for SCHED_OTHER (before Linux 6.12)");
            assumeTrue(initial != ThreadSlice.SHORT_NANOS, "the default slice is the shortest already");
            ElasticAffinity a = new ElasticAffinity(0, first, all, 0, () -> 0);
            a.pin();
            assertEquals(ThreadSlice.SHORT_NANOS, ThreadSlice.ofCurrentThread(), "pinned, no traffic yet");
            assertTrue(a.shortSlice());
            for (int i = 0; i < 4; i++) {
                a.waited(W * 3 / 16); // a steady flow: a quarter of the window busy, in many short turns
            }
            a.check(W);
            assertFalse(a.released());
            assertEquals(initial, ThreadSlice.ofCurrentThread(), "a steady flow: the default slice, still pinned");
            assertFalse(a.shortSlice());
            a.waited(W - W / 100); // one ping in the window
            a.check(2 * W);
            assertEquals(ThreadSlice.SHORT_NANOS, ThreadSlice.ofCurrentThread(), "sparse again: short");
            a.waited(W / 10);
            a.check(3 * W);
            assertTrue(a.released());
            assertEquals(initial, ThreadSlice.ofCurrentThread(), "released under load: the default slice");
            a.waited(5 * W - W / 100);
            a.check(8 * W);
            assertFalse(a.released());
            assertEquals(ThreadSlice.SHORT_NANOS, ThreadSlice.ofCurrentThread(), "pinned again, quiet: short again");
        });
    }

    @Test
    void nothingIsDecidedBeforeAWindowHasPassedNorForLightTraffic() throws Throwable {
        OwnThread.run(() -> {
            ElasticAffinity a = new ElasticAffinity(0, first, all, 0, () -> 0);
            a.pin();
            a.check(W / 2); // all busy, but half a window is no evidence
            assertFalse(a.released());
            a.waited(W * 12 / 10); // 20 % busy over the window: a ping or a light flow
            a.check(W / 2 + W);
            assertFalse(a.released());
            assertEquals(first, CpuAffinity.ofCurrentThread());
        });
    }

    /** Woken on the sender's CPU, a worker seems to wait for its queue; schedstat shows it waited for the CPU. */
    @Test
    void timeSpentRunnableWithoutItsCpuCountsAsDemand() throws Throwable {
        OwnThread.run(() -> {
            long[] runDelay = {1_000_000};
            ElasticAffinity a = new ElasticAffinity(0, first, all, 0, () -> runDelay[0]);
            a.pin();
            for (int i = 0; i < 10; i++) {
                a.waited(W * 9 / 100); // 10 % working, in many short turns as a flood makes them...
            }
            runDelay[0] += W * 6 / 10; // ...and 60 % of the window runnable, the CPU taken
            a.check(W);
            assertTrue(a.released());
            assertEquals(all, CpuAffinity.ofCurrentThread());
        });
    }

    /** One ping per 50 ms: no /proc read per wake-up, and what a sparse window accumulated is no load later. */
    @Test
    void aSparseWindowDoesNotReadTheRunDelay() throws Throwable {
        OwnThread.run(() -> {
            long[] runDelay = {1_000_000};
            int[] reads = {0};
            ElasticAffinity a = new ElasticAffinity(0, first, all, 0, () -> {
                reads[0]++;
                return runDelay[0];
            });
            a.pin();
            int atStart = reads[0];
            for (int i = 1; i <= ElasticAffinity.SPARSE_WAITS; i++) {
                a.waited(W - W / 100);
                a.check(i * W);
            }
            assertEquals(atStart, reads[0]);
            assertFalse(a.released());

            runDelay[0] += 5 * W; // piled up over the sparse windows: not this window's
            for (int i = 0; i < 10; i++) {
                a.waited(W / 10 - W / 100);
            }
            a.check((ElasticAffinity.SPARSE_WAITS + 1) * W);
            assertTrue(reads[0] > atStart);
            assertFalse(a.released());
        });
    }

    @Test
    void aWorkerWhoseQueueOwnsEveryCpuHasNothingToBeReleasedTo() throws Throwable {
        OwnThread.run(() -> {
            ElasticAffinity a = new ElasticAffinity(0, all, all, 0, () -> 0);
            a.pin();
            a.check(W);
            assertFalse(a.released());
            assertEquals(0, a.releases());
        });
    }
}
