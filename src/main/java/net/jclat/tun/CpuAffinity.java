package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;

/** The CPUs a thread may run on: sched_getaffinity(2) and sched_setaffinity(2) for the calling thread. */
public final class CpuAffinity {
    /** {@code cpu_set_t}: 1024 CPUs, an array of native-order longs. */
    private static final int MASK_BYTES = 128;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private CpuAffinity() {
    }

    private static native int sched_getaffinity(int pid, long cpusetsize, byte[] mask) throws LastErrorException;

    private static native int sched_setaffinity(int pid, long cpusetsize, byte[] mask) throws LastErrorException;

    /** The CPUs the calling thread may run on (the process's, unless the thread was pinned). */
    public static BitSet ofCurrentThread() throws IOException {
        byte[] mask = new byte[MASK_BYTES];
        try {
            sched_getaffinity(0, mask.length, mask);
        } catch (LastErrorException e) {
            throw new IOException("sched_getaffinity: " + Errno.describe(e.getErrorCode()));
        }
        ByteBuffer b = ByteBuffer.wrap(mask).order(ByteOrder.nativeOrder());
        long[] words = new long[MASK_BYTES / Long.BYTES];
        for (int i = 0; i < words.length; i++) {
            words[i] = b.getLong(i * Long.BYTES);
        }
        return BitSet.valueOf(words);
    }

    /** Lets the calling thread run only on {@code cpus}. */
    public static void pinCurrentThread(BitSet cpus) throws IOException {
        long[] words = cpus.toLongArray();
        if (words.length > MASK_BYTES / Long.BYTES) {
            throw new IOException("sched_setaffinity: CPU " + (cpus.length() - 1) + " is beyond the " + MASK_BYTES * 8
                    + " CPUs a cpu_set_t holds");
        }
        ByteBuffer b = ByteBuffer.allocate(MASK_BYTES).order(ByteOrder.nativeOrder());
        for (int i = 0; i < words.length; i++) {
            b.putLong(i * Long.BYTES, words[i]);
        }
        try {
            sched_setaffinity(0, MASK_BYTES, b.array());
        } catch (LastErrorException e) {
            throw new IOException("sched_setaffinity(CPUs " + format(cpus) + "): " + Errno.describe(e.getErrorCode()));
        }
    }

    /** {@code 0,2,4}: the CPU numbers, as in a log line or the status. */
    public static String format(BitSet cpus) {
        StringBuilder s = new StringBuilder();
        cpus.stream().forEach(c -> s.append(s.length() == 0 ? "" : ",").append(c));
        return s.toString();
    }
}
