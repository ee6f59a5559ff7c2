package net.jclat.tun;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux TUN device opened with one file descriptor per queue (IFF_MULTI_QUEUE), raw IP with no packet
 * information header (IFF_NO_PI). Attaches to an existing device of that name or creates one
 * (Documentation/networking/tuntap.rst). Knows nothing about IP.
 */
public final class TunDevice implements AutoCloseable {
    // linux/if_tun.h
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;

    private final String name;
    private final List<TunQueue> queues;

    private TunDevice(String name, List<TunQueue> queues) {
        this.name = name;
        this.queues = queues;
    }

    /** Opens {@code queueCount} queues of the TUN device {@code name}, creating the device if needed. */
    public static TunDevice open(String name, int queueCount) throws IOException {
        if (name.isEmpty() || name.getBytes(StandardCharsets.US_ASCII).length >= IFNAMSIZ || name.contains("/")) {
            throw new IOException("bad TUN device name '" + name + "' (1 to 15 characters, no '/')");
        }
        if (queueCount < 1) {
            throw new IOException("a TUN device needs at least one queue");
        }
        List<TunQueue> opened = new ArrayList<>();
        try {
            for (int i = 0; i < queueCount; i++) {
                opened.add(new TunQueue(openQueue(name), i));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(TunQueue::close);
            throw e;
        }
        return new TunDevice(name, List.copyOf(opened));
    }

    private static int openQueue(String name) throws IOException {
        int fd;
        try {
            fd = LibC.open("/dev/net/tun", LibC.O_RDWR);
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/net/tun: " + Errno.describe(e.getErrorCode())
                    + " (is the tun module loaded, and are we root or CAP_NET_ADMIN?)");
        }
        ByteBuffer ifr = ByteBuffer.allocate(IFREQ_SIZE).order(ByteOrder.nativeOrder());
        ifr.put(name.getBytes(StandardCharsets.US_ASCII));
        ifr.putShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE));
        try {
            LibC.ioctl(fd, TUNSETIFF, ifr.array());
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new IOException("TUNSETIFF " + name + ": " + Errno.describe(e.getErrorCode())
                    + (e.getErrorCode() == Errno.EINVAL ? " (a device of that name exists and is not a"
                            + " multi-queue TUN?)" : ""));
        }
        return fd;
    }

    public String name() {
        return name;
    }

    public List<TunQueue> queues() {
        return queues;
    }

    @Override
    public void close() {
        queues.forEach(TunQueue::close);
    }
}
