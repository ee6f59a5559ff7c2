package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * Fragmented ICMP, put back together before it is translated. An ICMP checksum cannot be translated one
 * fragment at a time: ICMPv6's covers a pseudo-header and ICMPv4's does not, so the change depends on the
 * whole datagram's length and content (RFC 7915 §4.2 / §5.2). TCP and UDP fragments need no such thing (the
 * first fragment's checksum is adjusted for the addresses alone) and are never held.
 *
 * <p>The fragments go into a {@link ReassemblyBuffer} of fixed size, allocated on the first fragmented ICMP
 * datagram a worker sees. The complete datagram is translated like any unfragmented one, so the translator
 * fragments it again for the other side where it must (RFC 7915 §4.1 lowest IPv6 MTU, §5.1.1 IPv4 MTU). An
 * IPv6 datagram keeps an atomic Fragment Header (offset 0, M clear) carrying its identification, so its IPv4
 * form gets that identification and DF clear, as its fragments would have (RFC 7915 §5.1.1).
 *
 * <p>Counting: a fragment waiting for the rest is neither translated nor dropped yet, it is pending
 * ({@link Counters#REASSEMBLY_PENDING_4TO6}); once its datagram is translated or dropped, each of its
 * fragments counts as that, so input = translated + dropped + pending holds in each direction.
 */
final class IcmpReassembly {
    private static final long IPV4_KEY = 4L << 40 | 1L << 32;
    private static final long IPV6_KEY = 6L << 40 | 58L << 32;

    private final Translator t;
    private final ReassemblyLimits limits;
    private ReassemblyBuffer buffer;

    IcmpReassembly(Translator t, ReassemblyLimits limits) {
        this.t = t;
        this.limits = limits;
    }

    /** An IPv4 ICMP fragment at {@code b[off..]}: header {@code ihl} bytes, then {@code len} payload bytes. */
    Verdict offer4(AddressMapper m, ByteBuffer b, int off, int ihl, int len, int offset, boolean more,
            PacketSink sink) {
        long now = t.clock.getAsLong();
        ReassemblyBuffer r = buffer(now);
        long addrs = (long) Ipv4Header.source(b, off) << 32 | Ipv4Header.destination(b, off) & 0xFFFF_FFFFL;
        int s = slotFor(r, addrs, 0, 0, 0, IPV4_KEY | Ipv4Header.identification(b, off), now);
        return settle(m, r, s, r.add(s, b, off, ihl, off + ihl, len, offset, more), false, sink);
    }

    /**
     * An IPv6 ICMPv6 fragment at {@code b[off..]} whose payload starts at {@code p} (for the first fragment,
     * right after its Fragment Header: the header kept is everything before {@code p}).
     */
    Verdict offer6(AddressMapper m, ByteBuffer b, int off, int p, int len, int offset, boolean more, int id,
            PacketSink sink) {
        long now = t.clock.getAsLong();
        ReassemblyBuffer r = buffer(now);
        int s = slotFor(r, Ipv6Header.sourceHi(b, off), Ipv6Header.sourceLo(b, off), Ipv6Header.destinationHi(b, off),
                Ipv6Header.destinationLo(b, off), IPV6_KEY | id & 0xFFFF_FFFFL, now);
        return settle(m, r, s, r.add(s, b, off, p - off, p, len, offset, more), true, sink);
    }

    /** Drops the fragments of every datagram that has waited too long; a worker calls it when idle too. */
    void expire(long now) {
        if (buffer == null) {
            return;
        }
        for (int s; (s = buffer.expired(now)) >= 0; ) {
            dropHeld(s, Drop.REASSEMBLY_TIMEOUT);
            buffer.release(s);
        }
        gauges();
    }

    /**
     * The datapath stops: whatever is held will never complete, so it is counted as timed out now, and the
     * buffer is let go (a new datapath's workers allocate their own).
     */
    void releaseAll() {
        if (buffer == null) {
            return;
        }
        for (int s; (s = buffer.occupied()) >= 0; ) {
            dropHeld(s, Drop.REASSEMBLY_TIMEOUT);
            buffer.release(s);
        }
        buffer = null;
        t.counters.set(Counters.REASSEMBLY_DATAGRAMS, 0);
        t.counters.set(Counters.REASSEMBLY_BUFFER_BYTES, 0);
    }

    private ReassemblyBuffer buffer(long now) {
        if (buffer == null) {
            buffer = new ReassemblyBuffer(limits); // once per worker, on its first fragmented ICMP
            t.counters.set(Counters.REASSEMBLY_BUFFER_BYTES, limits.bufferBytes());
        }
        expire(now);
        return buffer;
    }

    private int slotFor(ReassemblyBuffer r, long k0, long k1, long k2, long k3, long k4, long now) {
        int s = r.find(k0, k1, k2, k3, k4);
        if (s < 0) {
            s = r.claim(k0, k1, k2, k3, k4, now);
        }
        if (s < 0) {
            // At the cap: the oldest datagram gives way, so a flood of first fragments cannot hold every slot
            // for a whole timeout; a datagram whose fragments come back to back still completes.
            int old = r.oldest();
            dropHeld(old, Drop.REASSEMBLY_FULL);
            r.release(old);
            s = r.claim(k0, k1, k2, k3, k4, now);
        }
        return s;
    }

    private Verdict settle(AddressMapper m, ReassemblyBuffer r, int s, int outcome, boolean v6, PacketSink sink) {
        Verdict v = switch (outcome) {
            case ReassemblyBuffer.HELD -> {
                t.counters.add(v6 ? Counters.REASSEMBLY_PENDING_6TO4 : Counters.REASSEMBLY_PENDING_4TO6, 1);
                yield Verdict.HELD;
            }
            case ReassemblyBuffer.COMPLETE -> complete(m, r, s, v6, sink);
            case ReassemblyBuffer.DUPLICATE -> t.drop(Drop.REASSEMBLY_DUPLICATE);
            case ReassemblyBuffer.DISCARDED -> t.drop(reason(r.discardedAs(s)));
            default -> {
                // RFC 5722 §3: the whole datagram goes, and so do its fragments still to come.
                Drop why = reason(outcome);
                dropHeld(s, why);
                r.discard(s, outcome);
                yield t.drop(why);
            }
        };
        gauges();
        return v;
    }

    /**
     * The last fragment arrived: the kept header is made the whole datagram's and the datagram translated in
     * place in its slot. Every fragment of it then counts as what became of the datagram.
     */
    private Verdict complete(AddressMapper m, ReassemblyBuffer r, int s, boolean v6, PacketSink sink) {
        int held = r.fragments(s) - 1; // the one completing it is counted by the translator's own call
        t.counters.add(v6 ? Counters.REASSEMBLY_PENDING_6TO4 : Counters.REASSEMBLY_PENDING_4TO6, -held);
        ByteBuffer a = r.arena;
        int at = r.datagramAt(s);
        int header = r.headerLength(s);
        int length = header + r.payloadLength(s);
        if (length > 65535) {
            // RFC 791 §3.1 / RFC 8200 §4.5: the datagram would exceed its 16-bit length field.
            dropCounted(held, Drop.REASSEMBLY_OVERSIZE, v6);
            r.discard(s, ReassemblyBuffer.OVERSIZE);
            return t.drop(Drop.REASSEMBLY_OVERSIZE);
        }
        if (v6) {
            a.putShort(at + 4, (short) (length - Ipv6Header.LENGTH));
            a.putShort(at + header - Ipv6Header.FRAGMENT_HEADER_LENGTH + 2, (short) 0); // offset 0, M clear
        } else {
            a.putShort(at + 2, (short) length);
            a.putShort(at + 6, (short) (Ipv4Header.fragmentField(a, at) & Ipv4Header.FLAG_DF));
            a.putShort(at + 10, (short) 0);
            a.putShort(at + 10, (short) Checksum.finish(Checksum.sum(a, at, header)));
        }
        t.counters.add(Counters.REASSEMBLED, 1);
        Verdict v = t.translateWhole(m, a, at, length, v6, sink);
        if (v == Verdict.TRANSLATED) {
            t.counters.add(v6 ? Counters.TRANSLATED_6TO4 : Counters.TRANSLATED_4TO6, held);
        } else {
            dropCounted(held, t.lastDrop(), v6);
        }
        r.release(s);
        return v;
    }

    /** The fragments a slot holds are dropped for {@code why} (its datagram expired, overlapped, was evicted). */
    private void dropHeld(int s, Drop why) {
        int n = buffer.fragments(s);
        boolean v6 = buffer.keyTail(s) >>> 40 == 6;
        t.counters.add(v6 ? Counters.REASSEMBLY_PENDING_6TO4 : Counters.REASSEMBLY_PENDING_4TO6, -n);
        dropCounted(n, why, v6);
    }

    private void dropCounted(int n, Drop why, boolean v6) {
        t.counters.drop(why, n);
        t.counters.add(v6 ? Counters.DROPPED_6TO4 : Counters.DROPPED_4TO6, n);
    }

    private void gauges() {
        t.counters.set(Counters.REASSEMBLY_DATAGRAMS, buffer.inUse());
    }

    private static Drop reason(int outcome) {
        return outcome == ReassemblyBuffer.OVERSIZE ? Drop.REASSEMBLY_OVERSIZE : Drop.REASSEMBLY_OVERLAP;
    }
}
