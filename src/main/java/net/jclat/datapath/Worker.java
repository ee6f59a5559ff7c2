package net.jclat.datapath;

import java.io.IOException;
import java.nio.ByteBuffer;
import net.jclat.tun.TunDevice;
import net.jclat.tun.TunQueue;
import net.jclat.xlat.Counters;
import net.jclat.xlat.PacketSink;
import net.jclat.xlat.Translator;
import net.jclat.xlat.XlatConfig;

/**
 * One thread per TUN queue: read → translate in place → write back on the same queue, which the kernel
 * routes onward. No locks, no allocation, no hand-off between threads. A packet the core refuses is
 * counted there; an I/O error is counted here and never ends the loop.
 */
public final class Worker implements Runnable {
    /** Largest packet a TUN delivers: 64 KiB (a GSO super-packet too), plus a virtio-net header. */
    static final int MAX_PACKET = 65536 + TunDevice.VNET_HEADER_LENGTH;
    private static final int IDLE_POLL_MILLIS = 200;

    private final TunQueue queue;
    private final boolean vnetHeader;
    private final Translator translator;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Translator.HEADROOM + MAX_PACKET);
    private final PacketSink writeBack = this::writeBack;
    private volatile boolean running = true;
    // I/O counters, written by this worker's thread only.
    private long readErrors;
    private long writeErrors;

    public Worker(TunQueue queue, XlatConfig config) {
        this(queue, config, false);
    }

    /** @param vnetHeader the queue's packets start with a virtio-net header (offload on) */
    public Worker(TunQueue queue, XlatConfig config, boolean vnetHeader) {
        this.queue = queue;
        this.vnetHeader = vnetHeader;
        this.translator = new Translator(config, new Counters());
    }

    @Override
    public void run() {
        while (running) {
            int n;
            try {
                n = queue.read(buf, Translator.HEADROOM, buf.capacity());
                if (n == 0) {
                    queue.awaitReadable(IDLE_POLL_MILLIS);
                    continue;
                }
            } catch (IOException e) {
                if (!running || queue.isClosed()) {
                    break;
                }
                readErrors++;
                pause();
                continue;
            }
            if (vnetHeader) {
                // Header at HEADROOM, IP right after it: the header of what goes out is written in front.
                int ip = Translator.HEADROOM + TunDevice.VNET_HEADER_LENGTH;
                translator.translateVnet(buf, ip, n - TunDevice.VNET_HEADER_LENGTH, writeBack);
            } else {
                translator.translate(buf, Translator.HEADROOM, n, writeBack);
            }
        }
    }

    private void writeBack(ByteBuffer b, int off, int len) {
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
    }

    public Translator translator() {
        return translator;
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
