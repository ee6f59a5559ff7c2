package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One queue of a TUN device: a non-blocking file descriptor whose packets move through a {@link QueueIo}
 * (Netty's JNI or the JDK's FileChannel, see {@link TunIo}). When the queue is empty the owner waits in
 * {@link #awaitReadable}, which costs a JNA call only when there is nothing to do, and which {@link #wake}
 * ends at once (an eventfd polled beside the queue), so an idle worker needs no time-out to notice a stop.
 */
public final class TunQueue {
    private final int fd;
    private final int index;
    private final QueueIo io;
    /** Two struct pollfd: the queue, then the wake-up eventfd. */
    private final Memory pollFds = new Memory(16);
    /** The same memory as a buffer: revents is read once per wake-up, with a plain load instead of a JNA call. */
    private final ByteBuffer pollFdsView = pollFds.getByteBuffer(0, 16).order(ByteOrder.nativeOrder());
    private final Memory one = new Memory(8);
    private final int wakeFd;
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
        try {
            wakeFd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot create the wake-up eventfd of TUN queue " + index + ": "
                    + Errno.describe(e.getErrorCode()));
        }
        // struct pollfd: fd, events = POLLIN, revents (written by the kernel).
        pollFds.setInt(0, fd);
        pollFds.setShort(4, LibC.POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, wakeFd);
        pollFds.setShort(12, LibC.POLLIN);
        pollFds.setShort(14, (short) 0);
        one.setLong(0, 1);
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
        try {
            return LibC.poll(pollFds, 2, timeoutMillis) > 0 && (pollFdsView.getShort(6) & LibC.POLLIN) != 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 4) { // EINTR
                return false;
            }
            throw new IOException("poll on TUN queue " + index + ": " + Errno.describe(e.getErrorCode()));
        }
    }

    /**
     * Ends a wait in {@link #awaitReadable}, now or the next one: for good (the eventfd stays readable), as
     * it is meant for a stop.
     */
    public void wake() {
        try {
            LibC.write(wakeFd, one, 8);
        } catch (LastErrorException ignored) {
            // EAGAIN: the counter is already set, so the waiter wakes anyway; EBADF: closed, nobody waits
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the queue (the device closes its own; the owner of a discard queue closes that). */
    public void close() {
        synchronized (TunFdLookup.LOCK) { // a descriptor number freed here must not be reused mid-lookup
            if (!closed) {
                closed = true;
                io.close();
                try {
                    LibC.close(wakeFd);
                } catch (LastErrorException ignored) {
                    // already gone: nothing more to release
                }
            }
        }
    }
}
