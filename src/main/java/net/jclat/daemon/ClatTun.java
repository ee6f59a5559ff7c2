package net.jclat.daemon;

import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import net.jclat.config.RunConfig;
import net.jclat.datapath.Datapath;
import net.jclat.tun.TunDevice;
import net.jclat.xlat.XlatConfig;

/**
 * The CLAT's TUN and the {@link TunAttachment}s translating on it: opened at start, re-opened when deleted
 * from outside (attachments detached first and attached again after), closed on stop after every
 * attachment was detached. Not thread-safe: the daemon calls it under its lock.
 */
final class ClatTun {
    private final WorkerPool workers = new WorkerPool();
    private final FastPathAttachment fastPath = new FastPathAttachment();
    /** Attached in this order, detached in reverse: the kernel stops taking packets before the workers stop. */
    private final List<TunAttachment> attachments = List.of(workers, fastPath);
    private TunDevice device;
    /** Per queue, the CPUs its worker is pinned to; empty without per-CPU steering. */
    private List<BitSet> pins = List.of();
    private int recreated;

    /** Opens the TUN as the settings ask. */
    void open(RunConfig cfg) throws IOException {
        TunOpener.Opened opened = TunOpener.open(cfg);
        device = opened.device();
        pins = opened.pins();
    }

    /** At start, once the TUN is open: the kernel fast path as {@code fast-path} says (see there). */
    void startFastPath(RunConfig cfg, InterfaceSetup setup) throws IOException {
        fastPath.start(cfg.fastPath(), setup.uplinkIndex(), setup.tunIndex());
    }

    /** The watchdog's round after a tc change: the fast path's filter and its neighbours on the uplink. */
    void keepUplinkIngress() {
        fastPath.keepUplinkIngress();
    }

    FastPathStatus fastPathStatus() {
        return fastPath.status();
    }

    /** Starts every attachment on the open TUN. */
    void attach(RunConfig cfg, InterfaceSetup setup, XlatConfig xlat) throws IOException {
        ActiveTun t = new ActiveTun(device, cfg.tun(), setup.tunIndex(), pins, cfg.uplink(), setup.uplinkIndex(),
                setup.tunMtu());
        for (TunAttachment a : attachments) {
            a.attach(t, xlat);
        }
    }

    void reconfigure(XlatConfig xlat) throws IOException {
        for (TunAttachment a : attachments) {
            a.reconfigure(xlat);
        }
    }

    void detach() {
        for (int i = attachments.size() - 1; i >= 0; i--) {
            attachments.get(i).detach();
        }
    }

    /**
     * The TUN was deleted from outside: open it again under the same name and, if the CLAT is active, attach
     * again with the same translator configuration; counters carry on. A failure leaves it to the next try.
     */
    void recreate(RunConfig cfg, InterfaceSetup setup, boolean active, XlatConfig xlat) throws IOException {
        detach();
        device.close();
        open(cfg);
        setup.tunOpened(cfg.tun());
        if (active) {
            attach(cfg, setup, xlat);
        }
        recreated++;
    }

    /** Detaches everything and closes the TUN: the device and its routes go with the last queue. */
    void close() {
        detach();
        fastPath.close();
        if (device != null) {
            device.close();
            device = null;
        }
    }

    /** The open TUN, or null. */
    TunDevice device() {
        return device;
    }

    List<BitSet> pins() {
        return pins;
    }

    int recreated() {
        return recreated;
    }

    WorkerPool workers() {
        return workers;
    }

    Datapath datapath() {
        return workers.datapath();
    }

    /**
     * Packets and drops over both paths: the Java datapath's, and the kernel's from {@code fast} (a reading
     * {@link #fastPathStatus} took), so one status costs one read of the fast path's maps, not two (issue 15),
     * and its totals and its {@code fast_path} figures agree.
     */
    long[] counters(FastPathStatus fast) {
        long[] sum = workers.counters();
        long[] k = FastPathAttachment.counters(fast.counters());
        for (int i = 0; i < k.length; i++) {
            sum[i] += k[i];
        }
        return sum;
    }
}
