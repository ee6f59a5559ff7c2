package net.jclat.xlat;

import java.util.concurrent.TimeUnit;

/**
 * The bounds of one worker's ICMP reassembly ({@link ReassemblyBuffer}): how many datagrams may be in
 * reassembly at once, how large a datagram's payload may grow, and how long its first fragment waits for the
 * rest. The buffer is allocated once, {@link #bufferBytes()} long, whatever arrives.
 *
 * @param datagrams    datagrams in reassembly at once; a new one beyond this evicts the oldest
 * @param payloadBytes largest reassembled payload (bytes after the IP header, or after the Fragment Header)
 * @param timeoutNanos how long a datagram may take from its first-arriving fragment to its last
 */
public record ReassemblyLimits(int datagrams, int payloadBytes, long timeoutNanos) {
    /**
     * 8 datagrams of up to 65535 bytes (any ping a sender can make), 5 s: the fragments of one datagram leave
     * the PLAT back to back, so seconds are ample where RFC 8200 §4.5 gives an end host 60 s; a shorter
     * timeout frees a slot held by a lost fragment (or a flood) sooner. About 0.5 MiB per worker.
     */
    public static final ReassemblyLimits DEFAULT = new ReassemblyLimits(8, 65535, TimeUnit.SECONDS.toNanos(5));

    public ReassemblyLimits {
        if (datagrams < 1 || datagrams > 1024) {
            throw new IllegalArgumentException("reassembly datagrams must be 1..1024, not " + datagrams);
        }
        if (payloadBytes < 8 || payloadBytes > 65535) {
            throw new IllegalArgumentException("reassembly payload must be 8..65535 bytes, not " + payloadBytes);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("reassembly timeout must be positive");
        }
    }

    /** Bytes of packet memory the buffer takes (its slots; the bookkeeping bitmaps add 2 KiB per datagram). */
    public long bufferBytes() {
        return (long) datagrams * ReassemblyBuffer.slotBytes(payloadBytes);
    }
}
