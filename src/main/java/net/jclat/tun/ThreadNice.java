package net.jclat.tun;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * A thread's nice value. Java's own thread priorities do nothing on Linux (the JVM ignores them unless run
 * with -XX:ThreadPriorityPolicy=1 as root), so a background thread that must not take CPU time from a
 * worker sets its nice value itself: on Linux it is per thread (setpriority(2) with who 0, "NOTES").
 */
public final class ThreadNice {
    /** The lowest priority: CFS gives such a thread ~1.5 % of a CPU against one at nice 0. */
    public static final int LOWEST = 19;

    private ThreadNice() {
    }

    /** Sets the calling thread's nice value (raising it needs no privilege). */
    public static void setCurrentThread(int nice) throws IOException {
        try {
            LibC.setpriority(LibC.PRIO_PROCESS, 0, nice);
        } catch (LastErrorException e) {
            throw new IOException("setpriority(" + nice + "): " + Errno.describe(e.getErrorCode()));
        }
    }
}
