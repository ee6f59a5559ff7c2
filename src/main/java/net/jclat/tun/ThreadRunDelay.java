package net.jclat.tun;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How long the calling thread has waited, runnable, for a CPU in all (the second field of
 * /proc/thread-self/schedstat): time it was ready to run and another task had its CPU. Opened by the thread it
 * describes; each read re-reads the file without allocating.
 */
public final class ThreadRunDelay implements AutoCloseable {
    private final FileChannel file;
    private final ByteBuffer text = ByteBuffer.allocate(128);

    private ThreadRunDelay(FileChannel file) {
        this.file = file;
    }

    /** For the calling thread; null where the kernel keeps no schedstat (CONFIG_SCHED_INFO off). */
    public static ThreadRunDelay ofCurrentThread() {
        try {
            return new ThreadRunDelay(FileChannel.open(Path.of("/proc/thread-self/schedstat"),
                    StandardOpenOption.READ));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Nanoseconds spent waiting on a run queue since the thread started, or -1 if unreadable. */
    public long nanos() {
        try {
            text.clear();
            int n = file.read(text, 0);
            return n <= 0 ? -1 : secondField(text, n);
        } catch (IOException e) {
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
    public void close() throws IOException {
        file.close();
    }
}
