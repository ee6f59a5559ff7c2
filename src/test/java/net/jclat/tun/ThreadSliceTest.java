package net.jclat.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jclat.testsupport.OwnThread;
import org.junit.jupiter.api.Test;

/** The real sched_setattr(2) on a thread of its own: the slice is set, read back and given back; nice stays. */
class ThreadSliceTest {
    @Test
    void aShortSliceIsSetAndTheDefaultComesBackKeepingTheNiceValue() throws Throwable {
        OwnThread.run(() -> {
            long initial = ThreadSlice.ofCurrentThread();
            assumeTrue(initial > 0, "the kernel has no custom slices for SCHED_OTHER (before Linux 6.12)");
            ThreadNice.setCurrentThread(5);
            ThreadSlice.setCurrentThread(ThreadSlice.SHORT_NANOS);
            assertEquals(ThreadSlice.SHORT_NANOS, ThreadSlice.ofCurrentThread());
            assertEquals(5, niceOfCurrentThread(), "sched_setattr kept the nice value");
            ThreadSlice.setCurrentThread(ThreadSlice.DEFAULT);
            assertEquals(initial, ThreadSlice.ofCurrentThread(), "0 gives the kernel's default back");
            assertEquals(5, niceOfCurrentThread());
        });
    }

    @Test
    void anotherThreadsSliceIsSetByItsId() throws Throwable {
        OwnThread.run(() -> {
            assumeTrue(ThreadSlice.ofCurrentThread() > 0, "the kernel has no custom slices for SCHED_OTHER");
            int tid = Integer.parseInt(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
            ThreadSlice.set(tid, 250_000);
            assertEquals(250_000, ThreadSlice.ofCurrentThread(), "set by id, read as the calling thread");
            assertEquals(250_000, ThreadSlice.of(tid));
        });
    }

    /** Field 19 of /proc/thread-self/stat, after the command name (which may hold spaces) in parentheses. */
    private static int niceOfCurrentThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }
}
