package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * ICMP errors the translator itself originates, toward the sender of a packet it cannot pass: ICMPv4
 * from the translator's IPv4 address (or RFC 6791 pool), ICMPv6 from its IPv6 address. They follow the
 * rules every router follows (RFC 1812 §4.3.2.7, RFC 4443 §2.4(e)): never about an ICMP error, a
 * non-first fragment, or a packet from a multicast or unspecified source.
 */
final class IcmpErrors {
    private static final int BUILD = 64;
    /** RFC 1812 §4.3.2.3: quote as much of the packet as fits in 576 bytes. */
    private static final int MAX_ICMP4 = 576;
    /** RFC 4443 §2.4(c): as much as fits in the minimum IPv6 MTU. */
    private static final int MAX_ICMP6 = 1280;
    private static final int ERROR_HOP_LIMIT = 64;

    private final Translator t;
    private final ByteBuffer s;
    // Token bucket (RFC 7915 §4.4 / §5.4: errors SHOULD be rate-limited, as RFC 1812 §4.3.2.8 and
    // RFC 4443 §2.4(f) ask of any router): tokens in nanoseconds of "credit", refilled by the clock.
    private long credit = Long.MIN_VALUE;
    private long lastNanos;

    IcmpErrors(Translator t) {
        this.t = t;
        this.s = t.scratch;
    }

    /**
     * Sends an ICMPv4 error about the intact IPv4 packet at {@code b[off..]}. {@code rest} fills bytes 4–7
     * (the MTU in its low 16 bits for Fragmentation Needed). Returns false where no error may be sent.
     */
    boolean icmp4(AddressMapper m, ByteBuffer b, int off, int type, int code, int rest, PacketSink sink) {
        int ihl = Ipv4Header.ihl(b, off);
        int total = Ipv4Header.totalLength(b, off);
        int src = Ipv4Header.source(b, off);
        int frag = Ipv4Header.fragmentField(b, off);
        if (!m.config().sendIcmpErrors() || Ipv4Header.fragmentOffsetBytes(frag) != 0
                || UnforwardableIpv4.source(src) != null) {
            return false;
        }
        if (Ipv4Header.protocol(b, off) == 1 && total >= ihl + 1 && IcmpMaps.isIcmp4Error(b.get(off + ihl) & 0xFF)) {
            return false;
        }
        if (!allowed(m.config().icmpErrorsPerSecond())) {
            return false;
        }
        int quote = Math.min(total, MAX_ICMP4 - Ipv4Header.MIN_LENGTH - 8);
        int icmpLen = 8 + quote;
        int icmp = BUILD + Ipv4Header.MIN_LENGTH;
        s.putShort(icmp, (short) (type << 8 | code));
        s.putShort(icmp + 2, (short) 0);
        s.putInt(icmp + 4, rest);
        s.put(icmp + 8, b, off, quote);
        s.putShort(icmp + 2, (short) Checksum.finish(Checksum.sum(s, icmp, icmpLen)));
        int from = poolAddress(m.config().translatorIpv4(), src);
        Ipv4Header.write(s, BUILD, 0, Ipv4Header.MIN_LENGTH + icmpLen, t.nextIpv4Id(), 0, ERROR_HOP_LIMIT, 1,
                from, src);
        t.counters.add(Counters.ICMP4_ERRORS_SENT, 1);
        sink.accept(s, BUILD, Ipv4Header.MIN_LENGTH + icmpLen);
        return true;
    }

    /**
     * Sends an ICMPv6 error about the intact IPv6 packet at {@code b[off..off+len)}; {@code rest} fills
     * bytes 4–7 (MTU or pointer). {@code aboutIcmp} is true when the packet is an ICMPv6 message that may
     * not be answered (any ICMPv6 for RFC 7915 §5.4's default error, ICMPv6 errors always). Returns false
     * where no error may be sent, or when the translator has no IPv6 address to send it from.
     */
    boolean icmp6(AddressMapper m, ByteBuffer b, int off, int len, boolean fromNonFirstFragment,
            boolean aboutIcmp, int type, int code, int rest, PacketSink sink) {
        Ipv6Prefix from = m.config().translatorIpv6();
        long srcHi = Ipv6Header.sourceHi(b, off);
        long srcLo = Ipv6Header.sourceLo(b, off);
        if (from == null || !m.config().sendIcmpErrors() || fromNonFirstFragment || aboutIcmp || Ipv6Header.isMulticast(srcHi)
                || (srcHi == 0 && srcLo == 0)) {
            return false;
        }
        if (!allowed(m.config().icmpErrorsPerSecond())) {
            return false;
        }
        int quote = Math.min(len, MAX_ICMP6 - Ipv6Header.LENGTH - 8);
        int icmpLen = 8 + quote;
        int icmp = BUILD + Ipv6Header.LENGTH;
        s.putShort(icmp, (short) (type << 8 | code));
        s.putShort(icmp + 2, (short) 0);
        s.putInt(icmp + 4, rest);
        s.put(icmp + 8, b, off, quote);
        Ipv6Header.writeFixed(s, BUILD, 0, icmpLen, Ipv6Header.NH_ICMPV6, ERROR_HOP_LIMIT);
        Ipv6Header.writeAddresses(s, BUILD, from.hi(), from.lo(), srcHi, srcLo);
        long sum = Checksum.sum(s, icmp, icmpLen) + Ipv6Header.addressSum(from.hi(), from.lo(), srcHi, srcLo)
                + icmpLen + Ipv6Header.NH_ICMPV6;
        s.putShort(icmp + 2, (short) Checksum.finish(sum));
        t.counters.add(Counters.ICMP6_ERRORS_SENT, 1);
        sink.accept(s, BUILD, Ipv6Header.LENGTH + icmpLen);
        return true;
    }

    /**
     * Takes one token from a bucket of {@code perSecond} tokens refilled at {@code perSecond} per second;
     * false (and counted) when it is empty. A token is worth 1e9 / perSecond ns of credit.
     */
    private boolean allowed(int perSecond) {
        if (perSecond == 0) {
            return true;
        }
        long now = t.clock.getAsLong();
        long cost = 1_000_000_000L / perSecond;
        long burst = 1_000_000_000L; // one second's worth: perSecond tokens
        if (credit == Long.MIN_VALUE) {
            credit = burst;
        } else {
            credit = Math.min(burst, credit + Math.max(0, now - lastNanos));
        }
        lastNanos = now;
        if (credit < cost) {
            t.counters.add(Counters.ICMP_ERRORS_RATE_LIMITED, 1);
            return false;
        }
        credit -= cost;
        return true;
    }

    /**
     * An address from the translator's IPv4 pool. RFC 6791 §4 asks that it not be predictable from outside;
     * a hash of the peer's address keeps one peer (one traceroute hop) on one pool address.
     */
    static int poolAddress(Ipv4Prefix pool, long seed) {
        if (pool.length() == 32) {
            return pool.address();
        }
        long h = seed * 0x9E37_79B9_7F4A_7C15L;
        int pick = (int) (h ^ h >>> 29) & ~pool.mask();
        return pool.address() | pick;
    }
}
