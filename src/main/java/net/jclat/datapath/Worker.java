package net.jclat.datapath;

import java.io.IOException;
import java.nio.ByteBuffer;
import net.jclat.tun.TunDevice;
import net.jclat.tun.TunQueue;
import net.jclat.xlat.Counters;
import net.jclat.xlat.PacketSink;
import net.jclat.xlat.ReassemblyLimits;
import net.jclat.xlat.Translator;
import net.jclat.xlat.UdpCoalescer;
import net.jclat.xlat.XlatConfig;

/**
 * One thread per TUN queue: read → translate in place → write back on the same queue, which the kernel
 * routes onward. No locks, no allocation, no hand-off between threads. A packet the core refuses is
 * counted there; an I/O error is counted here and never ends the loop.
 */
public final class Worker implements Runnable, PacketSink {
    /** Largest packet a TUN delivers: 64 KiB (a GSO super-packet too), plus a virtio-net header. */
    static final int MAX_PACKET = 65536 + TunDevice.VNET_HEADER_LENGTH;
    /**
     * How often an idle worker wakes while it has something to do then: ICMP fragments to expire, or its pin to
     * take back after a load ({@link ElasticAffinity}); else it sleeps until a packet comes.
     */
    private static final int IDLE_CHORES_POLL_MILLIS = 200;
    /** {@code -Djclat.udp-coalescing=false} turns user-space UDP GRO off, to measure what it brings. */
    private static final boolean UDP_COALESCING = !"false".equals(System.getProperty("jclat.udp-coalescing"));
    /**
     * While sparse, one packet in this many is followed by a read that may find the queue empty, to notice that
     * packets come faster again (the read finds the next one: the worker reads the queue empty once more).
     */
    private static final int SPARSE_PROBE = 8;

    private final TunQueue queue;
    private final boolean vnetHeader;
    private final Translator translator;
    /** Allocated when the worker's thread starts: a worker that is only a sink (JIT warm-up) never needs it. */
    private ByteBuffer buf;
    /** Where the packets after the first of a UDP batch are read (offload only); swapped with buf. */
    private ByteBuffer next;
    private final UdpCoalescer coalescer;
    /** With per-CPU steering: the queue's CPUs, released under load; else null (the worker runs anywhere). */
    private volatile ElasticAffinity affinity;
    /** The worker thread's copy of {@link #affinity}, taken when it starts. */
    private ElasticAffinity pin;
    /** Length of a packet already read into buf, not yet translated (a UDP batch's odd one out). */
    private int pending;
    private int reads;
    /** Packets read since the last wait. */
    private int burst;
    /** The last wait brought one packet: traffic is sparse, the queue is most likely empty after a packet. */
    private boolean sparse;
    /** Packets handled while sparse: every {@link #SPARSE_PROBE}th is followed by a read, not a wait. */
    private int sparseTurns;
    /** The next turn waits before it reads. */
    private boolean waitFirst;
    private volatile boolean running = true;
    // I/O counters, written by this worker's thread only.
    private long readErrors;
    private long writeErrors;

    public Worker(TunQueue queue, XlatConfig config) {
        this(queue, config, false, ReassemblyLimits.DEFAULT);
    }

    /**
     * @param vnetHeader the queue's packets start with a virtio-net header (offload on)
     * @param reassembly bounds of this worker's own ICMP reassembly buffer (fragments of one datagram reach
     *                   one queue: {@code SteeringProgram} steers fragments by address)
     */
    public Worker(TunQueue queue, XlatConfig config, boolean vnetHeader, ReassemblyLimits reassembly) {
        this.queue = queue;
        this.vnetHeader = vnetHeader;
        this.translator = new Translator(config, new Counters(), System::nanoTime, reassembly);
        this.coalescer = new UdpCoalescer(translator.counters());
        if (vnetHeader) {
            translator.prepareVnet();
        }
    }

    /** Pins this worker to its queue's CPUs, from its next start on (per-CPU steering). */
    void pinTo(ElasticAffinity affinity) {
        this.affinity = affinity;
    }

    @Override
    public void run() {
        if (buf == null) {
            buf = ByteBuffer.allocateDirect(Translator.HEADROOM + MAX_PACKET);
            next = vnetHeader ? ByteBuffer.allocateDirect(Translator.HEADROOM + MAX_PACKET) : null;
        }
        pin = affinity;
        if (pin != null) {
            pin.pin();
        }
        while (running && step()) {
            // each turn is one call: the JIT compiles step() after a few hundred packets, where the body of a
            // loop that never returns would wait for an on-stack replacement (tens of thousands of turns,
            // minutes of interpreted code at one ping per 50 ms)
        }
    }

