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
 *
 * <p>With offload, every packet read or written starts with a 10-byte virtio-net header (IFF_VNET_HDR,
 * TUNSETVNETHDRSZ) and the kernel may hand over, and accepts, packets with partial checksums and 64 KiB
 * TCP/UDP super-packets (TUNSETOFFLOAD). Which offloads the kernel accepts is probed, best first.
 */
public final class TunDevice implements AutoCloseable {
    // linux/if_tun.h
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_VNET_HDR = 0x4000;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_TSO_ECN = 0x08;
    public static final int TUN_F_USO4 = 0x20;
    public static final int TUN_F_USO6 = 0x40;
    /** The size of {@code struct virtio_net_hdr}. */
    public static final int VNET_HEADER_LENGTH = 10;
    /** Tried in turn; USO (Linux 6.2+) only as a pair, TSO only with CSUM (drivers/net/tun.c set_offload). */
    private static final int[] OFFLOAD_CHOICES = {
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6,
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
        TUN_F_CSUM,
        0,
    };
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;

    private final String name;
    private final TunIo io;
    private final List<TunQueue> queues;
    private final boolean vnetHeader;
    private final int offloads;

    private TunDevice(String name, TunIo io, List<TunQueue> queues, boolean vnetHeader, int offloads) {
        this.name = name;
        this.io = io;
        this.queues = queues;
        this.vnetHeader = vnetHeader;
        this.offloads = offloads;
    }

    /**
     * Opens {@code queueCount} queues of the TUN device {@code name}, creating the device if needed; with
     * {@code offload}, with virtio-net headers and the best set of offloads the kernel accepts
     * (see {@link #offloads()}).
     */
    public static TunDevice open(String name, int queueCount, TunIo requested, boolean offload) throws IOException {
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
        int accepted = 0;
        try {
            for (int i = 0; i < queueCount; i++) {
                TunQueue q = io == TunIo.NETTY ? openNettyQueue(name, i, offload)
                        : openFileChannelQueue(name, i, offload);
                opened.add(q);
                if (offload && i == 0) {
                    // Header size and offloads belong to the device, not the queue: set them once.
                    accepted = setUpOffloads(q.fd(), name);
                }
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(TunQueue::close);
            throw e;
        }
        return new TunDevice(name, io, List.copyOf(opened), offload, accepted);
    }
    private static int setUpOffloads(int fd, String name) throws IOException {
        try {
            LibC.ioctl(fd, TUNSETVNETHDRSZ, intArg(VNET_HEADER_LENGTH));
        } catch (LastErrorException e) {
            throw new IOException("TUNSETVNETHDRSZ " + name + ": " + Errno.describe(e.getErrorCode()));
        }
        for (int flags : OFFLOAD_CHOICES) {
            try {
                LibC.ioctl(fd, TUNSETOFFLOAD, (long) flags);
                return flags;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINVAL) {
                    throw new IOException("TUNSETOFFLOAD " + name + ": " + Errno.describe(e.getErrorCode()));
                }
            }
        }
        return 0;
    }

    private static byte[] intArg(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, v).array();
    }


    private static TunQueue openNettyQueue(String name, int index, boolean vnetHeader) throws IOException {
        int fd;
        synchronized (TunFdLookup.LOCK) {
            try {
                fd = LibC.open(TunFdLookup.DEVICE.toString(), LibC.O_RDWR);
            } catch (LastErrorException e) {
                throw cannotOpen(Errno.describe(e.getErrorCode()));
            }
        }
        return attach(fd, name, index, vnetHeader, new NettyQueueIo(fd));
    }

    /** The JDK opens the device; its descriptor, needed once for the ioctl, is found in /proc/self/fd. */
    private static TunQueue openFileChannelQueue(String name, int index, boolean vnetHeader) throws IOException {
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
        TunQueue q = attach(fd, name, index, vnetHeader, new FileChannelQueueIo(channel));
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
    private static TunQueue attach(int fd, String name, int index, boolean vnetHeader, QueueIo io) throws IOException {
        ByteBuffer ifr = ByteBuffer.allocate(IFREQ_SIZE).order(ByteOrder.nativeOrder());
        ifr.put(name.getBytes(StandardCharsets.US_ASCII));
        ifr.putShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | (vnetHeader ? IFF_VNET_HDR : 0)));
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

    /**
     * A queue like this device's (same packet I/O) whose packets go to /dev/null: the JIT warm-up writes
     * through it so the code that writes packets is compiled for the classes real packets meet. Null with
     * {@link TunIo#FILECHANNEL}, whose descriptor would have to be found the long way; the caller closes it.
     */
    public TunQueue openDiscardQueue() {
        if (io != TunIo.NETTY) {
            return null;
        }
        int fd;
        try {
            fd = LibC.open("/dev/null", LibC.O_RDWR);
        } catch (LastErrorException e) {
            return null;
        }
        try {
            return new TunQueue(fd, -1, new NettyQueueIo(fd));
        } catch (IOException e) {
            closeLocked(new NettyQueueIo(fd));
            return null;
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

    /** Whether every packet on this device starts with a virtio-net header of {@link #VNET_HEADER_LENGTH}. */
    public boolean vnetHeader() {
        return vnetHeader;
    }

    /** The TUN_F_* offloads the kernel accepted (0 without offload). */
    public int offloads() {
        return offloads;
    }

    /** The accepted offloads as words, e.g. "csum tso4 tso6 tso-ecn uso4 uso6", or "none". */
    public static String describeOffloads(int flags) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"csum", "tso4", "tso6", "tso-ecn", "ufo", "uso4", "uso6"};
        for (int i = 0; i < names.length; i++) {
            if ((flags & 1 << i) != 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(names[i]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    @Override
    public void close() {
        queues.forEach(TunQueue::close);
    }
}
