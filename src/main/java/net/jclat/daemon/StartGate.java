package net.jclat.daemon;

/**
 * Lets a stop overtake a start-up (a SIGTERM in the first second) without a race: the start-up checks
 * between its steps and ends at the next one, and the stop waits for the step in progress before it undoes
 * anything, so nothing is made after the teardown began and nothing the teardown uses is half made.
 */
final class StartGate {
    /** Thrown between two start steps once a stop was asked for. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped during start-up", null, false, false);
        }
    }

    private boolean starting;
    private boolean stopped;

    /** False when a stop came first: then there is nothing to start. */
    synchronized boolean enter() {
        starting = !stopped;
        return starting;
    }

    /** Between two start steps. */
    synchronized void checkpoint() {
        if (stopped) {
            throw new Stopped();
        }
    }

    /** Start-up is over, failed or not; true when a stop came meanwhile (it is waiting for this). */
    synchronized boolean leave() {
        starting = false;
        notifyAll();
        return stopped;
    }

    synchronized boolean starting() {
        return starting;
    }

    /** From now on start-up ends at its next step; returns once the step in progress is done. */
    synchronized void stop() {
        stopped = true;
        while (starting) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
