package net.jclat.discovery;

/**
 * Exponential back-off for retries while no PLAT is found: the delay doubles after each failure up to a
 * cap and returns to the start after a success, so a missing NAT64 costs a query every few minutes, not
 * a storm. Pure.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, got " + initialMillis + " and "
                    + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.nextMillis = initialMillis;
    }

    /** The delay before the next attempt after a failure; each call doubles the following one. */
    public long failed() {
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return d;
    }

    public void succeeded() {
        nextMillis = initialMillis;
    }
}
