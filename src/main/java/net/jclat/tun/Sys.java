package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/** libc calls that need JNA's interface mapping (varargs, set-up only): syscall(2) and CPU affinity. */
interface Sys extends Library {
    Sys C = Native.load(Platform.C_LIBRARY_NAME, Sys.class);

    long syscall(long number, Object... args) throws LastErrorException;

    int sched_getaffinity(int pid, long cpusetsize, byte[] mask) throws LastErrorException;

    int sched_setaffinity(int pid, long cpusetsize, byte[] mask) throws LastErrorException;
}
