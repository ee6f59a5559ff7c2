package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.BitSet;
import net.jclat.testsupport.OwnThread;
import net.jclat.tun.CpuAffinity;
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

            a.waited(W / 10); // 90 % busy
            a.check(W);
            assertTrue(a.released());
            assertEquals(all, CpuAffinity.ofCurrentThread());
            assertEquals(1, a.releases());

            a.waited(W * 6 / 10); // 40 % busy: still load, stays released (hysteresis)
            a.check(2 * W);
            assertTrue(a.released());
            assertEquals(all, CpuAffinity.ofCurrentThread());

            a.waited(5 * W - W / 100); // five windows of near silence
            a.check(7 * W);
            assertFalse(a.released());
            assertEquals(first, CpuAffinity.ofCurrentThread());
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
            a.waited(W * 9 / 10); // 10 % working...
            runDelay[0] += W * 6 / 10; // ...and 60 % of the window runnable, the CPU taken
            a.check(W);
            assertTrue(a.released());
            assertEquals(all, CpuAffinity.ofCurrentThread());
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
