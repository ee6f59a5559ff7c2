package net.jclat.discovery;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import net.jclat.xlat.Addresses;
import net.jclat.log.Log;

/**
 * Listens for Router Advertisements on the uplink and reports each valid one, with its PREF64 options
 * (RFC 8781), to a consumer. odhcp6c and the kernel do not hand PREF64 on, so jclat reads RAs itself from a
 * raw ICMPv6 socket that passes only type 134 and is bound to the uplink: RFC 8781 §5.1 has a host treat a
 * PREF64 as specific to the interface it arrived on.
 *
 * <p>One daemon thread blocks in poll until an RA comes or {@link #close()} wakes it (an eventfd), so an idle
 * uplink costs no wake-ups and a close still returns at once.
 * The consumer runs on that thread; it should hand work off rather than block.
 */
public final class RaListener implements AutoCloseable {
    /** Why a received RA was not reported. */
    public enum Drop {
        /** Hop limit not 255: the RA was forwarded by a router, or forged off-link (RFC 4861 §6.1.2). */
        HOP_LIMIT,
        /** Source not link-local (RFC 4861 §6.1.2). */
        NOT_LINK_LOCAL,
        /** The kernel gave no hop limit, so the RFC 4861 §6.1.2 check cannot be made. */
        NO_HOP_LIMIT,
        /** Bad code, too short, a zero-length or overrunning option (RFC 4861 §6.1.2, §4.6). */
        MALFORMED,
        /** Larger than the receive buffer. */
        TRUNCATED
    }

    /** The pause after a failed receive, and a quarter of how long {@link #close()} waits for the thread. */
    static final int POLL_MILLIS = 200;
    /** A Router Solicitation that found no usable source address is tried again after this, doubling... */
    static final long SOLICIT_RETRY_FIRST_MILLIS = 100;
    /** ...up to this between tries... */
    static final long SOLICIT_RETRY_MAX_MILLIS = 1000;
    /**
     * ...for this long. DAD takes DupAddrDetectTransmits × RetransTimer (1 × 1 s by default, RFC 4862 §5.1)
     * after a random delay of up to 1 s (§5.4.2); a link without carrier keeps its address tentative longer.
     */
    static final long SOLICIT_GIVE_UP_MILLIS = 30_000;
    private static final byte[] ALL_ROUTERS = {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

    private final Icmp6Socket socket;
    private final Consumer<RaEvent> consumer;
    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);
    private final AtomicLong accepted = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean solicited;
    /** A deferred solicitation, owned by the starting thread and then by the listener thread. */
    private boolean solicitPending;
    private long solicitAt;
    private long solicitDelayMillis;
    private long solicitGiveUpAt;

    private RaListener(Icmp6Socket socket, Consumer<RaEvent> consumer) {
        this.socket = socket;
        this.consumer = consumer;
        this.thread = new Thread(this::run, "ra-listener-" + socket.ifname());
        this.thread.setDaemon(true);
    }

    /**
     * Opens the socket on {@code uplink}, sends one Router Solicitation so a router answers without waiting for
     * its next unsolicited RA, and starts listening.
     *
     * @throws IOException when the socket cannot be opened (no such interface, no CAP_NET_RAW, no IPv6); the
     *     message names the interface and the errno text
     */
    public static RaListener start(String uplink, Consumer<RaEvent> consumer) throws IOException {
        Icmp6Socket socket = Icmp6Socket.open(uplink, Pref64Option.ROUTER_ADVERTISEMENT);
        RaListener listener = new RaListener(socket, consumer);
        listener.solicit(System.nanoTime());
        listener.thread.start();
        Log.info("Listening for Router Advertisements (RFC 8781 PREF64) on {}", uplink);
        return listener;
    }

