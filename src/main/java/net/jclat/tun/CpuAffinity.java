package net.jclat.tun;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.BitSet;

/** The CPUs a thread may run on (sched_getaffinity / sched_setaffinity of the calling thread). */
public final class CpuAffinity {
    /** cpu_set_t: 1024 CPUs. Bit c of byte c / 8 is CPU c, as in BitSet's little-endian byte form. */
    private static final int SET_BYTES = 128;

    private CpuAffinity() {
    }

    public static BitSet ofCurrentThread() throws IOException {
        byte[] mask = new byte[SET_BYTES];
        try {
            Sys.C.sched_getaffinity(0, mask.length, mask);
        } catch (LastErrorException e) {
            throw new IOException("sched_getaffinity: " + Errno.describe(e.getErrorCode()));
        }
        return BitSet.valueOf(mask);
    }

    public static void pinCurrentThread(BitSet cpus) throws IOException {
        byte[] mask = new byte[SET_BYTES];
        byte[] bits = cpus.toByteArray();
        System.arraycopy(bits, 0, mask, 0, Math.min(bits.length, mask.length));
        try {
            Sys.C.sched_setaffinity(0, mask.length, mask);
        } catch (LastErrorException e) {
            throw new IOException("sched_setaffinity(" + cpus + "): " + Errno.describe(e.getErrorCode()));
        }
    }

    /** {@code 0,2,4}: the CPU numbers, as in a log line or the status. */
    public static String format(BitSet cpus) {
        StringBuilder s = new StringBuilder();
        cpus.stream().forEach(c -> s.append(s.length() == 0 ? "" : ",").append(c));
        return s.toString();
    }
}
