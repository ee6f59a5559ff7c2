package net.jclat.tun;

import java.io.IOException;

/** How a worker waits for its TUN queue: until a packet is there, a time-out passes, or a stop wakes it. */
interface QueueWait {
    /**
     * Waits up to {@code timeoutMillis} (negative: without limit); returns true when the queue may hold a
     * packet, false on time-out or wake-up.
     */
    boolean await(int timeoutMillis) throws IOException;

    /**
     * Waits as {@link #await} does, without saying why the wait ended: for a worker, which reads its queue next
     * whatever ended it. Its compiled loop then has no branch on the outcome, whose first time-out (a released
     * worker's first quiet 200 ms) would otherwise be an uncommon trap back to the interpreter.
     */
    void pause(int timeoutMillis) throws IOException;

    /** Ends a wait, now or the next one, for good: meant for a stop. */
    void wake();

    /** Releases the descriptors of the wait (not the queue's). */
    void close();

    /** A short name for logs and tests: "epoll" or "poll". */
    String kind();
}
