package net.jclat.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which CPUs each queue's worker is pinned to: the CPUs whose packets the program sends to that queue. */
class QueueSteeringTest {
    private static BitSet cpus(int... c) {
        BitSet b = new BitSet();
        for (int i : c) {
            b.set(i);
        }
        return b;
    }

    @Test
    void queueQGetsTheCpusCongruentToQ() {
        assertEquals(List.of(cpus(0), cpus(1)), QueueSteering.cpusPerQueue(cpus(0, 1), 2));
        assertEquals(List.of(cpus(0, 2), cpus(1, 3)), QueueSteering.cpusPerQueue(cpus(0, 1, 2, 3), 2));
    }

    @Test
    void noSteeringWhenAQueueWouldHaveNoCpu() {
        // Only CPUs 0 and 2 allowed: queue 1 (CPUs 1, 3) would have no worker where its packets arrive.
        assertTrue(QueueSteering.cpusPerQueue(cpus(0, 2), 2).isEmpty());
        assertTrue(QueueSteering.cpusPerQueue(cpus(0, 1), 4).isEmpty());
    }

}
