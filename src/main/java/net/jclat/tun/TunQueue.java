package net.jclat.tun;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One queue of a TUN device: a non-blocking file descriptor whose packets move through a {@link QueueIo}
 * (Netty's JNI or the JDK's FileChannel, see {@link TunIo}). When the queue is empty the owner waits in
 * {@link #awaitReadable} (Netty's epoll with Netty's I/O, else poll through JNA: {@link QueueWait}), which
 * {@link #wake} ends at once (an eventfd beside the queue), so an idle worker needs no time-out to notice a stop.
 */
public final class TunQueue {
    private final int fd;
    private final int index;
    private final QueueIo io;
    private final QueueWait waiter;
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
        this.waiter = waitFor(fd, index, io);
    }

    /**
     * Netty's epoll beside Netty's I/O, else poll. A descriptor epoll refuses (the warm-up's /dev/null: EPERM)
     * is polled: poll takes any descriptor, and the answer is the same.
     */
    private static QueueWait waitFor(int fd, int index, QueueIo io) throws IOException {
        if (io instanceof NettyQueueIo) {
            try {
                QueueWait epoll = EpollWait.open(fd, index);
                if (epoll != null) {
                    return epoll;
                }
            } catch (IOException e) {
                // below: poll
            }
        }
        return new PollWait(fd, index);
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

    /**
     * Waits up to {@code timeoutMillis} (negative: without limit) for a packet or a {@link #wake}; returns
     * false on time-out, wake-up or when closed.
     */
    public boolean awaitReadable(int timeoutMillis) throws IOException {
        if (closed) {
            return false;
        }
        return waiter.await(timeoutMillis);
    }

    /**
     * Waits as {@link #awaitReadable} does, without the outcome: the worker reads next, whatever ended the wait
     * ({@link QueueWait#pause}).
     */
    public void awaitAnything(int timeoutMillis) throws IOException {
        if (!closed) {
            waiter.pause(timeoutMillis);
        }
    }

    /**
     * Ends a wait in {@link #awaitReadable}, now or the next one: for good (the eventfd stays readable), as
     * it is meant for a stop.
     */
    public void wake() {
        waiter.wake();
    }

    /** How this queue waits: "epoll" (Netty's JNI) or "poll" (JNA). */
    public String waitKind() {
        return waiter.kind();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the queue (the device closes its own; the owner of a discard queue closes that). */
    public void close() {
        synchronized (TunFdLookup.LOCK) { // a descriptor number freed here must not be reused mid-lookup
            if (!closed) {
                closed = true;
                waiter.close();
                io.close();
            }
        }
    }
}
