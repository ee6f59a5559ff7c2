package net.jclat.fastpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The status reads every fast-path counter twice a second for as long as jclat runs. Each read used to make
 * three JNA Memory blocks per counter, whose cleaner references and table entries outlived the young
 * generation and grew the old one: VmRSS 51 -> 61 MB over 6 minutes of load (docs/benchmarks.md, "RSS under
 * a long load"). The real programs' real counter map, read through bpf(2); the JVM's own count of the bytes
 * this thread allocated says whether the reads still churn.
 */
class FastPathCounterReadsTest {
    @RegisterExtension
    static final LoadedPrograms LOADED = new LoadedPrograms();

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void readingTheCountersAllocatesLittleAndReadsZeroesOfUnusedPrograms() throws IOException {
        for (int i = 0; i < 200; i++) { // JNA's first calls and the lookup buffers are allocated once
            LOADED.programs().counters();
        }
        int reads = 1000;
        long before = allocatedBytes();
        FastPathCounters last = null;
        for (int i = 0; i < reads; i++) {
            last = LOADED.programs().counters();
        }
        long perRead = (allocatedBytes() - before) / reads;
        // Measured 2026-12-06, JNA 5: 7 440 bytes per read of the 32 counters (JNA's boxing of each bpf(2)
        // call, dead at once), 32 015 with three Memory blocks per counter.
        assertTrue(perRead < 16_000, "bytes allocated per read of the counters: " + perRead);
        assertEquals(0, last.get(FastPathCounters.DIR_6TO4, FastPathCounters.Slot.PACKETS), last.toString());
        assertEquals(0, last.get(FastPathCounters.DIR_4TO6, FastPathCounters.Slot.PACKETS), last.toString());
    }
}
