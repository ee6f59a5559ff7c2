package net.jclat.daemon;

import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import net.jclat.config.Offload;
import net.jclat.config.RunConfig;
import net.jclat.config.Steering;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.QueueSteering;
import net.jclat.tun.TunDevice;
import net.jclat.tun.TunIo;
import net.jclat.log.Log;

/**
 * Opens the CLAT's TUN the way the settings ask: virtio-net headers and offloads, per-CPU queue steering.
 * A TUN re-created after it was deleted from outside is opened the same way.
 */
final class TunOpener {
    /** @param pins per queue, the CPUs its worker is pinned to; empty without per-CPU steering */
    record Opened(TunDevice device, List<BitSet> pins) {
    }

    private TunOpener() {
    }

    static Opened open(RunConfig cfg) throws IOException {
        TunDevice t = openWithOffloads(cfg);
        return new Opened(t, steer(cfg, t)); // with offload off too
    }

    /** Once per start: which packet I/O the TUN uses, and why when it is not the fast one. */
    static void logIo(RunConfig cfg, TunDevice tun) {
        if (tun.io() == TunIo.NETTY) {
            Log.info("TUN I/O: Netty's JNI file-descriptor I/O (tun-io {})", cfg.tunIo().label());
        } else if (cfg.tunIo() == TunIo.AUTO) {
            Log.info("TUN I/O: the JDK's FileChannel, because Netty's epoll native library is not available"
                    + " ({})", TunIo.nettyUnavailableReason());
        } else {
            Log.info("TUN I/O: the JDK's FileChannel (tun-io filechannel)");
        }
    }

    /**
     * The TUN with virtio-net headers and the offloads the kernel accepts (offload auto/on), or plain (off).
     * What was accepted is logged: it decides whether 64 KiB super-packets come through.
     */
    private static TunDevice openWithOffloads(RunConfig cfg) throws IOException {
        if (cfg.offload() == Offload.OFF) {
            return TunDevice.open(cfg.tun(), cfg.workers(), cfg.tunIo(), false);
        }
        TunDevice t = TunDevice.open(cfg.tun(), cfg.workers(), cfg.tunIo(), true);
        int need = TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4 | TunDevice.TUN_F_TSO6;
        if (cfg.offload() == Offload.ON && (t.offloads() & need) != need) {
            t.close();
            throw new IOException("offload on: the kernel accepted only '" + TunDevice.describeOffloads(t.offloads())
                    + "' on " + cfg.tun() + " (needs csum tso4 tso6); use offload auto or off");
        }
        Log.info("TUN {} offloads: {}", cfg.tun(), TunDevice.describeOffloads(t.offloads()));
        return t;
    }

    /**
     * Per-CPU queue steering (cpu-steering auto/on): the TUN sends each packet to the queue of the CPU it
     * arrives on, and that queue's worker is pinned there (see {@link QueueSteering}). Returns the pins. With
     * auto, anything in the way leaves the kernel's flow-hash steering.
     */
    private static List<BitSet> steer(RunConfig cfg, TunDevice t) throws IOException {
        if (cfg.cpuSteering() == Steering.OFF) {
            return List.of();
        }
        String why;
        try {
            BitSet allowed = CpuAffinity.ofCurrentThread();
            List<BitSet> sets = QueueSteering.cpusPerQueue(allowed, t.queues().size());
            if (t.queues().size() < 2) {
                why = "one queue";
            } else if (sets.isEmpty()) {
                why = "fewer usable CPUs than queues (" + allowed + " for "
                        + t.queues().size() + " workers)";
            } else {
                QueueSteering.attach(t);
                Log.info("TUN {}: per-CPU steering, worker CPUs {}", cfg.tun(), sets);
                return sets;
            }
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (cfg.cpuSteering() == Steering.ON) {
            t.close();
            throw new IOException("cpu-steering on: cannot steer " + cfg.tun() + " by CPU: " + why
                    + "; use cpu-steering auto or off");
        }
        Log.info("TUN {}: flow-hash steering by the kernel (per-CPU steering not used: {})", cfg.tun(), why);
        return List.of();
    }
}
