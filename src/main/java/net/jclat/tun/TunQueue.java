package net.jclat.tun;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One queue of a TUN device: a non-blocking file descriptor whose packets move through a {@link QueueIo}
 * (Netty's JNI or the JDK's FileChannel, see {@link TunIo}). When the queue is empty the owner waits in
 * {@link #awaitReadable}, which costs a JNA call only when there is nothing to do.
 */
public final class TunQueue {
    private final int fd;
    private final int index;
    private final QueueIo io;
    private final byte[] pollFd = new byte[8];
    private volatile boolean closed;

    TunQueue(int fd, int index, QueueIo io) throws IOException {
        this.fd = fd;
        this.index = index;
        this.io = io;
        try {
            LibC.fcntl(fd, LibC.F_SETFL, LibC.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new IOException("cannot make TUN queue non-blocking: " + Errno.describe(e.getErrorCode()));
        }
        // struct pollfd, native byte order: fd, then events = POLLIN.
        ByteBuffer.wrap(pollFd).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, LibC.POLLIN);
    }

    /** The queue's file descriptor, for device-wide ioctls. */
    int fd() {
        return fd;
    }

    public int index() {
        return index;
    }

    /** Reads one packet into {@code buf[pos..limit)}; returns its length, or 0 when the queue is empty. */
    public int read(ByteBuffer buf, int pos, int limit) throws IOException {
        return io.read(buf, pos, limit);
    }

    /** Writes one packet from {@code buf[pos..limit)}; returns the bytes written (0 if the queue is full). */
    public int write(ByteBuffer buf, int pos, int limit) throws IOException {
        return io.write(buf, pos, limit);
    }

    /** Waits up to {@code timeoutMillis} for a packet; returns false on time-out or when closed. */
    public boolean awaitReadable(int timeoutMillis) throws IOException {
        if (closed) {
            return false;
        }
        try {
            return LibC.poll(pollFd, 1, timeoutMillis) > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 4) { // EINTR
                return false;
            }
            throw new IOException("poll on TUN queue " + index + ": " + Errno.describe(e.getErrorCode()));
        }
    }

    public boolean isClosed() {
        return closed;
    }

    void close() {
        synchronized (TunFdLookup.LOCK) { // a descriptor number freed here must not be reused mid-lookup
            if (!closed) {
                closed = true;
                io.close();
            }
        }
    }
}
