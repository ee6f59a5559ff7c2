package net.jclat.tun;

import com.sun.jna.LastErrorException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One queue of a TUN device: a non-blocking file descriptor read and written through Netty's JNI
 * ({@link FileDescriptor}, ~45 ns a call). When the queue is empty the owner waits in {@link #awaitReadable},
 * which costs a JNA call only when there is nothing to do.
 */
public final class TunQueue {
    static {
        // Netty registers the JNI methods of FileDescriptor when its epoll native library loads.
        Epoll.ensureAvailability();
    }

    private final int fd;
    private final int index;
    private final FileDescriptor io;
    private final byte[] pollFd = new byte[8];
    private volatile boolean closed;

    TunQueue(int fd, int index) throws IOException {
        this.fd = fd;
        this.index = index;
        try {
            LibC.fcntl(fd, LibC.F_SETFL, LibC.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new IOException("cannot make TUN queue non-blocking: " + Errno.describe(e.getErrorCode()));
        }
        this.io = new FileDescriptor(fd);
        // struct pollfd, native byte order: fd, then events = POLLIN.
        ByteBuffer.wrap(pollFd).order(java.nio.ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, LibC.POLLIN);
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
        if (!closed) {
            closed = true;
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // already gone: nothing more to release
            }
        }
    }
}
