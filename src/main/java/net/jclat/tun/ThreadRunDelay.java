package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteBuffer;

/**
 * How long the calling thread has waited, runnable, for a CPU in all (the second field of
 * /proc/thread-self/schedstat): time it was ready to run and another task had its CPU. Opened by the thread it
 * describes. A sparse worker reads it after every wake-up, so a read is one pread(2) into native memory: the
 * JDK's FileChannel took a temporary direct buffer, a thread-local lookup, interruptible-channel bookkeeping
 * and a copy, all interpreted for minutes at a few packets a second (perf: a large part of the worker's CPU
 * per ping).
 */
public final class ThreadRunDelay implements AutoCloseable {
    private static final int SIZE = 128;
    private final int fd;
    private final Memory text = new Memory(SIZE);
    /** The text as a buffer: parsed with plain loads, not a JNA call per byte. */
    private final ByteBuffer view = text.getByteBuffer(0, SIZE);
    private boolean closed;

    private ThreadRunDelay(int fd) {
        this.fd = fd;
    }

    /** For the calling thread; null where the kernel keeps no schedstat (CONFIG_SCHED_INFO off). */
    public static ThreadRunDelay ofCurrentThread() {
        try {
            return new ThreadRunDelay(LibC.open("/proc/thread-self/schedstat", LibC.O_RDONLY));
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            return null;
        }
    }

    /** Nanoseconds spent waiting on a run queue since the thread started, or -1 if unreadable. */
    public long nanos() {
        if (closed) {
            return -1;
        }
        try {
            long n = LibC.pread(fd, text, SIZE, 0);
            return n <= 0 ? -1 : secondField(view, (int) n);
        } catch (LastErrorException e) {
            return -1;
        }
    }

    /** "run_ns wait_ns slices\n": the second number, or -1. */
    static long secondField(ByteBuffer b, int n) {
        int i = 0;
        while (i < n && b.get(i) != ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        for (i++; i < n; i++) {
            int c = b.get(i) - '0';
            if (c < 0 || c > 9) {
                break;
            }
            v = v * 10 + c;
            digits++;
        }
        return digits == 0 ? -1 : v;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // a /proc file: nothing to lose
            }
        }
    }
}