    /** One turn of the loop: a packet (or a UDP batch) read, translated and written, or one wait. False: stop. */
    private boolean step() {
        int n = pending;
        pending = 0;
        try {
            if (n == 0) {
                if (waitFirst) {
                    waitFirst = false;
                    idle();
                }
                n = queue.read(buf, Translator.HEADROOM, buf.capacity());
            }
            if (n == 0) {
                sparse = burst <= 1;
                idle();
                return true;
            }
        } catch (IOException e) {
            if (!running || queue.isClosed()) {
                return false;
            }
            readErrors++;
            pause();
            return true;
        }
        burst++;
        if ((++reads & 63) == 0) {
            if (pin != null) {
                pin.check(System.nanoTime());
            }
            if ((reads & 4095) == 0) {
                translator.expireFragments(); // under load too, without a clock read per packet
            }
        }
        if (!vnetHeader) {
            translator.translate(buf, Translator.HEADROOM, n, this);
            afterPacket();
            return true;
        }
        // Header at HEADROOM, IP right after it: the header of what goes out is written in front.
        int ip = Translator.HEADROOM + TunDevice.VNET_HEADER_LENGTH;
        int len = n - TunDevice.VNET_HEADER_LENGTH;
        // While sparse, a datagram's followers are not looked for: the read would find the queue empty (the
        // probe notices when datagrams come closer together, and batching starts again).
        if (UDP_COALESCING && !sparse && coalescer.start(buf, ip, len)) {
            pending = readFollowers(ip);
            len = coalescer.finish();
        }
        translator.translateVnet(buf, ip, len, this);
        if (pending > 0) {
            // The packet that did not belong to the batch is next: it becomes the one in buf.
            ByteBuffer b = buf;
            buf = next;
            next = b;
        } else {
            afterPacket();
        }
        return true;
    }

    /**
     * A lone packet (ping, DNS, a game's update) is followed by a wait, not by a read that finds the queue empty:
     * the wait (level-triggered) ends at once if another packet came meanwhile, so nothing waits longer, and a
     * sparse packet costs the worker three system calls (wait, read, write) instead of four, as many as TAYGA's
     * poll, read and write (docs/benchmarks.md, "The TUN path's wait").
     */
    private void afterPacket() {
        if (burst > 1) {
            sparse = false; // a probe (or a UDP batch's read) found more: read the queue empty again
        } else if (sparse && ++sparseTurns % SPARSE_PROBE != 0) {
            waitFirst = true;
        }
    }

    /**
     * The queue is empty: expire what reassembly gave up on, then wait for the next packet (or a stop). Without
     * fragments held, and pinned, there is nothing to do until then: an idle worker that woke every 200 ms cost
     * ~0.2 ms of CPU each time on this project's VM (perf sched), 2 ms a second for two idle workers, more on
     * a router.
     */
    private void idle() throws IOException {
        burst = 0;
        // ICMP fragments whose datagram never completed are dropped once their timeout passed. Only looked at
        // while some are held: a sparse worker passes here once per packet, and each call it skips is cold code
        // (and a clock read) off a ping's round trip.
        boolean holding = translator.holdsFragments();
        if (holding) {
            translator.expireFragments();
            holding = translator.holdsFragments();
        }
        // The pin's wait is a number it keeps, not a branch here on whether it is released: compiled while the
        // worker had never been released, that branch trapped on the first release under load (ElasticAffinity).
        int timeout = holding ? IDLE_CHORES_POLL_MILLIS : pin == null ? -1 : pin.idleWaitMillis();
        if (pin == null) {
            queue.awaitAnything(timeout);
            return;
        }
        long before = System.nanoTime();
        queue.awaitAnything(timeout);
        long after = System.nanoTime();
        pin.waited(after - before);
        pin.check(after);
    }

    /**
     * Reads the datagrams queued behind a batch's first into the batch while they belong to it, never waiting:
     * a batch is only what the kernel has already queued. Returns the length of a packet read that did not
     * belong (left in {@code next}), or 0.
     */
    private int readFollowers(int ip) {
        while (coalescer.canTakeMore()) {
            int m;
            try {
                m = queue.read(next, Translator.HEADROOM, next.capacity());
            } catch (IOException e) {
                readErrors++;
                return 0;
            }
            if (m == 0) {
                return 0;
            }
            burst++;
            if (!coalescer.append(next, ip, m - TunDevice.VNET_HEADER_LENGTH)) {
                return m;
            }
        }
        return 0;
    }

    /**
     * Where the translator puts each packet: back into the queue. The worker itself is the sink, not a method
     * reference, so that this runs compiled early with the rest of Worker (the launcher compiles Worker's
     * methods after a twentieth of the usual calls; a lambda is a class of its own and stayed interpreted).
     */
    @Override
    public void accept(ByteBuffer b, int off, int len) {
        try {
            if (queue.write(b, off, off + len) != len) {
                writeErrors++;
            }
        } catch (IOException e) {
            writeErrors++;
        }
    }

    /** After a read error (device going down) wait a little rather than spin. */
    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stop() {
        running = false;
        queue.wake();
    }

    public Translator translator() {
        return translator;
    }

    /** Whether the worker runs released from its CPUs because its queue is under load (false: pinned or unpinned). */
    public boolean releasedUnderLoad() {
        ElasticAffinity a = affinity;
        return a != null && a.released();
    }

    public Counters counters() {
        return translator.counters();
    }

    public long readErrors() {
        return readErrors;
    }

    public long writeErrors() {
        return writeErrors;
    }
}
