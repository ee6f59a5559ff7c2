package net.jclat.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A daemon's threads by name, as /proc shows them: for tests that look at a worker's CPUs or scheduling. */
public final class ProcessThreads {
    private ProcessThreads() {
    }

    /** /proc/PID/task/TID of the thread named {@code comm}, waiting up to 5 s for it to exist. */
    public static Path task(long pid, String comm) throws Exception {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (Stream<Path> all = Files.list(tasks)) {
                for (Path t : all.toList()) {
                    try {
                        if (Files.readString(t.resolve("comm")).strip().equals(comm)) {
                            return t;
                        }
                    } catch (IOException gone) {
                        // a thread that ended while we looked
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "no thread " + comm + " in " + tasks);
            Thread.sleep(100);
        }
    }
}
