package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import net.jclat.os.SyscallNumbers;

/**
 * The calling thread's scheduler slice (sched_setattr(2)'s {@code sched_runtime} for SCHED_OTHER, honoured
 * since Linux 6.12). Under EEVDF a task that wakes does not preempt the one running on its CPU before that
 * one's slice ends (RUN_TO_PARITY), unless the woken task asked for a shorter slice (PREEMPT_SHORT): a pinned
 * worker woken by a packet otherwise waits up to a slice (1.4–4 ms measured) behind whatever else runs there
 * (docs/benchmarks.md, "A pinned worker's wake-up behind another task"). Older kernels accept the call and
 * ignore the value; {@link #ofCurrentThread} then reads 0.
 */
public final class ThreadSlice {
    /** The shortest slice the kernel grants (it clamps to 0.1–100 ms). */
    public static final long SHORT_NANOS = 100_000;
    /** 0 asks for the kernel's default slice again. */
    public static final long DEFAULT = 0;
    /** {@code struct sched_attr} up to util_max (SCHED_ATTR_SIZE_VER1). */
    private static final int ATTR_SIZE = 56;
    private static final int RUNTIME_OFFSET = 24;

    private ThreadSlice() {
    }

    /** Sets the calling thread's slice, keeping its policy and nice value. */
    public static void setCurrentThread(long nanos) throws IOException {
        set(0, nanos);
    }

    /** Sets thread {@code tid}'s slice (0: the calling thread), keeping its policy and nice value. */
    public static void set(int tid, long nanos) throws IOException {
        Memory attr = read(tid);
        attr.setInt(0, ATTR_SIZE);
        attr.setLong(RUNTIME_OFFSET, nanos);
        try {
            Sys.C.syscall(SyscallNumbers.schedSetattr(), (long) tid, attr, 0L);
        } catch (LastErrorException e) {
            throw new IOException("sched_setattr(slice " + nanos + " ns): " + Errno.describe(e.getErrorCode()));
        }
    }

    /** The calling thread's slice in nanoseconds; 0 on a kernel without custom slices for SCHED_OTHER. */
    public static long ofCurrentThread() throws IOException {
        return of(0);
    }

    /** Thread {@code tid}'s slice in nanoseconds (0: the calling thread's); 0 on a kernel without custom slices. */
    public static long of(int tid) throws IOException {
        return read(tid).getLong(RUNTIME_OFFSET);
    }

    private static Memory read(int tid) throws IOException {
        Memory attr = new Memory(ATTR_SIZE);
        attr.clear();
        try {
            Sys.C.syscall(SyscallNumbers.schedGetattr(), (long) tid, attr, (long) ATTR_SIZE, 0L);
        } catch (LastErrorException e) {
            throw new IOException("sched_getattr: " + Errno.describe(e.getErrorCode()));
        }
        return attr;
    }
}