    /**
     * RFC 4861 §6.3.7: a host may solicit an RA rather than wait up to MaxRtrAdvInterval. Sent to all-routers
     * (ff02::2) on the uplink with hop limit 255 (§4.1), from the link-local address. An uplink that has just
     * come up has no usable link-local address until DAD is done (RFC 4862 §5.4: a tentative address is not
     * used): the kernel would refuse the send or pick a global source, so it waits, trying again with a short
     * back-off (§6.3.7 lets a host delay its solicitation). It is only a speed-up, so failing for good is a warning: periodic RAs arrive anyway.
     */
    private void solicit(long now) {
        // RFC 4861 §4.1: type 133, code 0, checksum (the kernel fills it in), 32 reserved bits. No source
        // link-layer option: it is optional, and forbidden if the kernel picks the unspecified source address.
        byte[] rs = {(byte) 133, 0, 0, 0, 0, 0, 0, 0};
        try {
            if (!LinkLocalAddress.usable(socket.ifname())) {
                // Else the kernel would pick a global source, or none at all (EADDRNOTAVAIL).
                throw new Icmp6Socket.NoSourceAddress("no link-local address on " + socket.ifname()
                        + " that has passed DAD", null);
            }
            socket.sendLinkLocal(rs, ALL_ROUTERS);
            solicited = true;
            if (solicitPending) {
                Log.info("Router Solicitation sent on {} once its link-local address was usable", socket.ifname());
            }
            solicitPending = false;
        } catch (Icmp6Socket.NoSourceAddress e) {
            if (!solicitPending) {
                solicitPending = true;
                solicitGiveUpAt = now + TimeUnit.MILLISECONDS.toNanos(SOLICIT_GIVE_UP_MILLIS);
                solicitDelayMillis = SOLICIT_RETRY_FIRST_MILLIS;
                Log.debug("No usable link-local address on {} yet (DAD): Router Solicitation deferred", socket.ifname());
            } else {
                solicitDelayMillis = Math.min(2 * solicitDelayMillis, SOLICIT_RETRY_MAX_MILLIS);
            }
            solicitAt = now + TimeUnit.MILLISECONDS.toNanos(solicitDelayMillis);
            if (solicitAt - solicitGiveUpAt > 0) {
                solicitPending = false;
                Log.warn("Could not send a Router Solicitation on {} (will wait for the next periodic RA): no"
                        + " usable link-local address after {} s: {}", socket.ifname(), SOLICIT_GIVE_UP_MILLIS / 1000,
                        e.getMessage());
            }
        } catch (IOException e) {
            solicitPending = false;
            Log.warn("Could not send a Router Solicitation on {} (will wait for the next periodic RA): {}",
                    socket.ifname(), e.getMessage());
        }
    }

