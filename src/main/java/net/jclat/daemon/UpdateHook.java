package net.jclat.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jclat.log.Log;

/**
 * Runs the {@code hook} program with the daemon's state in its environment whenever that state changes,
 * so something outside (OpenWrt's netifd, through a small script) can follow it. The daemon never waits:
 * {@link #offer} only records the latest state and wakes one thread of its own, which runs the hook once
 * at a time, always with the newest state; states that were overtaken while a run was going on are
 * skipped, and a state equal to the last one delivered is not delivered again.
 */
final class UpdateHook implements AutoCloseable {
    /** A hook that hangs is killed after this long, so later states still get through. */
    private static final long RUN_LIMIT_SECONDS = 30;

    private final Path program;
    private final Thread runner;
    private Map<String, String> pending;
    private Map<String, String> delivered;
    private boolean closed;

    UpdateHook(Path program) {
        this.program = program;
        this.runner = new Thread(this::loop, "jclat-hook");
        runner.setDaemon(true);
        runner.start();
    }

    /** Records {@code env} as the state to deliver next; returns at once. */
    synchronized void offer(Map<String, String> env) {
        if (closed || env.equals(pending) || (pending == null && env.equals(delivered))) {
            return;
        }
        pending = Map.copyOf(env);
        notifyAll();
    }

    /**
     * The last state ({@code stopped}): waits for a run in progress, delivers {@code env} and stops the
     * runner. Bounded by the run limit, so a stop is never held up for long.
     */
    void finish(Map<String, String> env) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending = null;
            notifyAll();
        }
        try {
            runner.join(TimeUnit.SECONDS.toMillis(RUN_LIMIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        run(env);
    }

    @Override
    public synchronized void close() {
        closed = true;
        pending = null;
        notifyAll();
    }

    private void loop() {
        while (true) {
            Map<String, String> env;
            synchronized (this) {
                while (pending == null && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                env = pending;
                pending = null;
                delivered = env;
            }
            run(env);
        }
    }

    private void run(Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(program.toString()).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            if (!p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                Log.warn("hook {} ran longer than {} s (state {}) and was killed", program, RUN_LIMIT_SECONDS,
                        env.get("JCLAT_STATE"));
            } else if (p.exitValue() != 0) {
                Log.warn("hook {} exited {} (state {})", program, p.exitValue(), env.get("JCLAT_STATE"));
            }
        } catch (IOException e) {
            Log.warn("cannot run hook {}: {}", program, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
