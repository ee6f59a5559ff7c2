package net.jclat.daemon;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.jclat.log.Log;

/**
 * The daemon's one thread for periodic work ({@code jclat-status}): the once-a-second round (native-IPv4
 * check, watchdog, status file) and the ten-second management events. One timer expiry a second drives
 * both: the ten-second tasks run after every tenth round, in the same wake-up, rather than at their own
 * times (one wake-up fewer every ten seconds on an idle router; docs/benchmarks.md, "Idle wake-ups of the
 * JVM's own threads"). A task that throws is logged and runs again at its next time: a scheduled executor
 * would otherwise cancel it for good.
 */
final class StatusTimer implements AutoCloseable {
    /** A ten-second task and what the log calls it. */
    private record Task(String what, Runnable run) {
    }

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jclat-status");
        t.setDaemon(true);
        return t;
    });
    private final long tickMillis;
    private final List<Task> everyTenTicks = new CopyOnWriteArrayList<>();
    private volatile Runnable round; // null until everySecond
    private boolean ticking; // guarded by this
    private long ticks; // the timer thread's only

    StatusTimer() {
        this(1000);
    }

    /** A shorter tick for tests: "a second" is {@code tickMillis}, "ten seconds" ten of them. */
    StatusTimer(long tickMillis) {
        this.tickMillis = tickMillis;
    }

    /** Runs {@code round} now, then once a tick. */
    synchronized void everySecond(Runnable round) {
        this.round = round;
        if (ticking) {
            executor.execute(() -> guarded("status round", round)); // now, as a first tick would have
        } else {
            startTicking(0);
        }
    }

    /** Runs {@code task} at every tenth tick, after that tick's round. */
    synchronized void everyTenSeconds(String what, Runnable task) {
        everyTenTicks.add(new Task(what, task));
        if (!ticking) {
            startTicking(tickMillis);
        }
    }

    private void startTicking(long delayMillis) {
        ticking = true;
        executor.scheduleAtFixedRate(this::tick, delayMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        Runnable r = round;
        if (r != null) {
            guarded("status round", r);
        }
        if (++ticks % 10 == 0) {
            for (Task t : everyTenTicks) {
                guarded(t.what(), t.run());
            }
        }
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