    /**
     * How long to wait for an RA: until one comes (-1; {@link #close} wakes the thread), or until a deferred
     * solicitation is due. An idle uplink costs no wake-ups (issue 15; it was 5 a second).
     */
    private int pollMillis(long now) {
        if (!solicitPending) {
            return -1;
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(solicitAt - now)));
    }

    private void run() {
        byte[] buf = new byte[Icmp6Socket.MAX_MESSAGE];
        while (!closed) {
            try {
                if (solicitPending && System.nanoTime() - solicitAt >= 0) {
                    solicit(System.nanoTime());
                }
                if (!socket.awaitReadable(pollMillis(System.nanoTime())) || closed) {
                    continue;
                }
                Icmp6Socket.Received r = socket.receive(buf);
                if (r != null) {
                    handle(buf, r, System.nanoTime());
                }
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                Log.warn("Router Advertisement listener on {}: {}", socket.ifname(), e.getMessage());
                sleepQuietly(POLL_MILLIS);
            }
        }
    }

    private void handle(byte[] buf, Icmp6Socket.Received r, long now) {
        Verdict v = judge(buf, r.length(), r.source(), r.hopLimit(), r.truncated(), now);
        if (v instanceof Dropped d) {
            drop(d.reason(), d.router(), d.why());
            return;
        }
        Accepted a = (Accepted) v;
        for (String why : a.ignored()) {
            Log.debug("RA from {} on {}: ignored {}", a.event().router(), socket.ifname(), why);
        }
        accepted.incrementAndGet();
        try {
            consumer.accept(a.event());
        } catch (RuntimeException e) {
            // A failing consumer must not stop the listener: the next RA may carry what it needs.
            Log.error(e, "Router Advertisement consumer failed on {}", a.event());
        }
    }

    /** What one received message comes to; {@link #judge} decides it without I/O. */
    sealed interface Verdict permits Accepted, Dropped {
    }

    /** A valid RA: the event to report and the PREF64 options RFC 8781 says to ignore, for the log. */
    record Accepted(RaEvent event, List<String> ignored) implements Verdict {
    }

    /** A message that is not reported, and why. */
    record Dropped(Drop reason, String router, String why) implements Verdict {
    }

    /**
     * Decides about one message read from the raw socket: pure, so it can be tested and fuzzed without a
     * socket. Never throws for any bytes, source or hop limit.
     *
     * @param message the ICMPv6 message from its type byte, {@code length} bytes of it valid
     * @param source the 16-byte IPv6 source address
     * @param hopLimit the IP hop limit from the ancillary data, or {@link Icmp6Socket.Received#NO_HOP_LIMIT}
     * @param truncated the kernel had more bytes than the buffer took
     */
    static Verdict judge(byte[] message, int length, byte[] source, int hopLimit, boolean truncated, long now) {
        long hi = bytesToLong(source, 0);
        long lo = bytesToLong(source, 8);
        String router = Addresses.formatIpv6(hi, lo);
        if (truncated) {
            return new Dropped(Drop.TRUNCATED, router, "longer than " + Icmp6Socket.MAX_MESSAGE + " bytes");
        }
        // RFC 4861 §6.1.2: a node MUST silently discard an RA whose IP Source Address is not link-local or
        // whose IP Hop Limit is not 255. Only a neighbour on the link can send with 255 that arrives as 255.
        if ((source[0] & 0xFF) != 0xfe || (source[1] & 0xC0) != 0x80) {
            return new Dropped(Drop.NOT_LINK_LOCAL, router, "source is not link-local");
        }
        if (hopLimit == Icmp6Socket.Received.NO_HOP_LIMIT) {
            return new Dropped(Drop.NO_HOP_LIMIT, router, "no hop limit in the ancillary data");
        }
        if (hopLimit != 255) {
            return new Dropped(Drop.HOP_LIMIT, router, "hop limit " + hopLimit + ", not 255");
        }
        Pref64Option.Parsed parsed;
        try {
            parsed = Pref64Option.parse(message, 0, length, router);
        } catch (MalformedRaException e) {
            return new Dropped(Drop.MALFORMED, router, e.reason());
        }
        return new Accepted(new RaEvent(router, parsed.routerLifetime(), parsed.prefixes(), now), parsed.ignored());
    }

    private void drop(Drop reason, String router, String why) {
        drops.incrementAndGet(reason.ordinal());
        // debug, not warn: anyone on the link can send these, and a flood must not flood the log too.
        Log.debug("Dropped RA from {} on {}: {}", router, socket.ifname(), why);
    }

    private static long bytesToLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static void sleepQuietly(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String uplink() {
        return socket.ifname();
    }

    /** True once the Router Solicitation went out (at start, or deferred until DAD was done). */
    public boolean solicited() {
        return solicited;
    }

    /** Valid RAs reported to the consumer so far. */
    public long accepted() {
        return accepted.get();
    }

    /** RAs dropped for {@code reason} so far. */
    public long dropped(Drop reason) {
        return drops.get(reason.ordinal());
    }

    /** Every drop counter, zeros included. */
    public Map<Drop, Long> drops() {
        Map<Drop, Long> m = new EnumMap<>(Drop.class);
        for (Drop d : Drop.values()) {
            m.put(d, drops.get(d.ordinal()));
        }
        return Collections.unmodifiableMap(m);
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the thread (within one poll timeout) and closes the socket. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        socket.wake();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(4L * POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (thread.isAlive()) {
            Log.warn("Router Advertisement listener on {} did not stop in time", socket.ifname());
        }
        // Closed after the thread has left poll/recvmsg, so the descriptor number cannot be reused under it.
        socket.close();
    }
}
