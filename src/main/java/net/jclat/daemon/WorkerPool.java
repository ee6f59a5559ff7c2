package net.jclat.daemon;

import java.util.Arrays;
import net.jclat.datapath.Datapath;
import net.jclat.xlat.Counters;
import net.jclat.xlat.XlatConfig;

/**
 * The Java datapath as a {@link TunAttachment}: one worker per TUN queue. When the TUN is re-created its
 * workers are replaced, and their counters and restarts are kept so the status never goes backwards.
 */
final class WorkerPool implements TunAttachment {
    private Datapath datapath;
    /** Counters, per-worker packets and restarts of workers that ran on a TUN that is gone. */
    private final long[] retiredCounters = new long[Counters.SIZE];
    private long[] retiredWorkerPackets = new long[0];
    private long retiredRestarts;

    @Override
    public void attach(ActiveTun tun, XlatConfig xlat) {
        datapath = new Datapath(tun.device(), xlat, tun.pins());
        datapath.start();
    }

    @Override
    public void reconfigure(XlatConfig xlat) {
        if (datapath != null) {
            datapath.reconfigure(xlat); // the workers pick it up between two packets
        }
    }

    @Override
    public void detach() {
        if (datapath == null) {
            return;
        }
        try {
            datapath.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long[] c = datapath.counters();
        for (int i = 0; i < c.length; i++) {
            retiredCounters[i] += c[i];
        }
        retiredRestarts += datapath.restarts();
        retiredWorkerPackets = add(retiredWorkerPackets, datapath.workerPackets());
        datapath = null;
    }

    /** Packets and drops in {@link Counters}' layout, over every datapath this pool ran. */
    long[] counters() {
        long[] c = datapath == null ? new long[Counters.SIZE] : datapath.counters();
        for (int i = 0; i < c.length; i++) {
            c[i] += retiredCounters[i];
        }
        return c;
    }

    long restarts() {
        return retiredRestarts + (datapath == null ? 0 : datapath.restarts());
    }

    long[] workerPackets() {
        return add(retiredWorkerPackets, datapath == null ? new long[0] : datapath.workerPackets());
    }

    int workersReleased() {
        return datapath == null ? 0 : datapath.workersReleased();
    }

    /** The running datapath, or null. */
    Datapath datapath() {
        return datapath;
    }

    private static long[] add(long[] a, long[] b) {
        long[] sum = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int i = 0; i < b.length; i++) {
            sum[i] += b[i];
        }
        return sum;
    }
}
