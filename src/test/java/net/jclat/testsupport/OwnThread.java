package net.jclat.testsupport;

import java.util.concurrent.atomic.AtomicReference;

/** Runs a body on a fresh thread and rethrows what it threw: for what is per thread (CPU affinity, schedstat). */
public final class OwnThread {
    private OwnThread() {
    }

    /** What runs there; may throw anything, including an assertion's error. */
    public interface Body {
        void run() throws Exception;
    }

    public static void run(Body body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
