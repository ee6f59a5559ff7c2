package net.jclat.xlat;

import static net.jclat.xlat.FuzzWire.ICMP;
import static net.jclat.xlat.FuzzWire.ICMPV6;
import static net.jclat.xlat.FuzzWire.TCP;
import static net.jclat.xlat.FuzzWire.UDP;
import static net.jclat.xlat.FuzzWire.u16;
import static net.jclat.xlat.FuzzWire.u8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one fuzz input through a {@link Translator} the way a worker does and checks everything that comes out.
 *
 * <p>Input format (so seeds are plain packets with one byte in front): byte 0 selects the configuration (bits
 * 0–2, one of {@link #CONFIGS}) and which fields the harness repairs before translating, so that the fuzzer
 * reaches the deep paths and not only the length and checksum drops: bit 3 sets the IP length field to the
 * bytes given, bit 4 recomputes the transport checksum of an unfragmented packet, bit 5 recomputes the IPv4
 * header checksum. The rest is the packet; its version nibble is forced to the direction under test.
 *
 * <p>Checked for every input (a failure throws {@link AssertionError}, which Jazzer reports as a finding):
 * <ul>
 * <li>nothing but a verdict comes back: no exception escapes;</li>
 * <li>the verdict, the drop reason, the packets emitted and the counters agree: every input is translated,
 *     answered with an ICMP error, or dropped with a reason, and counted exactly once;</li>
 * <li>every emitted packet parses: IPv4 IHL and Total Length, IPv6 Payload Length, extension and Fragment
 *     headers, non-last fragments a multiple of 8, sizes within the MTUs and the ICMP error limits;</li>
 * <li>checksums: the IPv4 header checksum always; the transport checksum (TCP, UDP, ICMPv4, ICMPv6 with its
 *     pseudo-header) of every whole packet or reassembled set of fragments the translator built from a whole
 *     input whose own checksum was valid; and of every ICMP error;</li>
 * <li>the translator never writes past the end of the packet it was given.</li>
 * </ul>
 */
final class TranslatorFuzzHarness {
    static final int FIX_LENGTH = 1 << 3;
    static final int FIX_L4_CHECKSUM = 1 << 4;
    static final int FIX_IPV4_CHECKSUM = 1 << 5;
    private static final int GUARD = 64;
    private static final byte GUARD_BYTE = (byte) 0xA5;
    /** "No emitted packet to show" in a failure. */
    private static final byte[] NONE = new byte[0];

    /** One per mode, between them: every prefix length, EAMs, pools, small and large MTUs, both UDP policies. */
    static final List<XlatConfig> CONFIGS = List.of(
            // 0: nat44 CLAT (RFC 6877 §6.3), Well-Known Prefix, usual MTUs
            XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1/32", "2001:db8:1::c1a7/128")
                    .translatorIpv6(Ipv6Prefix.parse("2001:db8:1::c1a7/128")).pref64ForLocal(false)
                    .icmpErrorsPerSecond(0).build(),
            // 1: nat44 CLAT, /64 network-specific prefix, smallest IPv6 MTU, small IPv4 MTU
            XlatConfig.builder().pref64("2001:db8:64:64::/64").clat("192.0.0.1/32", "2001:db8:1::c1a7/128")
                    .translatorIpv6(Ipv6Prefix.parse("2001:db8:1::c1a7/128")).pref64ForLocal(false)
                    .ipv6Mtu(1280).lowestIpv6Mtu(1280).ipv4Mtu(576).icmpErrorsPerSecond(0).build(),
            // 2: prefix mode (dedicated /96 for a LAN /24), UDP zero checksum dropped
            XlatConfig.builder().pref64("2001:db8:64::/96")
                    .dedicatedPrefixes(List.of(DedicatedPrefix.parse("192.168.1.0/24=2001:db8:aaaa::/96")))
                    .translatorIpv6(Ipv6Prefix.parse("2001:db8:aaaa::1/128")).pref64ForLocal(false)
                    .udpZeroChecksum(UdpZeroChecksum.DROP).icmpErrorsPerSecond(0).build(),
            // 3: SIIT border relay with EAMs and hairpinning, jumbo MTUs
            XlatConfig.builder().pref64("64:ff9b::/96").pref64ForLocal(true).allowWkpNonGlobal(true)
                    .eams(List.of(EamEntry.parse("192.0.2.0/24=2001:db8:eeee::/120"),
                            EamEntry.parse("198.51.100.7/32=2001:db8:7::7/128")))
                    .translatorIpv6(Ipv6Prefix.parse("2001:db8:ffff::1/128"))
                    .ipv6Mtu(9000).ipv4Mtu(9000).lowestIpv6Mtu(1280).icmpErrorsPerSecond(0).build(),
            // 4: SIIT edge relay (RFC 7756): EAMs are its own addresses, no hairpinning, RFC 6791 pool, max MTUs
            XlatConfig.builder().pref64("2001:db8:4000::/40").pref64ForLocal(false)
                    .eams(List.of(EamEntry.parse("203.0.113.0/28=2001:db8:e0::/124")))
                    .translatorIpv4(Ipv4Prefix.parse("198.18.0.0/29"))
                    .translatorIpv6(Ipv6Prefix.parse("2001:db8:ffff::2/128")).hairpinning(false)
                    .ipv6Mtu(65535).ipv4Mtu(65535).lowestIpv6Mtu(1500).icmpErrorsPerSecond(0).build(),
            // 5: SIIT, /32 prefix, TOS ignored, no ICMP errors at all
            XlatConfig.builder().pref64("2001:db8::/32").pref64ForLocal(true).allowWkpNonGlobal(true)
                    .ignoreTos(true).sendIcmpErrors(false).build(),
            // 6: SIIT, /56 and /48 shapes via prefix and EAM, ICMP errors rate-limited
            XlatConfig.builder().pref64("2001:db8:100::/56").pref64ForLocal(true)
                    .eams(List.of(EamEntry.parse("10.0.0.0/8=2001:db8:a00::/104")))
                    .translatorIpv6(Ipv6Prefix.parse("2001:db8:ffff::3/128")).icmpErrorsPerSecond(10).build(),
            // 7: nat44 CLAT, tiny IPv4 MTU (RFC 791 minimum 68): everything fragments on the way to IPv4
            XlatConfig.builder().pref64("2001:db8:48::/48").clat("192.0.0.1/32", "2001:db8:1::c1a7/128")
                    .translatorIpv6(Ipv6Prefix.parse("2001:db8:1::c1a7/128")).pref64ForLocal(false)
                    .ipv4Mtu(68).ipv6Mtu(1280).lowestIpv6Mtu(1280).icmpErrorsPerSecond(0).build());

    private final Translator[] translators = new Translator[CONFIGS.size()];
    /** The clock of the rate limiter: 10 ms per input, so a burst of errors runs out of tokens. */
    private long nanos;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Translator.HEADROOM + 65536 + GUARD);
    private final List<byte[]> out = new ArrayList<>();
    private final long[] before = new long[Counters.SIZE];
    private final long[] after = new long[Counters.SIZE];
    private final FuzzWire.Walk6 walk = new FuzzWire.Walk6();
    private final PacketSink sink = (b, off, len) -> {
        byte[] copy = new byte[len];
        b.get(off, copy);
        out.add(copy);
    };

    TranslatorFuzzHarness() {
        for (int i = 0; i < translators.length; i++) {
            translators[i] = new Translator(CONFIGS.get(i), new Counters(), () -> nanos);
        }
    }

    /** What the harness learnt about the input before translating it. */
    static final class Input {
        byte[] packet;
        int version;
        /** Neither an IPv4 fragment nor an IPv6 fragment (an atomic fragment is whole). */
        boolean whole;
        int protocol = -1;
        /** The transport segment, when the packet is whole and its lengths are consistent. */
        int l4Offset = -1;
        int l4Length;
        boolean l4Valid;
        boolean udpZero;
    }

    /** Fuzz entry: the selector byte and a packet forced to {@code version}. */
    void run(byte[] data, int version) {
        if (data.length < 2) {
            return;
        }
        int selector = data[0] & 0xFF;
        byte[] p = Arrays.copyOfRange(data, 1, Math.min(data.length, 1 + 65535));
        p[0] = (byte) (version << 4 | p[0] & 0x0F);
        repair(p, selector);
        check(selector & 7, p);
    }

    /** The repairs byte 0 asks for, in the order they depend on each other. */
    void repair(byte[] p, int selector) {
        boolean v4 = (p[0] & 0xF0) == 0x40;
        if ((selector & FIX_LENGTH) != 0) {
            if (v4 && p.length >= 20) {
                FuzzWire.put16(p, 2, p.length);
            } else if (!v4 && p.length >= 40) {
                FuzzWire.put16(p, 4, p.length - 40);
            }
        }
        if ((selector & FIX_L4_CHECKSUM) != 0) {
            Input in = analyse(p);
            int field = FuzzWire.checksumOffset(in.protocol);
            if (in.l4Offset >= 0 && field >= 0 && !(in.udpZero && v4)) {
                FuzzWire.put16(p, in.l4Offset + field, 0);
                long s = FuzzWire.sum(p, in.l4Offset, in.l4Length) + pseudo(p, in);
                int c = FuzzWire.checksumFor(s);
                FuzzWire.put16(p, in.l4Offset + field, in.protocol == UDP && c == 0 ? 0xFFFF : c);
            }
        }
        if ((selector & FIX_IPV4_CHECKSUM) != 0 && v4 && p.length >= 20) {
            int ihl = (p[0] & 0x0F) * 4;
            if (ihl >= 20 && ihl <= p.length) {
                FuzzWire.put16(p, 10, 0);
                FuzzWire.put16(p, 10, FuzzWire.checksumFor(FuzzWire.sum(p, 0, ihl)));
            }
        }
    }

    private static long pseudo(byte[] p, Input in) {
        if (in.version == 4) {
            return in.protocol == ICMP ? 0 : FuzzWire.pseudo4(p, 0, in.protocol, in.l4Length);
        }
        return FuzzWire.pseudo6(p, 0, in.protocol, in.l4Length);
    }

    /** Reads the input the way a receiver would, to know what may be expected of its translation. */
    Input analyse(byte[] p) {
        Input in = new Input();
        in.packet = p;
        in.version = (p[0] & 0xF0) >>> 4;
        int end;
        if (in.version == 4) {
            if (p.length < 20) {
                return in;
            }
            int ihl = (p[0] & 0x0F) * 4;
            int total = u16(p, 2);
            int frag = u16(p, 6);
            in.whole = (frag & 0x3FFF) == 0;
            in.protocol = u8(p, 9);
            if (ihl < 20 || total < ihl || total > p.length) {
                return in;
            }
            in.l4Offset = ihl;
            end = total;
        } else {
            if (p.length < 40 || 40 + u16(p, 4) > p.length) {
                return in;
            }
            end = 40 + u16(p, 4);
            walk.walk(p, 0, end);
            if (!walk.ok) {
                return in;
            }
            in.whole = !walk.isFragment();
            in.protocol = walk.upper;
            in.l4Offset = walk.upperOffset;
        }
        in.l4Length = end - in.l4Offset;
        int field = FuzzWire.checksumOffset(in.protocol);
        if (!in.whole || field < 0 || in.l4Length < FuzzWire.minimumHeader(in.protocol)
                || in.protocol == UDP && u16(p, in.l4Offset + 4) != in.l4Length
                || (in.protocol == ICMP) != (in.version == 4) && (in.protocol == ICMP || in.protocol == ICMPV6)) {
            in.l4Offset = -1;
            return in;
        }
        in.udpZero = in.protocol == UDP && u16(p, in.l4Offset + 6) == 0;
        in.l4Valid = in.udpZero && in.version == 4
                || FuzzWire.verifies(FuzzWire.sum(p, in.l4Offset, in.l4Length) + pseudo(p, in));
        return in;
    }

    /** Translates {@code p} with configuration {@code config} and checks the outcome. */
    void check(int config, byte[] p) {
        Translator t = translators[config];
        XlatConfig c = CONFIGS.get(config);
        Input in = analyse(p);
        int off = Translator.HEADROOM;
        buf.clear();
        buf.put(off, p);
        for (int i = off + p.length; i < off + p.length + GUARD; i++) {
            buf.put(i, GUARD_BYTE);
        }
        out.clear();
        Arrays.fill(before, 0);
        t.counters().addTo(before);
        nanos += 10_000_000L;
        Verdict v;
        try {
            v = t.translate(buf, off, p.length, sink);
        } catch (RuntimeException e) {
            throw thrown("translate threw " + e, p, e);
        }
        for (int i = off + p.length; i < off + p.length + GUARD; i++) {
            if (buf.get(i) != GUARD_BYTE) {
                throw fail("wrote " + (i - off - p.length) + " bytes past the packet's end", p, NONE);
            }
        }
        Arrays.fill(after, 0);
        t.counters().addTo(after);
        checkAccounting(t, v, in, p);
        for (byte[] e : out) {
            checkHeaders(e, p);
        }
        if (v == Verdict.ICMP_ERROR) {
            checkGeneratedError(out.get(0), in, p);
        } else if (v == Verdict.TRANSLATED) {
            checkTranslated(c, in, p);
        }
    }

    private long delta(int index) {
        return after[index] - before[index];
    }

    /** Every input is exactly one of translated / answered / dropped, with a reason, and counted once. */
    private void checkAccounting(Translator t, Verdict v, Input in, byte[] p) {
        if (v == null) {
            throw fail("null verdict", p, NONE);
        }
        long translated = delta(Counters.TRANSLATED_4TO6) + delta(Counters.TRANSLATED_6TO4);
        long dropped = 0;
        for (Drop d : Drop.values()) {
            dropped += delta(Counters.dropIndex(d));
        }
        // A held ICMP fragment is pending; one that completes (or overlaps) its datagram settles the held ones
        // too, and a fragment may evict or expire others: translated + dropped + change in pending is still 1.
        long pending = delta(Counters.REASSEMBLY_PENDING_4TO6) + delta(Counters.REASSEMBLY_PENDING_6TO4);
        if (translated + dropped + pending != 1) {
            throw fail("counted " + translated + " translated + " + dropped + " dropped + " + pending
                    + " pending for one input", p, NONE);
        }
        int inPackets = in.version == 4 ? Counters.IN4_PACKETS : Counters.IN6_PACKETS;
        if (delta(inPackets) != 1 || delta(Counters.IN4_PACKETS) + delta(Counters.IN6_PACKETS) != 1) {
            throw fail("input packet counters moved by " + delta(Counters.IN4_PACKETS) + "/"
                    + delta(Counters.IN6_PACKETS), p, NONE);
        }
        long errors = delta(Counters.ICMP4_ERRORS_SENT) + delta(Counters.ICMP6_ERRORS_SENT);
        long emitted = delta(Counters.OUT4_PACKETS) + delta(Counters.OUT6_PACKETS) + errors;
        if (emitted != out.size()) {
            throw fail(out.size() + " packets emitted but counters say " + emitted, p, NONE);
        }
        long bytes = 0;
        for (byte[] e : out) {
            bytes += e.length;
        }
        if (v != Verdict.ICMP_ERROR && delta(Counters.OUT4_BYTES) + delta(Counters.OUT6_BYTES) != bytes) {
            throw fail("byte counters disagree with the bytes emitted", p, NONE);
        }
        Drop reason = t.lastDrop();
        switch (v) {
            case TRANSLATED -> {
                int expected = in.version == 4 ? Counters.TRANSLATED_4TO6 : Counters.TRANSLATED_6TO4;
                if (reason != null || delta(expected) < 1 || out.isEmpty() || errors != 0) {
                    throw fail("TRANSLATED with drop " + reason + ", " + out.size() + " packets, " + errors
                            + " errors", p, NONE);
                }
            }
            case ICMP_ERROR, DROPPED -> {
                if (reason == null || delta(Counters.dropIndex(reason)) < 1) {
                    throw fail(v + " without its drop reason counted: " + reason, p, NONE);
                }
                int want = v == Verdict.ICMP_ERROR ? 1 : 0;
                if (out.size() != want || errors != want) {
                    throw fail(v + " emitted " + out.size() + " packets, " + errors + " errors", p, NONE);
                }
            }
            case HELD -> {
                // This fragment waits; holding it may have evicted (or expired) other held fragments, which are
                // then dropped for a reassembly reason: pending rose by one less than the number dropped.
                long settled = 0;
                for (Drop d : List.of(Drop.REASSEMBLY_FULL, Drop.REASSEMBLY_TIMEOUT)) {
                    settled += delta(Counters.dropIndex(d));
                }
                if (reason != null || !out.isEmpty() || translated != 0 || dropped != settled) {
                    throw fail("HELD with drop " + reason + ", " + out.size() + " packets, " + translated
                            + " translated, " + dropped + " dropped of which " + settled + " evicted or expired", p,
                            NONE);
                }
            }
            default -> throw fail("unknown verdict " + v, p, NONE);
        }
    }

    /** The IP layer of any emitted packet: version, lengths, header checksum, fragment fields. */
    private void checkHeaders(byte[] e, byte[] p) {
        if (e.length < 1) {
            throw fail("empty packet emitted", p, NONE);
        }
        int version = (e[0] & 0xF0) >>> 4;
        if (version == 4) {
            int ihl = (e[0] & 0x0F) * 4;
            if (e.length < 20 || ihl < 20 || ihl > e.length) {
                throw fail("emitted IPv4 with IHL " + ihl + " in " + e.length + " bytes", p, e);
            }
            if (u16(e, 2) != e.length) {
                throw fail("emitted IPv4 Total Length " + u16(e, 2) + " for " + e.length + " bytes", p, e);
            }
            if (!FuzzWire.verifies(FuzzWire.sum(e, 0, ihl))) {
                throw fail("emitted IPv4 header checksum wrong", p, e);
            }
            int frag = u16(e, 6);
            boolean df = (frag & 0x4000) != 0;
            boolean mf = (frag & 0x2000) != 0;
            if ((frag & 0x8000) != 0) {
                throw fail("emitted IPv4 reserved flag set", p, e);
            }
            if (df && (mf || (frag & 0x1FFF) != 0)) {
                throw fail("emitted IPv4 fragment with DF", p, e);
            }
            if (mf && (e.length - ihl) % 8 != 0) {
                throw fail("emitted IPv4 non-last fragment not a multiple of 8 bytes", p, e);
            }
            if ((frag & 0x1FFF) * 8 + e.length > 65535) {
                // RFC 791 §3.1: the reassembled datagram, header included, must fit the 16-bit Total Length.
                throw fail("emitted IPv4 fragment would reassemble past 65535 bytes", p, e);
            }
        } else if (version == 6) {
            if (e.length < 40 || u16(e, 4) != e.length - 40) {
                throw fail("emitted IPv6 Payload Length " + (e.length >= 6 ? u16(e, 4) : -1) + " for " + e.length
                        + " bytes", p, e);
            }
            walk.walk(e, 0, e.length);
            if (!walk.ok) {
                throw fail("emitted IPv6 extension header overruns the packet", p, e);
            }
            if (walk.fragmentHeaders > 1 || walk.reservedBits != 0 && walk.hasFragmentHeader) {
                throw fail("emitted IPv6 Fragment Header malformed", p, e);
            }
            if (walk.isFragment() && walk.more && (e.length - walk.upperOffset) % 8 != 0) {
                throw fail("emitted IPv6 non-last fragment not a multiple of 8 bytes", p, e);
            }
            if (walk.isFragment() && walk.fragmentOffset + e.length - walk.upperOffset > 65535) {
                throw fail("emitted IPv6 fragment ends past 65535", p, e);
            }
        } else {
            throw fail("emitted a packet of IP version " + version, p, e);
        }
    }

    /**
     * An ICMP error the translator made about the input (RFC 7915 §4.4/§5.4, RFC 1812, RFC 4443): of the
     * input's family, to the input's source, an error type, a valid checksum, within the size limit, and
     * quoting the input as it was received.
     */
    private void checkGeneratedError(byte[] e, Input in, byte[] p) {
        if (in.version == 4) {
            if ((e[0] & 0xF0) != 0x40 || u8(e, 9) != ICMP || e.length > 576) {
                throw fail("ICMPv4 error expected (at most 576 bytes)", p, e);
            }
            int ihl = (e[0] & 0x0F) * 4;
            int type = u8(e, ihl);
            if (e.length < ihl + 8 || !(type == 3 || type == 11 || type == 12)) {
                throw fail("ICMPv4 error of type " + type, p, e);
            }
            if (!Arrays.equals(e, 16, 20, p, 12, 16)) {
                throw fail("ICMPv4 error not sent to the input's source", p, e);
            }
            if (!FuzzWire.verifies(FuzzWire.sum(e, ihl, e.length - ihl))) {
                throw fail("ICMPv4 error checksum wrong", p, e);
            }
            int quoted = e.length - ihl - 8;
            if (!Arrays.equals(e, ihl + 8, e.length, p, 0, quoted)) {
                throw fail("ICMPv4 error does not quote the packet as received", p, e);
            }
        } else {
            walk.walk(e, 0, e.length);
            if ((e[0] & 0xF0) != 0x60 || walk.upper != ICMPV6 || e.length > 1280) {
                throw fail("ICMPv6 error expected (at most 1280 bytes)", p, e);
            }
            int icmp = walk.upperOffset;
            int type = e.length >= icmp + 8 ? u8(e, icmp) : -1;
            if (type < 1 || type > 4) {
                throw fail("ICMPv6 error of type " + type, p, e);
            }
            if (!Arrays.equals(e, 24, 40, p, 8, 24)) {
                throw fail("ICMPv6 error not sent to the input's source", p, e);
            }
            int len = e.length - icmp;
            if (!FuzzWire.verifies(FuzzWire.sum(e, icmp, len) + FuzzWire.pseudo6(e, 0, ICMPV6, len))) {
                throw fail("ICMPv6 error checksum wrong", p, e);
            }
            int quoted = e.length - icmp - 8;
            if (!Arrays.equals(e, icmp + 8, e.length, p, 0, quoted)) {
                throw fail("ICMPv6 error does not quote the packet as received", p, e);
            }
        }
    }

    /** Translated (or hairpinned) packets: family, MTU, and transport checksum and bytes where knowable. */
    private void checkTranslated(XlatConfig c, Input in, byte[] p) {
        int family = (out.get(0)[0] & 0xF0) >>> 4;
        boolean hairpin = in.version == 6 && delta(Counters.HAIRPINNED) == 1;
        int expected = in.version == 4 || hairpin ? 6 : 4;
        for (byte[] e : out) {
            if ((e[0] & 0xF0) >>> 4 != expected) {
                throw fail("translated a v" + in.version + " packet into a v" + family + " one", p, e);
            }
            int limit = hairpin ? p.length : expected == 6 ? c.ipv6Mtu() : c.ipv4Mtu();
            if (e.length > limit) {
                throw fail("emitted " + e.length + " bytes, more than the MTU " + limit, p, e);
            }
            if (expected == 6 && !hairpin && (u16(e, 0) & 0x000F) != 0 | u16(e, 2) != 0) {
                throw fail("RFC 7915 §4.1: the Flow Label must be zero", p, e);
            }
        }
        if (!in.whole || in.l4Offset < 0) {
            return; // a fragment in, or no transport we can read: the checks above are all that apply
        }
        byte[] seg = reassembledSegment(p);
        int protocol = upperOf(out.get(0));
        if (seg == null) {
            throw fail("fragments emitted for one datagram do not reassemble", p, out.get(0));
        }
        int seglen = seg.length;
        boolean isError = protocol == ICMP ? isIcmp4Error(seg) : protocol == ICMPV6 && seglen > 0 && u8(seg, 0) < 128;
        long pseudo = pseudoOfOutput(protocol, seglen);
        boolean verifies = FuzzWire.verifies(FuzzWire.sum(seg, 0, seglen) + pseudo);
        if (isError && !verifies) {
            throw fail("translated ICMP error with a wrong checksum", p, out.get(0));
        }
        if (in.l4Valid && !verifies) {
            throw fail("valid " + in.protocol + " checksum in, wrong checksum out", p, out.get(0));
        }
        if (protocol == UDP && seglen >= 8 && u16(seg, 6) == 0 && expected == 6) {
            throw fail("RFC 7915 §4.5: IPv6 UDP with checksum zero emitted", p, out.get(0));
        }
        if ((protocol == TCP || protocol == UDP) && protocol == in.protocol) {
            // RFC 7915 §4.5/§5.5: TCP and UDP are carried unchanged but for the checksum.
            int cs = FuzzWire.checksumOffset(protocol);
            if (seglen != in.l4Length || !Arrays.equals(seg, 0, cs, p, in.l4Offset, in.l4Offset + cs)
                    || !Arrays.equals(seg, cs + 2, seglen, p, in.l4Offset + cs + 2, in.l4Offset + in.l4Length)) {
                throw fail("transport segment changed in translation", p, out.get(0));
            }
            if (!in.l4Valid && !(in.udpZero && in.version == 4) && verifies) {
                throw fail("wrong transport checksum in, valid one out: the damage was hidden", p, out.get(0));
            }
        }
        if (isError) {
            checkQuotedInTranslatedError(seg, protocol, p);
        }
    }

    private static boolean isIcmp4Error(byte[] seg) {
        int type = seg.length > 0 ? u8(seg, 0) : -1;
        return type == 3 || type == 11 || type == 12;
    }

    /** The packet inside a translated ICMP error is of the new family; an inner IPv4 header verifies. */
    private void checkQuotedInTranslatedError(byte[] seg, int protocol, byte[] p) {
        if (seg.length <= 8) {
            return;
        }
        int version = (seg[8] & 0xF0) >>> 4;
        if (protocol == ICMP) {
            if (version != 4) {
                throw fail("ICMPv4 error quotes a v" + version + " packet", p, out.get(0));
            }
            int ihl = (seg[8] & 0x0F) * 4;
            if (seg.length >= 8 + 20 && (ihl != 20 || !FuzzWire.verifies(FuzzWire.sum(seg, 8, 20)))) {
                throw fail("quoted IPv4 header built by the translator is malformed or has a wrong checksum", p,
                        out.get(0));
            }
        } else if (version != 6) {
            throw fail("ICMPv6 error quotes a v" + version + " packet", p, out.get(0));
        }
    }

    private int upperOf(byte[] e) {
        if ((e[0] & 0xF0) == 0x40) {
            return u8(e, 9);
        }
        walk.walk(e, 0, e.length);
        return walk.upper;
    }

    /** The transport pseudo-header sum of the emitted datagram (ICMPv4 has none). */
    private long pseudoOfOutput(int protocol, int length) {
        byte[] first = out.get(0);
        if ((first[0] & 0xF0) == 0x40) {
            return protocol == ICMP ? 0 : FuzzWire.pseudo4(first, 0, protocol, length);
        }
        return FuzzWire.pseudo6(first, 0, protocol, length);
    }

    /**
     * The transport segment of the emitted datagram: the one packet's payload, or the fragments' data put back
     * in offset order; null when the fragments leave a hole, overlap, disagree or mark the end wrongly.
     */
    private byte[] reassembledSegment(byte[] p) {
        int n = out.size();
        int[] start = new int[n];
        int[] offset = new int[n];
        boolean[] more = new boolean[n];
        long firstId = -1;
        int total = 0;
        for (int i = 0; i < n; i++) {
            byte[] e = out.get(i);
            if ((e[0] & 0xF0) == 0x40) {
                int frag = u16(e, 6);
                start[i] = (e[0] & 0x0F) * 4;
                offset[i] = (frag & 0x1FFF) * 8;
                more[i] = (frag & 0x2000) != 0;
                long id = u16(e, 4);
                if (i > 0 && id != firstId || n > 1 && !(more[i] || offset[i] != 0)) {
                    return null;
                }
                firstId = id;
            } else {
                walk.walk(e, 0, e.length);
                start[i] = walk.upperOffset;
                offset[i] = walk.hasFragmentHeader ? walk.fragmentOffset : 0;
                more[i] = walk.hasFragmentHeader && walk.more;
                if (n > 1 && !walk.hasFragmentHeader || i > 0 && walk.id != firstId) {
                    return null;
                }
                firstId = walk.hasFragmentHeader ? walk.id : -1;
            }
            total += e.length - start[i];
        }
        byte[] seg = new byte[total];
        boolean[] seen = new boolean[n];
        int at = 0;
        for (int k = 0; k < n; k++) {
            int next = -1;
            for (int i = 0; i < n; i++) {
                if (!seen[i] && offset[i] == at) {
                    next = i;
                }
            }
            if (next < 0 || more[next] == (k == n - 1)) {
                return null;
            }
            seen[next] = true;
            byte[] e = out.get(next);
            System.arraycopy(e, start[next], seg, at, e.length - start[next]);
            at += e.length - start[next];
        }
        return seg;
    }

    static AssertionError fail(String what, byte[] in, byte[] emitted) {
        return fail(what, in, emitted, (Throwable) null);
    }

    static AssertionError thrown(String what, byte[] in, Throwable cause) {
        return fail(what, in, NONE, cause);
    }

    private static AssertionError fail(String what, byte[] in, byte[] emitted, Throwable cause) {
        String text = what + "\n  input   " + hex(in) + (emitted == NONE ? "" : "\n  emitted " + hex(emitted));
        return cause == null ? new AssertionError(text) : new AssertionError(text, cause);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 160); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s + (b.length > 160 ? "... (" + b.length + " bytes)" : " (" + b.length + " bytes)");
    }
}
