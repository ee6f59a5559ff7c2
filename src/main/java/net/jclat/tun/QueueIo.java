package net.jclat.tun;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Moves whole packets through one non-blocking TUN queue; on the per-packet path, so nothing allocates. */
interface QueueIo {
    /** Reads one packet into {@code buf[pos..limit)}; returns its length, or 0 when the queue is empty. */
    int read(ByteBuffer buf, int pos, int limit) throws IOException;

    /** Writes one packet from {@code buf[pos..limit)}; returns the bytes written (0 if the queue is full). */
    int write(ByteBuffer buf, int pos, int limit) throws IOException;

    /** Releases the file descriptor. */
    void close();
}
