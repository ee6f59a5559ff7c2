package net.jclat.datapath;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jclat.tun.QueueSteering;
import net.jclat.tun.ThreadNice;
import net.jclat.tun.TunDevice;
import net.jclat.tun.TunQueue;
import net.jclat.xlat.Counters;
import net.jclat.xlat.ReassemblyLimits;
import net.jclat.xlat.XlatConfig;
import net.jclat.log.Log;

/** The workers of one TUN device, one per queue, started and stopped together. */
public final class Datapath implements AutoCloseable {
    /**
     * Enough calls of each path for the C2 compiler (thresholds ~10 000 invocations). The system property
     * {@code jclat.jit-warm-up-rounds} changes it (0: no warm-up), for measuring what it costs.
     */
    private static final int JIT_WARM_UP_ROUNDS = Integer.getInteger("jclat.jit-warm-up-rounds", 30_000);
    /**
     * {@code -Djclat.elastic-pinning=false} keeps steered workers pinned under load too ({@link ElasticAffinity}
     * releases them), to measure what releasing brings.
     */
    private static final boolean ELASTIC_PINNING = !"false".equals(System.getProperty("jclat.elastic-pinning"));
    /**
     * Rounds of {@link JitWarmUp#exerciseAffinity}: 11 200 checks, 1 200 of them at a window's end, ~15 ms of CPU
     * on this project's VM. With C2's plain thresholds 40 were enough ({@code JitAfterPinReleaseTest}).
     */
    static final int AFFINITY_WARM_UP_CYCLES = 200;
    /** Each worker's own ICMP reassembly bounds (docs/security.md says what they cost and what a flood does). */
    static final ReassemblyLimits REASSEMBLY = ReassemblyLimits.DEFAULT;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong restarts = new AtomicLong();
    private final boolean vnetHeader;
    /** The workers are pinned to their queues' CPUs ({@link ElasticAffinity}). */
    private final boolean steered;
    private final TunDevice tun;
    private XlatConfig config;
    private volatile boolean closed;

    public Datapath(TunDevice tun, XlatConfig config) {
        this(tun, config, List.of());
    }

    /** @param pins per queue, the CPUs to pin its worker to ({@link QueueSteering#cpusPerQueue}), or empty */
    public Datapath(TunDevice tun, XlatConfig config, List<BitSet> pins) {
        this.config = config;
        this.tun = tun;
        this.vnetHeader = tun.vnetHeader();
        this.steered = !pins.isEmpty();
        BitSet anywhere = ELASTIC_PINNING ? union(pins) : null; // the queues' CPUs are all the process may use
        for (TunQueue q : tun.queues()) {
            Worker w = new Worker(q, config, tun.vnetHeader(), REASSEMBLY);
            if (!pins.isEmpty()) {
                BitSet mine = pins.get(q.index());
                w.pinTo(new ElasticAffinity(q.index(), mine, anywhere == null ? mine : anywhere, System.nanoTime()));
            }
            workers.add(w);
            threads.add(thread(w, q.index()));
        }
    }

    /**
     * A worker's thread. Should a bug in the core ever throw out of the loop, the same worker (its queue and
     * counters) is run again on a new thread and the restart counted: one bad packet must not stop a queue.
     */
    private Thread thread(Worker w, int index) {
        Thread t = new Thread(w, "jclat-worker-" + index);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((dead, e) -> {
            if (closed) {
                return;
            }
            restarts.incrementAndGet();
            Log.error(e, "worker {} failed and is restarted", index);
            Thread next = thread(w, index);
            synchronized (threads) {
                threads.set(threads.indexOf(dead), next);
            }
            next.start();
        });
        return t;
    }

    private static BitSet union(List<BitSet> sets) {
        BitSet all = new BitSet();
        sets.forEach(all::or);
        return all;
    }

    /** How many workers run released from their CPUs right now because their queues are under load. */
    public int workersReleased() {
        return (int) workers.stream().filter(Worker::releasedUnderLoad).count();
    }

    public void start() {
        synchronized (threads) {
            threads.forEach(Thread::start);
        }
        warmUp(config, steered);
    }

    /**
     * Compiles the translation code for this configuration, beside the workers, at nice 19: on a busy CPU it
     * must not delay a worker's wake-up (measured: single pings stalled 20-60 ms in the first seconds while
     * it ran at the workers' priority; Java's Thread.setPriority does nothing on Linux). It then runs mostly
     * on idle time. The CPU pin's decisions do not depend on the configuration: warmed up at start only.
     */
    private void warmUp(XlatConfig running, boolean affinity) {
        if (JIT_WARM_UP_ROUNDS <= 0) {
            return;
        }
        TunQueue discard = tun.openDiscardQueue();
        JitWarmUp work = discard == null ? new JitWarmUp(JIT_WARM_UP_ROUNDS, running, vnetHeader)
                : new JitWarmUp(JIT_WARM_UP_ROUNDS, running, vnetHeader,
                        new Worker(discard, running, vnetHeader, REASSEMBLY));
        Thread warmUp = new Thread(() -> {
            try {
                ThreadNice.setCurrentThread(ThreadNice.LOWEST);
            } catch (IOException e) {
                Log.debug("JIT warm-up runs at normal priority: {}", e.getMessage());
            }
            try {
                if (affinity) {
                    JitWarmUp.exerciseAffinity(AFFINITY_WARM_UP_CYCLES); // first: it takes milliseconds
                }
                work.run();
            } finally {
                if (discard != null) {
                    discard.close();
                }
            }
        }, "jclat-jit-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Switches every worker to a new configuration between two packets; counters are kept. */
    public void reconfigure(XlatConfig config) {
        workers.forEach(w -> w.translator().reconfigure(config));
        // A new prefix (length, the Well-Known one) or mode can take branches the compiled code never saw.
        if (!config.equals(this.config)) {
            this.config = config;
            warmUp(config, false);
        }
    }

    /** The workers' counters summed, in {@link Counters} layout (a reader's slightly stale view). */
    public long[] counters() {
        long[] sum = new long[Counters.SIZE];
        workers.forEach(w -> w.counters().addTo(sum));
        return sum;
    }

    /** Per worker, the packets it read from its queue (both directions; a reader's slightly stale view). */
    public long[] workerPackets() {
        long[] n = new long[workers.size()];
        for (int i = 0; i < n.length; i++) {
            Counters c = workers.get(i).counters();
            n[i] = c.get(Counters.IN4_PACKETS) + c.get(Counters.IN6_PACKETS);
        }
        return n;
    }

    /** How many times a worker thread died and was started again (0 in a healthy daemon). */
    public long restarts() {
        return restarts.get();
    }

    public List<Worker> workers() {
        return List.copyOf(workers);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        workers.forEach(Worker::stop);
        List<Thread> all;
        synchronized (threads) {
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            t.join(2000);
        }
        // The workers have stopped: what they hold for reassembly never completes (counted as timed out).
        workers.forEach(w -> w.translator().releaseFragments());
    }
}
