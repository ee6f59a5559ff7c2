package net.jclat.datapath;

import java.util.ArrayList;
import java.util.List;
import net.jclat.tun.TunDevice;
import net.jclat.tun.TunQueue;
import net.jclat.xlat.Counters;
import net.jclat.xlat.XlatConfig;

/** The workers of one TUN device, one per queue, started and stopped together. */
public final class Datapath implements AutoCloseable {
    /** Enough calls of each path for the C2 compiler (thresholds ~10 000 invocations). */
    private static final int JIT_WARM_UP_ROUNDS = 30_000;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    public Datapath(TunDevice tun, XlatConfig config) {
        for (TunQueue q : tun.queues()) {
            Worker w = new Worker(q, config, tun.vnetHeader());
            workers.add(w);
            Thread t = new Thread(w, "jclat-worker-" + q.index());
            t.setDaemon(true);
            threads.add(t);
        }
    }

    public void start() {
        threads.forEach(Thread::start);
        // Beside the workers, at low priority: it competes only with idle time.
        Thread warmUp = new Thread(new JitWarmUp(JIT_WARM_UP_ROUNDS), "jclat-jit-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
    }

    /** Switches every worker to a new configuration between two packets; counters are kept. */
    public void reconfigure(XlatConfig config) {
        workers.forEach(w -> w.translator().reconfigure(config));
    }

    /** The workers' counters summed, in {@link Counters} layout (a reader's slightly stale view). */
    public long[] counters() {
        long[] sum = new long[Counters.SIZE];
        workers.forEach(w -> w.counters().addTo(sum));
        return sum;
    }

    public List<Worker> workers() {
        return List.copyOf(workers);
    }

    @Override
    public void close() throws InterruptedException {
        workers.forEach(Worker::stop);
        for (Thread t : threads) {
            t.join(2000);
        }
    }
}
