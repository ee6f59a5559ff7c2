package net.jclat.daemon;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.jclat.log.Log;

/**
 * The daemon's one thread for periodic work ({@code jclat-status}): the once-a-second round (native-IPv4
 * check, watchdog, status file) and the ten-second management events. A task that throws is logged and
 * runs again at its next time: a scheduled executor would otherwise cancel it for good.
 */
final class StatusTimer implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jclat-status");
        t.setDaemon(true);
        return t;
    });

    void everySecond(Runnable round) {
        executor.scheduleAtFixedRate(() -> guarded("status round", round), 0, 1, TimeUnit.SECONDS);
    }

    void everyTenSeconds(String what, Runnable task) {
        executor.scheduleWithFixedDelay(() -> guarded(what, task), 10, 10, TimeUnit.SECONDS);
    }

    /** Runs {@code r}; a RuntimeException is logged (tried again next time), never thrown. */
    static void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            Log.error("{} failed (tried again next time): {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
