package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * poll(2) through JNA on the queue and an eventfd: needs nothing but libc, so it serves where Netty's native
 * library does not load (the FileChannel queue I/O). ~1.5 µs a call warm, more cold ({@link EpollWait} is the
 * cheaper one).
 */
final class PollWait implements QueueWait {
    private final int index;
    /** Two struct pollfd: the queue, then the wake-up eventfd. */
    private final Memory pollFds = new Memory(16);
    /** The same memory as a buffer: revents is read once per wake-up, with a plain load instead of a JNA call. */
    private final ByteBuffer pollFdsView = pollFds.getByteBuffer(0, 16).order(ByteOrder.nativeOrder());
    private final Memory one = new Memory(8);
    private final int wakeFd;
    private volatile boolean closed;

    PollWait(int queueFd, int index) throws IOException {
        this.index = index;
        try {
            wakeFd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot create the wake-up eventfd of TUN queue " + index + ": "
                    + Errno.describe(e.getErrorCode()));
        }
        // struct pollfd: fd, events = POLLIN, revents (written by the kernel).
        pollFds.setInt(0, queueFd);
        pollFds.setShort(4, LibC.POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, wakeFd);
        pollFds.setShort(12, LibC.POLLIN);
        pollFds.setShort(14, (short) 0);
        one.setLong(0, 1);
    }

    @Override
    public boolean await(int timeoutMillis) throws IOException {
        return poll(timeoutMillis) > 0 && (pollFdsView.getShort(6) & LibC.POLLIN) != 0;
    }

    @Override
    public void pause(int timeoutMillis) throws IOException {
        poll(timeoutMillis);
    }

    private int poll(int timeoutMillis) throws IOException {
        try {
            return LibC.poll(pollFds, 2, timeoutMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 4) { // EINTR
                return 0;
            }
            throw new IOException("poll on TUN queue " + index + ": " + Errno.describe(e.getErrorCode()));
        }
    }

    @Override
    public void wake() {
        if (closed) {
            return;
        }
        try {
            LibC.write(wakeFd, one, 8);
        } catch (LastErrorException ignored) {
            // EAGAIN: the counter is already set, so the waiter wakes anyway; EBADF: closed, nobody waits
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                LibC.close(wakeFd);
            } catch (LastErrorException ignored) {
                // already gone: nothing more to release
            }
        }
    }

    @Override
    public String kind() {
        return "poll";
    }
}
