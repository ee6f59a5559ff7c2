package net.jclat.tun;

import com.sun.jna.LastErrorException;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Linux TUN device opened with one file descriptor per queue (IFF_MULTI_QUEUE), raw IP with no packet
 * information header (IFF_NO_PI). Attaches to an existing device of that name or creates one
 * (Documentation/networking/tuntap.rst). Each queue's packets move through Netty's JNI or, where its native
 * library cannot load, the JDK's FileChannel ({@link TunIo}). Knows nothing about IP.
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
    private final TunIo io;
    private final List<TunQueue> queues;

    private TunDevice(String name, TunIo io, List<TunQueue> queues) {
        this.name = name;
        this.io = io;
        this.queues = queues;
    }

    /** Opens {@code queueCount} queues of the TUN device {@code name}, creating the device if needed. */
    public static TunDevice open(String name, int queueCount, TunIo requested) throws IOException {
        if (name.isEmpty() || name.getBytes(StandardCharsets.US_ASCII).length >= IFNAMSIZ || name.contains("/")) {
            throw new IOException("bad TUN device name '" + name + "' (1 to 15 characters, no '/')");
        }
        if (queueCount < 1) {
            throw new IOException("a TUN device needs at least one queue");
        }
        TunIo io = requested.resolve();
        if (io == TunIo.NETTY && !Epoll.isAvailable()) {
            throw new IOException("tun-io netty: Netty's epoll native library cannot be used here ("
                    + TunIo.nettyUnavailableReason() + "); use tun-io filechannel or auto");
        }
        List<TunQueue> opened = new ArrayList<>();
        try {
            for (int i = 0; i < queueCount; i++) {
                opened.add(io == TunIo.NETTY ? openNettyQueue(name, i) : openFileChannelQueue(name, i));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(TunQueue::close);
            throw e;
        }
        return new TunDevice(name, io, List.copyOf(opened));
    }

    private static TunQueue openNettyQueue(String name, int index) throws IOException {
        int fd;
        synchronized (TunFdLookup.LOCK) {
            try {
                fd = LibC.open(TunFdLookup.DEVICE.toString(), LibC.O_RDWR);
            } catch (LastErrorException e) {
                throw cannotOpen(Errno.describe(e.getErrorCode()));
            }
        }
        return attach(fd, name, index, new NettyQueueIo(fd));
    }

    /** The JDK opens the device; its descriptor, needed once for the ioctl, is found in /proc/self/fd. */
    private static TunQueue openFileChannelQueue(String name, int index) throws IOException {
        FileChannel channel;
        int fd;
        synchronized (TunFdLookup.LOCK) {
            Set<Integer> before = TunFdLookup.openDescriptors();
            try {
                channel = FileChannel.open(TunFdLookup.DEVICE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (AccessDeniedException e) {
                throw cannotOpen(Errno.describe(Errno.EACCES));
            } catch (NoSuchFileException e) {
                throw cannotOpen(Errno.describe(Errno.ENOENT));
            } catch (FileSystemException e) {
                throw cannotOpen(e.getReason() != null ? e.getReason() : e.toString());
            }
            Set<Integer> fresh = TunFdLookup.openDescriptors();
            fresh.removeAll(before);
            if (fresh.size() != 1) {
                channel.close();
                throw new IOException("cannot tell which descriptor in /proc/self/fd is the new /dev/net/tun"
                        + " channel (candidates " + fresh + ")");
            }
            fd = fresh.iterator().next();
        }
        TunQueue q = attach(fd, name, index, new FileChannelQueueIo(channel));
        String attached = TunFdLookup.attachedInterface(fd);
        if (!name.equals(attached)) {
            q.close();
            throw new IOException("descriptor " + fd + " found for the TUN channel is attached to " + attached
                    + ", not " + name);
        }
        return q;
    }

    private static IOException cannotOpen(String why) {
        return new IOException("cannot open /dev/net/tun: " + why
                + " (is the tun module loaded, and are we root or CAP_NET_ADMIN?)");
    }

    /** TUNSETIFF: attaches the descriptor to {@code name} as one more queue. */
    private static TunQueue attach(int fd, String name, int index, QueueIo io) throws IOException {
        ByteBuffer ifr = ByteBuffer.allocate(IFREQ_SIZE).order(ByteOrder.nativeOrder());
        ifr.put(name.getBytes(StandardCharsets.US_ASCII));
        ifr.putShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE));
        try {
            LibC.ioctl(fd, TUNSETIFF, ifr.array());
        } catch (LastErrorException e) {
            closeLocked(io);
            throw new IOException("TUNSETIFF " + name + ": " + Errno.describe(e.getErrorCode())
                    + (e.getErrorCode() == Errno.EINVAL ? " (a device of that name exists and is not a"
                            + " multi-queue TUN?)" : ""));
        }
        try {
            return new TunQueue(fd, index, io);
        } catch (IOException e) {
            closeLocked(io);
            throw e;
        }
    }

    private static void closeLocked(QueueIo io) {
        synchronized (TunFdLookup.LOCK) {
            io.close();
        }
    }

    /** The packet I/O in use: {@link TunIo#NETTY} or {@link TunIo#FILECHANNEL}, never AUTO. */
    public TunIo io() {
        return io;
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
