package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The status thread's timer: the round at once and once a tick, the ten-tick tasks in the same wake-up as a
 * round (one timer expiry, not two: docs/benchmarks.md, "Idle wake-ups of the JVM's own threads"), a task
 * that throws tried again, and nothing after close. Ticks of 40 ms stand in for seconds.
 */
class StatusTimerTest {
    private static final long TICK = 40;

    /** The timer thread's voluntary context switches (each one a sleep it woke from), from /proc. */
    private static long wakeUps(Thread t) throws Exception {
        for (Path task : Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            String status = Files.readString(task.resolve("status"));
            if (Files.readString(task.resolve("comm")).strip().equals(t.getName())) {
                for (String line : status.split("\n")) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                    }
                }
            }
        }
        throw new AssertionError("no thread named " + t.getName());
    }

    @Test
    void tenTickTasksRunRightAfterARoundOnTheSameThread() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch twoTenTicks = new CountDownLatch(2);
        Thread[] timerThread = new Thread[1];
        try (StatusTimer timer = new StatusTimer(TICK)) {
            timer.everyTenSeconds("ten", () -> {
                events.add("T");
                twoTenTicks.countDown();
            });
            long start = System.nanoTime();
            timer.everySecond(() -> {
                timerThread[0] = Thread.currentThread();
                events.add("R" + (System.nanoTime() - start) / 1_000_000);
            });
            assertTrue(twoTenTicks.await(30 * TICK, TimeUnit.MILLISECONDS), events.toString());
        }
        List<String> seen = new ArrayList<>(events);
        assertTrue(seen.get(0).startsWith("R"), "the round runs at once: " + seen);
        assertTrue(Long.parseLong(seen.get(0).substring(1)) < TICK, "the first round without waiting a tick: " + seen);
        int firstT = seen.indexOf("T");
        int rounds = 0;
        for (int i = 0; i < firstT; i++) {
            rounds += seen.get(i).startsWith("R") ? 1 : 0;
        }
        // Ten ticks plus the round run at once when everySecond came after the ticking began.
        assertTrue(rounds == 10 || rounds == 11, "a ten-tick task after ten ticks' rounds: " + seen);
        assertTrue(seen.get(firstT - 1).startsWith("R"), "after that tick's round: " + seen);
        assertEquals("jclat-status", timerThread[0].getName());
    }

    /**
     * The thread sleeps once per tick: a ten-tick task adds no wake-up of its own. Before, it had its own
     * schedule, and the thread woke for it besides the round's.
     */
    @Test
    void oneWakeUpPerTickWithTenTickTasks() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        Thread[] timerThread = new Thread[1];
        CountDownLatch first = new CountDownLatch(1);
        try (StatusTimer timer = new StatusTimer(TICK)) {
            timer.everySecond(() -> {
                timerThread[0] = Thread.currentThread();
                rounds.incrementAndGet();
                first.countDown();
            });
            assertTrue(first.await(5, TimeUnit.SECONDS));
            Thread.sleep(TICK / 2); // registered half a tick after the round's time: a schedule of their own would show
            for (int i = 0; i < 3; i++) {
                timer.everyTenSeconds("ten " + i, () -> { });
            }
            long w0 = wakeUps(timerThread[0]);
            int r0 = rounds.get();
            Thread.sleep(40 * TICK);
            long woke = wakeUps(timerThread[0]) - w0;
            int ticked = rounds.get() - r0;
            // 40 ticks: 4 of them with three ten-tick tasks, which must not bring 4-12 wake-ups of their own.
            assertTrue(ticked >= 30, "rounds " + ticked);
            assertTrue(woke <= ticked + 2, "wake-ups " + woke + " for " + ticked + " rounds");
        }
    }

    @Test
    void aThrowingTaskRunsAgainAndCloseStopsTheTimer() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        AtomicInteger tens = new AtomicInteger();
        CountDownLatch again = new CountDownLatch(3);
        StatusTimer timer = new StatusTimer(TICK / 4);
        timer.everySecond(() -> {
            rounds.incrementAndGet();
            again.countDown();
            throw new IllegalStateException("round fails");
        });
        timer.everyTenSeconds("ten", () -> {
            tens.incrementAndGet();
            throw new IllegalStateException("ten fails");
        });
        assertTrue(again.await(5, TimeUnit.SECONDS), "a failing round still runs each tick");
        Thread.sleep(25 * TICK / 4);
        assertTrue(tens.get() >= 2, "a failing ten-tick task still runs: " + tens.get());
        timer.close();
        Thread.sleep(TICK / 2); // a round already running may finish
        int after = rounds.get();
        Thread.sleep(4 * TICK);
        assertEquals(after, rounds.get(), "no round after close");
    }
}
