package net.jclat.xlat;

import static net.jclat.xlat.WirePackets.ICMP;
import static net.jclat.xlat.WirePackets.ICMPV6;
import static net.jclat.xlat.WirePackets.TCP;
import static net.jclat.xlat.WirePackets.UDP;
import static net.jclat.xlat.WirePackets.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jclat.xlat.WirePackets.Ipv4;
import net.jclat.xlat.WirePackets.Ipv6;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests over many random, valid packets (seeded, so a failure is reproducible): every emitted
 * packet parses, its length fields agree and its checksums verify (checked with the independent RFC 1071
 * code of {@link WirePackets}); an emitted UDP checksum is never zero; a round trip through both directions
 * is the identity except for what RFC 7915 says changes. Also: garbage and mutated packets never throw,
 * and every input is counted as translated or dropped.
 *
 * <p>SIIT configuration (pref64 for local addresses too, non-global IPv4 allowed) so both directions map.
 */
class TranslatorPropertyTest {
    private static final long SEED = 0x6877_7915_6052L;
    private static final int N = 20_000;
    private static final int IPV6_MTU = 1500;
    private static final int LOWEST_IPV6_MTU = 1280;
    private static final int IPV4_MTU = 1500;

    /** A SIIT configuration and the prefix bytes to embed IPv4 addresses with by hand (RFC 6052 §2.2). */
    record Setup(String name, XlatConfig config, byte[] prefix, int prefixLength) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Setup> setups() {
        return Stream.of(setup("64:ff9b::/96", new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b}, 96),
                setup("2001:db8:100:200::/64",
                        new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0x01, 0x00, 0x02, 0x00}, 64));
    }

    static Setup setup(String pref64, byte[] head, int length) {
        XlatConfig c = XlatConfig.builder().pref64(pref64).pref64ForLocal(true).allowWkpNonGlobal(true)
                .translatorIpv6(Ipv6Prefix.parse("2001:db8:ffff::1"))
                .icmpErrorsPerSecond(0) // every error must come out: this test checks them, not the limit
                .build();
        return new Setup(pref64, c, Arrays.copyOf(head, 16), length);
    }

    // ---------------------------------------------------------------------------------------------
    // Harness: one translator, one direct work buffer, guard bytes around the packet.

    static final class Harness {
        final Counters counters = new Counters();
        final Translator t;
        final ByteBuffer buf = ByteBuffer.allocateDirect(80_000);
        final List<byte[]> out = new ArrayList<>();
        final Random rnd;
        long calls;
        long translated4;
        long translated6;
        long notTranslated;
        /** ICMP fragments held for reassembly since the last verdict: the next verdict is theirs too. */
        long held;
        private final PacketSink sink = (b, o, l) -> out.add(WirePackets.copy(b, o, l));

        Harness(XlatConfig c, Random rnd) {
            this.t = new Translator(c, counters);
            this.rnd = rnd;
        }

        /** Translates {@code p}; returns the verdict, with the emitted packets in {@link #out}. */
        Verdict run(byte[] p) {
            int off = Translator.HEADROOM + rnd.nextInt(17);
            for (int i = 0; i < off - Translator.HEADROOM; i++) {
                buf.put(i, (byte) 0xA5);
            }
            for (int i = off + p.length; i < off + p.length + 64; i++) {
                buf.put(i, (byte) 0xA5);
            }
            buf.put(off, p);
            out.clear();
            calls++;
            Verdict v;
            try {
                v = t.translate(buf, off, p.length, sink);
            } catch (RuntimeException e) {
                throw new AssertionError("translate threw on " + WirePackets.hex(p, 120), e);
            }
            for (int i = 0; i < off - Translator.HEADROOM; i++) {
                assertEquals((byte) 0xA5, buf.get(i), "wrote in front of the headroom");
            }
            for (int i = off + p.length; i < off + p.length + 64; i++) {
                assertEquals((byte) 0xA5, buf.get(i), "wrote past the packet's end");
            }
            assertNotNull(v);
            if (v == Verdict.HELD) {
                assertNull(t.lastDrop(), "held fragment with a drop reason");
                assertTrue(out.isEmpty(), "held fragment emitted something");
                held++;
                return v;
            }
            resolveHeld(v, p.length > 0 && (p[0] & 0xF0) == 0x40);
            if (v == Verdict.TRANSLATED) {
                assertNull(t.lastDrop(), "translated packet with a drop reason");
                assertFalse(out.isEmpty(), "translated but nothing emitted");
                if ((p[0] & 0xF0) == 0x40) {
                    translated4++;
                } else {
                    translated6++;
                }
            } else {
                assertNotNull(t.lastDrop(), "verdict " + v + " without a drop reason");
                notTranslated++;
                assertEquals(v == Verdict.ICMP_ERROR ? 1 : 0, out.size(), "packets emitted with verdict " + v);
            }
            return v;
        }

        /** The fragment completing a datagram: its held fragments count as what became of the datagram. */
        private void resolveHeld(Verdict v, boolean v4) {
            if (v == Verdict.TRANSLATED) {
                if (v4) {
                    translated4 += held;
                } else {
                    translated6 += held;
                }
            } else {
                notTranslated += held;
            }
            held = 0;
        }

        /** in = translated + dropped, for every call (every datagram here is sent whole, none stays pending). */
        void assertAccounting() {
            assertEquals(0, held, "fragments left held");
            assertEquals(0, pending(), "pending fragments");
            assertEquals(translated4, counters.get(Counters.TRANSLATED_4TO6), "TRANSLATED_4TO6");
            assertEquals(translated6, counters.get(Counters.TRANSLATED_6TO4), "TRANSLATED_6TO4");
            assertEquals(notTranslated, counters.droppedTotal(), "drops counted");
            assertCounted();
        }

        /**
         * in = translated + dropped + pending, from the counters alone: with garbage, held fragments may be
         * dropped later (overlap, eviction) or complete a datagram begun by another call.
         */
        void assertCounted() {
            assertEquals(calls, counters.get(Counters.TRANSLATED_4TO6) + counters.get(Counters.TRANSLATED_6TO4)
                    + counters.droppedTotal() + pending(), "calls = translated + dropped + pending");
            assertEquals(calls - counters.dropped(Drop.NOT_IP),
                    counters.get(Counters.IN4_PACKETS) + counters.get(Counters.IN6_PACKETS),
                    "IPv4 and IPv6 inputs = calls that were IP at all");
        }

        long pending() {
            return counters.get(Counters.REASSEMBLY_PENDING_4TO6) + counters.get(Counters.REASSEMBLY_PENDING_6TO4);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Random valid packets.

    /** A random IPv4 address any router forwards (not 0/8, 127/8, 169.254/16, 224/3): UnforwardableIpv4. */
    static int randomV4(Random r) {
        while (true) {
            int a = r.nextInt();
            if (UnforwardableIpv4.check(a, a) == null) {
                return a;
            }
        }
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Total size: mostly small, some around the MTUs, some up to 3000. */
    static int randomSize(Random r) {
        int k = r.nextInt(100);
        if (k < 50) {
            return 28 + r.nextInt(180);
        } else if (k < 85) {
            return 28 + r.nextInt(1500);
        }
        return 28 + r.nextInt(2973);
    }

    /** IPv4 options that must be ignored (RFC 7915 §4.1), padded to a multiple of 4. */
    static byte[] randomOptions(Random r) {
        List<Byte> o = new ArrayList<>();
        int kinds = 1 + r.nextInt(3);
        for (int k = 0; k < kinds && o.size() < 28; k++) {
            switch (r.nextInt(4)) {
                case 0 -> o.add((byte) 1); // NOP
                case 1 -> { // Record Route, room for one address
                    for (int b : new int[] {7, 7, 4, 0, 0, 0, 0}) {
                        o.add((byte) b);
                    }
                }
                case 2 -> { // Router Alert
                    for (int b : new int[] {148, 4, 0, 0}) {
                        o.add((byte) b);
                    }
                }
                default -> { // expired loose source route: pointer past the length
                    for (int b : new int[] {131, 7, 8, 192, 0, 2, 1}) {
                        o.add((byte) b);
                    }
                }
            }
        }
        while (o.size() % 4 != 0) {
            o.add((byte) 0); // EOL padding
        }
        byte[] out = new byte[o.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = o.get(i);
        }
        return out;
    }

    /** A random upper-layer segment with its checksum field zero: TCP, UDP or an echo message. */
    static byte[] randomSegment(Random r, int protocol, int length, boolean v6) {
        return switch (protocol) {
            case TCP -> WirePackets.tcp(r.nextInt(65536), r.nextInt(65536), r.nextInt() & 0xFFFF_FFFFL,
                    r.nextInt(256), bytes(r, Math.max(0, length - 20)));
            case UDP -> WirePackets.udp(r.nextInt(65536), r.nextInt(65536), bytes(r, Math.max(0, length - 8)));
            default -> WirePackets.icmp(v6 ? (r.nextBoolean() ? 128 : 129) : (r.nextBoolean() ? 8 : 0), 0,
                    r.nextInt() & 0xFFFF_FFFFL, bytes(r, Math.max(0, length - 8)));
        };
    }

    static int randomProtocol(Random r, boolean v6) {
        int k = r.nextInt(100);
        return k < 40 ? TCP : k < 75 ? UDP : v6 ? ICMPV6 : ICMP;
    }

    /** One random IPv4 datagram and the fragments it is sent as (one element when not fragmented). */
    record Case4(Ipv4 original, boolean udpZero, List<byte[]> inputs) {
    }

    static Case4 randomCase4(Random r) {
        int protocol = randomProtocol(r, false);
        byte[] options = r.nextInt(100) < 30 ? randomOptions(r) : new byte[0];
        int segLen = Math.max(protocol == TCP ? 20 : 8, randomSize(r) - 20 - options.length);
        byte[] seg = randomSegment(r, protocol, segLen, false);
        boolean udpZero = protocol == UDP && r.nextInt(100) < 20;
        boolean fragment = r.nextInt(100) < 15 && segLen >= 48;
        boolean df = !fragment && r.nextBoolean();
        int ttl = r.nextInt(100) < 3 ? r.nextInt(4) : r.nextInt(256);
        byte[] d = WirePackets.datagram4(r.nextInt(256), r.nextInt(65536), df, ttl, protocol,
                WirePackets.v4(randomV4(r)), WirePackets.v4(randomV4(r)), options, seg, udpZero);
        Ipv4 original = Ipv4.parse(d);
        List<byte[]> inputs;
        if (fragment) {
            // the first piece holds at least 24 bytes, so the whole transport header (RFC 1858 §3)
            int maxData = 24 + 8 * r.nextInt(Math.max(1, (segLen - 24) / 8));
            inputs = WirePackets.fragment4(d, maxData);
        } else {
            inputs = List.of(d);
        }
        return new Case4(original, udpZero, inputs);
    }

    /** One random IPv6 datagram and its fragments (one element when not fragmented). */
    record Case6(Ipv6 original, byte[] segment, boolean udpZero, boolean fragmentHeader, List<byte[]> inputs) {
    }

    static Case6 randomCase6(Random r, Setup s) {
        int protocol = randomProtocol(r, true);
        int segLen = Math.max(protocol == TCP ? 20 : 8, randomSize(r) - 40);
        byte[] seg = randomSegment(r, protocol, segLen, true);
        boolean udpZero = protocol == UDP && r.nextInt(100) < 3;
        byte[] src = WirePackets.embed(s.prefix(), s.prefixLength(), WirePackets.v4(randomV4(r)));
        byte[] dst = WirePackets.embed(s.prefix(), s.prefixLength(), WirePackets.v4(randomV4(r)));
        List<Integer> types = new ArrayList<>();
        List<byte[]> exts = new ArrayList<>();
        if (r.nextInt(100) < 15) {
            types.add(WirePackets.HOP_BY_HOP);
            exts.add(WirePackets.extension(WirePackets.HOP_BY_HOP, r.nextInt(3), 0, new byte[0]));
        }
        if (r.nextInt(100) < 15) {
            types.add(WirePackets.DEST_OPTS);
            exts.add(WirePackets.extension(WirePackets.DEST_OPTS, r.nextInt(3), 0, new byte[0]));
        }
        if (r.nextInt(100) < 15) {
            types.add(WirePackets.ROUTING);
            exts.add(WirePackets.extension(WirePackets.ROUTING, r.nextInt(3), 0, bytes(r, 24)));
        }
        int[] t = types.stream().mapToInt(Integer::intValue).toArray();
        byte[][] e = exts.toArray(new byte[0][]);
        int tc = r.nextInt(256);
        int flow = r.nextInt(1 << 20);
        int hop = r.nextInt(100) < 3 ? r.nextInt(4) : r.nextInt(256);
        byte[] d = WirePackets.datagram6(tc, flow, hop, src, dst, t, e, protocol, seg, udpZero);
        int k = r.nextInt(100);
        List<byte[]> inputs;
        boolean fh = false;
        if (k < 20 && segLen >= 48) {
            int maxData = 24 + 8 * r.nextInt(Math.max(1, (segLen - 24) / 8));
            inputs = WirePackets.fragment6(tc, flow, hop, src, dst, t, e, protocol, seg, maxData, r.nextInt());
            fh = true;
        } else if (k < 25) {
            inputs = WirePackets.fragment6(tc, flow, hop, src, dst, t, e, protocol, seg, 1 << 16, r.nextInt());
            fh = true; // atomic fragment
        } else {
            inputs = List.of(d);
        }
        return new Case6(Ipv6.parse(d), seg, udpZero, fh, inputs);
    }

    // ---------------------------------------------------------------------------------------------
    // Expectations.

    /**
     * The header an expectation goes by: the datagram's own for a piece of fragmented ICMP, which is reassembled
     * and translated whole (RFC 7915 §4.2 / §5.2), else the piece's.
     */
    static Ipv4 reference4(List<Ipv4> pieces, int i) {
        return pieces.get(i).protocol == ICMP && pieces.get(i).isFragment() ? WirePackets.reassemble4(pieces)
                : pieces.get(i);
    }

    static Ipv6 reference6(List<Ipv6> pieces, int i) {
        return pieces.get(i).upper == ICMPV6 && pieces.get(i).isFragment() ? WirePackets.reassemble6(pieces)
                : pieces.get(i);
    }

    /** Whether piece {@code i} is held for reassembly: ICMP fragments all but the last (they come in order). */
    static boolean held4(List<Ipv4> pieces, int i) {
        return pieces.get(i).protocol == ICMP && pieces.get(i).isFragment() && i < pieces.size() - 1;
    }

    static boolean held6(List<Ipv6> pieces, int i) {
        return pieces.get(i).upper == ICMPV6 && pieces.get(i).isFragment() && i < pieces.size() - 1;
    }

    static List<Ipv4> parse4(List<byte[]> raw) {
        return raw.stream().map(Ipv4::parse).toList();
    }

    static List<Ipv6> parse6(List<byte[]> raw) {
        return raw.stream().map(Ipv6::parse).toList();
    }

    /** What RFC 7915 §4 makes of one IPv4 input packet: null when it is translated. */
    static Drop expected4(Ipv4 in, boolean udpZero) {
        int payload = in.totalLength - in.ihl;
        if (in.ttl <= 1) {
            return Drop.TTL_EXPIRED;
        }
        if (in.df && 40 + payload > IPV6_MTU) {
            return Drop.PACKET_TOO_BIG;
        }
        if (in.fragOffset == 0 && in.protocol == UDP && udpZero && in.isFragment()) {
            return Drop.UDP_ZERO_CHECKSUM; // RFC 7915 §4.5
        }
        return null;
    }

    static Verdict verdictFor4(Ipv4 in, Drop d) {
        if (d == null) {
            return Verdict.TRANSLATED;
        }
        boolean error = d == Drop.PACKET_TOO_BIG || d == Drop.TTL_EXPIRED && in.fragOffset == 0;
        return error ? Verdict.ICMP_ERROR : Verdict.DROPPED;
    }

    static Drop expected6(Ipv6 in, boolean udpZero) {
        int total = 20 + in.payload.length;
        if (in.hopLimit <= 1) {
            return Drop.TTL_EXPIRED;
        }
        if (!in.hasFragmentHeader && total > 1260 && total > IPV4_MTU) {
            return Drop.PACKET_TOO_BIG;
        }
        if (in.fragOffset == 0 && in.upper == UDP && udpZero) {
            return Drop.UDP_ZERO_CHECKSUM; // RFC 8200 §8.1: zero is invalid in IPv6
        }
        return null;
    }

    static Verdict verdictFor6(Ipv6 in, Drop d) {
        if (d == null) {
            return Verdict.TRANSLATED;
        }
        boolean error = d == Drop.PACKET_TOO_BIG || d == Drop.TTL_EXPIRED && in.fragOffset == 0;
        return error ? Verdict.ICMP_ERROR : Verdict.DROPPED;
    }

    /** One's-complement zero has two forms; a checksum field may legitimately come back as the other. */
    static boolean sameChecksum(int a, int b) {
        return a == b || (a == 0 && b == 0xFFFF) || (a == 0xFFFF && b == 0);
    }

    /**
     * Compares two segments of {@code protocol}: equal except the checksum and, if {@code typeChanged}, the
     * ICMP type byte. Across one translation the pseudo-header changes, so the checksum is only compared
     * after a round trip ({@code roundTrip}), as a one's-complement value; an IPv4 UDP zero checksum
     * comes back computed (RFC 7915 §4.5), so it is not compared either.
     */
    static void assertSameSegment(byte[] expected, byte[] actual, int protocol, boolean typeChanged,
            boolean roundTrip, String what) {
        assertEquals(expected.length, actual.length, what + ": segment length");
        int at = WirePackets.checksumOffset(protocol);
        byte[] e = expected.clone();
        byte[] a = actual.clone();
        if (at >= 0) {
            if (roundTrip && !(protocol == UDP && u16(expected, at) == 0)) {
                assertTrue(sameChecksum(u16(e, at), u16(a, at)), what + ": checksum " + Integer.toHexString(
                        u16(e, at)) + " became " + Integer.toHexString(u16(a, at)));
            }
            WirePackets.put16(e, at, 0);
            WirePackets.put16(a, at, 0);
        }
        if (typeChanged) {
            e[0] = 0;
            a[0] = 0;
        }
        assertArrayEquals(e, a, what + ": segment bytes");
    }

    // ---------------------------------------------------------------------------------------------
    // 4 -> 6 -> 4

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void ipv4RoundTripIsIdentityExceptTtlIdAndDf(Setup s) {
        Random r = new Random(SEED);
        Harness h = new Harness(s.config(), r);
        int roundTrips = 0;
        for (int i = 0; i < N; i++) {
            Case4 c = randomCase4(r);
            Ipv4 o = c.original();
            String ctx = "case " + i + " " + WirePackets.hex(o.raw, 48);
            List<Ipv6> v6 = new ArrayList<>();
            boolean all = true;
            List<Ipv4> pieces = parse4(c.inputs());
            for (int j = 0; j < pieces.size(); j++) {
                byte[] in = c.inputs().get(j);
                if (held4(pieces, j)) {
                    assertEquals(Verdict.HELD, h.run(in), ctx);
                    continue;
                }
                Ipv4 inH = reference4(pieces, j);
                Drop want = expected4(inH, c.udpZero());
                Verdict v = h.run(in);
                assertEquals(verdictFor4(inH, want), v, ctx);
                assertEquals(want, h.t.lastDrop(), ctx);
                if (v == Verdict.ICMP_ERROR) {
                    Ipv4 err = WirePackets.checkEmitted4(h.out.get(0));
                    assertEquals(ICMP, err.protocol, ctx);
                    assertArrayEquals(inH.src, err.dst, ctx + ": error goes back to the sender");
                    assertEquals(want == Drop.PACKET_TOO_BIG ? 3 : 11, err.payload[0] & 0xFF, ctx);
                }
                if (v != Verdict.TRANSLATED) {
                    all = false;
                    continue;
                }
                boolean fhExpected = inH.isFragment() || (!inH.df && 40 + inH.payload.length > LOWEST_IPV6_MTU);
                for (byte[] p : h.out) {
                    Ipv6 x = WirePackets.checkEmitted6(p);
                    assertTrue(p.length <= (fhExpected ? LOWEST_IPV6_MTU : IPV6_MTU), ctx + ": size " + p.length);
                    assertEquals(fhExpected, x.hasFragmentHeader, ctx + ": Fragment Header (RFC 7915 §4.1)");
                    assertEquals(0, x.extensionBytes - (x.hasFragmentHeader ? 8 : 0), ctx + ": other extensions");
                    if (x.hasFragmentHeader) {
                        assertEquals(inH.id, x.fragId, ctx + ": Fragment Header identification");
                    }
                    assertEquals(inH.tos, x.trafficClass, ctx + ": traffic class");
                    assertEquals(0, x.flowLabel, ctx + ": flow label");
                    assertEquals(inH.ttl - 1, x.hopLimit, ctx + ": hop limit");
                    assertEquals(o.protocol == ICMP ? ICMPV6 : o.protocol, x.upper, ctx + ": next header");
                    assertArrayEquals(WirePackets.embed(s.prefix(), s.prefixLength(), o.src), x.src, ctx);
                    assertArrayEquals(WirePackets.embed(s.prefix(), s.prefixLength(), o.dst), x.dst, ctx);
                    v6.add(x);
                }
            }
            if (!all) {
                continue;
            }
            Ipv6 whole6 = WirePackets.reassemble6(v6);
            WirePackets.checkL4(whole6.payload, whole6.upper, WirePackets.pseudo6(whole6.src, whole6.dst,
                    whole6.upper, whole6.payload.length), true, o.raw);
            assertSameSegment(o.payload, whole6.payload, o.protocol, o.protocol == ICMP, false, ctx + " 4->6");
            if (o.protocol == ICMP) {
                assertEquals((o.payload[0] & 0xFF) == 8 ? 128 : 129, whole6.payload[0] & 0xFF, ctx + ": echo type");
            }
            if (o.ttl < 3) {
                continue;
            }

            // ... and back.
            boolean fh6 = v6.get(0).hasFragmentHeader;
            List<Ipv4> back = new ArrayList<>();
            boolean allBack = true;
            for (int j = 0; j < v6.size(); j++) {
                // e.g. a large DF=0 echo became ICMPv6 fragments, reassembled on the way back (RFC 7915 §5.2)
                if (held6(v6, j)) {
                    assertEquals(Verdict.HELD, h.run(v6.get(j).raw), ctx + ": back to IPv4");
                    continue;
                }
                Ipv6 x = reference6(v6, j);
                Drop want = expected6(x, false);
                assertEquals(verdictFor6(x, want), h.run(v6.get(j).raw), ctx + ": back to IPv4, drop "
                        + h.t.lastDrop());
                assertEquals(want, h.t.lastDrop(), ctx);
                if (want != null) {
                    allBack = false;
                    continue;
                }
                for (byte[] p : h.out) {
                    Ipv4 y = WirePackets.checkEmitted4(p);
                    assertTrue(p.length <= IPV4_MTU, ctx);
                    back.add(y);
                }
            }
            if (!allBack) {
                continue;
            }
            Ipv4 whole4 = WirePackets.reassemble4(back);
            WirePackets.checkL4(whole4.payload, whole4.protocol, WirePackets.pseudo4(whole4.src, whole4.dst,
                    whole4.protocol, whole4.payload.length), true, o.raw);
            assertEquals(o.tos, whole4.tos, ctx + ": TOS");
            assertEquals(o.ttl - 2, whole4.ttl, ctx + ": TTL decremented twice");
            assertEquals(o.protocol, whole4.protocol, ctx);
            assertArrayEquals(o.src, whole4.src, ctx);
            assertArrayEquals(o.dst, whole4.dst, ctx);
            assertSameSegment(o.payload, whole4.payload, o.protocol, false, true, ctx + " 4->6->4");
            if (fh6) {
                // RFC 7915 §4.1 / §5.1.1: the identification travels in the Fragment Header and back.
                assertEquals(o.id, whole4.id, ctx + ": identification");
                assertFalse(whole4.df, ctx);
            } else {
                // RFC 7915 §5.1: no Fragment Header, so DF follows the 1260-byte rule and ID is new.
                assertEquals(whole4.totalLength > 1260, back.get(0).df, ctx + ": DF");
                assertFalse(back.get(0).isFragment(), ctx);
            }
            roundTrips++;
        }
        h.assertAccounting();
        assertTrue(roundTrips > N / 2, "too few round trips: " + roundTrips);
    }

    // ---------------------------------------------------------------------------------------------
    // 6 -> 4 -> 6

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void ipv6RoundTripIsIdentityExceptHopLimitAndFlowLabel(Setup s) {
        Random r = new Random(SEED + 1);
        Harness h = new Harness(s.config(), r);
        int roundTrips = 0;
        for (int i = 0; i < N; i++) {
            Case6 c = randomCase6(r, s);
            Ipv6 o = c.original();
            String ctx = "case " + i + " " + WirePackets.hex(o.raw, 48);
            List<Ipv4> v4 = new ArrayList<>();
            boolean all = true;
            List<Ipv6> pieces = parse6(c.inputs());
            for (int j = 0; j < pieces.size(); j++) {
                byte[] in = c.inputs().get(j);
                if (held6(pieces, j)) {
                    assertEquals(Verdict.HELD, h.run(in), ctx);
                    continue;
                }
                Ipv6 inH = reference6(pieces, j);
                Drop want = expected6(inH, c.udpZero());
                Verdict v = h.run(in);
                assertEquals(verdictFor6(inH, want), v, ctx);
                assertEquals(want, h.t.lastDrop(), ctx);
                if (v == Verdict.ICMP_ERROR) {
                    Ipv6 err = WirePackets.checkEmitted6(h.out.get(0));
                    assertEquals(ICMPV6, err.upper, ctx);
                    assertArrayEquals(inH.src, err.dst, ctx + ": error goes back to the sender");
                    assertEquals(want == Drop.PACKET_TOO_BIG ? 2 : 3, err.payload[0] & 0xFF, ctx);
                    assertTrue(err.raw.length <= 1280, ctx + ": RFC 4443 §2.4(c)");
                }
                if (v != Verdict.TRANSLATED) {
                    all = false;
                    continue;
                }
                for (byte[] p : h.out) {
                    Ipv4 x = WirePackets.checkEmitted4(p);
                    assertTrue(p.length <= IPV4_MTU, ctx + ": size " + p.length);
                    assertEquals(20, x.ihl, ctx);
                    assertEquals(inH.trafficClass, x.tos, ctx + ": TOS");
                    assertEquals(inH.hopLimit - 1, x.ttl, ctx + ": TTL");
                    assertEquals(o.upper == ICMPV6 ? ICMP : o.upper, x.protocol, ctx + ": protocol");
                    assertArrayEquals(Arrays.copyOfRange(o.src, s.prefixLength() == 96 ? 12 : 9,
                            s.prefixLength() == 96 ? 16 : 13), x.src, ctx);
                    if (inH.hasFragmentHeader) {
                        assertEquals(inH.fragId & 0xFFFF, x.id, ctx + ": identification, low 16 bits");
                        assertFalse(x.df, ctx + ": DF clear on a fragment (RFC 7915 §5.1.1)");
                    } else {
                        assertEquals(x.totalLength > 1260, x.df, ctx + ": DF (RFC 7915 §5.1)");
                        assertFalse(x.isFragment(), ctx);
                    }
                    v4.add(x);
                }
            }
            if (!all) {
                continue;
            }
            Ipv4 whole4 = WirePackets.reassemble4(v4);
            WirePackets.checkL4(whole4.payload, whole4.protocol, WirePackets.pseudo4(whole4.src, whole4.dst,
                    whole4.protocol, whole4.payload.length), true, o.raw);
            assertSameSegment(c.segment(), whole4.payload, o.upper, o.upper == ICMPV6, false, ctx + " 6->4");
            if (o.upper == ICMPV6) {
                assertEquals((c.segment()[0] & 0xFF) == 128 ? 8 : 0, whole4.payload[0] & 0xFF, ctx + ": echo type");
            }
            if (o.hopLimit < 3) {
                continue;
            }

            List<Ipv6> back = new ArrayList<>();
            boolean allBack = true;
            for (int j = 0; j < v4.size(); j++) {
                // e.g. extension headers are gone, DF is set above 1260 bytes, and the way back is too big
                if (held4(v4, j)) {
                    assertEquals(Verdict.HELD, h.run(v4.get(j).raw), ctx + ": back to IPv6");
                    continue;
                }
                Ipv4 x = reference4(v4, j);
                Drop want = expected4(x, false);
                assertEquals(verdictFor4(x, want), h.run(v4.get(j).raw), ctx + ": back to IPv6, drop "
                        + h.t.lastDrop());
                assertEquals(want, h.t.lastDrop(), ctx);
                if (want != null) {
                    allBack = false;
                    continue;
                }
                for (byte[] p : h.out) {
                    back.add(WirePackets.checkEmitted6(p));
                }
            }
            if (!allBack) {
                continue;
            }
            Ipv6 whole6 = WirePackets.reassemble6(back);
            WirePackets.checkL4(whole6.payload, whole6.upper, WirePackets.pseudo6(whole6.src, whole6.dst,
                    whole6.upper, whole6.payload.length), true, o.raw);
            assertEquals(o.trafficClass, whole6.trafficClass, ctx + ": traffic class");
            assertEquals(0, whole6.flowLabel, ctx + ": flow label (RFC 7915 §4.1: zero)");
            assertEquals(o.hopLimit - 2, whole6.hopLimit, ctx + ": hop limit decremented twice");
            assertEquals(o.upper, whole6.upper, ctx);
            assertArrayEquals(o.src, whole6.src, ctx);
            assertArrayEquals(o.dst, whole6.dst, ctx);
            assertSameSegment(c.segment(), whole6.payload, o.upper, false, true, ctx + " 6->4->6");
            if (c.fragmentHeader() && back.get(0).hasFragmentHeader) {
                assertEquals(Ipv6.parse(c.inputs().get(0)).fragId & 0xFFFF, whole6.fragId, ctx + ": identification");
            }
            roundTrips++;
        }
        h.assertAccounting();
        assertTrue(roundTrips > N / 2, "too few round trips: " + roundTrips);
    }

    // ---------------------------------------------------------------------------------------------
    // ICMP errors in transit: the translated error and the packet inside it are well formed.

    static byte[] quote(byte[] p, Random r) {
        return Arrays.copyOf(p, Math.min(p.length, 28 + r.nextInt(520)));
    }

    static byte[] randomIcmp4Error(Random r, Setup s) {
        Case4 inner = randomCase4(r);
        byte[] q = quote(inner.original().raw, r);
        int[][] kinds = {{3, 0}, {3, 1}, {3, 3}, {3, 4}, {3, 9}, {3, 13}, {11, 0}, {11, 1}, {12, 0}};
        int[] k = kinds[r.nextInt(kinds.length)];
        long rest = k[0] == 3 && k[1] == 4 ? 576 + r.nextInt(1000) : k[0] == 12 ? 9L << 24 : 0;
        byte[] icmp = WirePackets.icmp(k[0], k[1], rest, q);
        WirePackets.finishL4(icmp, ICMP, 0, false);
        // from a router (random) to the inner packet's source, which sent the quoted packet
        return WirePackets.ipv4(0, r.nextInt(65536), false, false, 0, 2 + r.nextInt(250), ICMP,
                WirePackets.v4(randomV4(r)), inner.original().src, new byte[0], icmp);
    }

    static byte[] randomIcmp6Error(Random r, Setup s) {
        Case6 inner = randomCase6(r, s);
        byte[] q = quote(inner.original().raw, r);
        int[][] kinds = {{1, 0}, {1, 1}, {1, 3}, {1, 4}, {2, 0}, {3, 0}, {3, 1}, {4, 0}, {4, 1}};
        int[] k = kinds[r.nextInt(kinds.length)];
        long rest = k[0] == 2 ? 1280 + r.nextInt(200) : k[0] == 4 && k[1] == 0 ? 24 : 0;
        byte[] src = WirePackets.embed(s.prefix(), s.prefixLength(), WirePackets.v4(randomV4(r)));
        byte[] icmp = WirePackets.icmp(k[0], k[1], rest, q);
        return WirePackets.datagram6(0, 0, 2 + r.nextInt(250), src, inner.original().src, new int[0],
                new byte[0][], ICMPV6, icmp, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void translatedIcmpErrorsAreWellFormed(Setup s) {
        Random r = new Random(SEED + 2);
        Harness h = new Harness(s.config(), r);
        int translated = 0;
        for (int i = 0; i < N / 4; i++) {
            boolean v4 = r.nextBoolean();
            byte[] p = v4 ? randomIcmp4Error(r, s) : randomIcmp6Error(r, s);
            Verdict v = h.run(p);
            if (v != Verdict.TRANSLATED) {
                continue;
            }
            translated++;
            assertEquals(1, h.out.size());
            if (v4) {
                Ipv6 x = WirePackets.checkEmitted6(h.out.get(0));
                assertEquals(ICMPV6, x.upper);
                assertTrue(x.raw.length <= 1280, "RFC 4443 §2.4(c)");
                assertEquals(6, (x.payload[8] & 0xF0) >>> 4, "inner packet is IPv6");
            } else {
                Ipv4 x = WirePackets.checkEmitted4(h.out.get(0));
                assertEquals(ICMP, x.protocol);
                assertTrue(x.raw.length <= 576, "RFC 1812 §4.3.2.3");
                assertEquals(4, (x.payload[8] & 0xF0) >>> 4, "inner packet is IPv4");
                assertEquals(0x45, x.payload[8] & 0xFF, "inner IPv4 header without options");
                byte[] inner = Arrays.copyOfRange(x.payload, 8, 28);
                assertTrue(WirePackets.verifies(WirePackets.sum(inner, 0, 20)), "inner IPv4 header checksum");
            }
        }
        h.assertAccounting();
        assertTrue(translated > N / 8, "too few ICMP errors translated: " + translated);
    }

    // ---------------------------------------------------------------------------------------------
    // Robustness: garbage, truncation and mutation never throw, and every packet is counted.

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void garbageAndMutatedPacketsNeverThrowAndAreAllCounted(Setup s) {
        Random r = new Random(SEED + 3);
        Harness h = new Harness(s.config(), r);
        for (int i = 0; i < 4 * N; i++) {
            byte[] p;
            int kind = r.nextInt(6);
            byte[] seed = switch (r.nextInt(4)) {
                case 0 -> randomCase4(r).inputs().get(0);
                case 1 -> randomCase6(r, s).inputs().get(0);
                case 2 -> randomIcmp4Error(r, s);
                default -> randomIcmp6Error(r, s);
            };
            switch (kind) {
                case 0 -> { // garbage, often with a plausible version
                    p = bytes(r, r.nextInt(120));
                    if (p.length > 0 && r.nextBoolean()) {
                        p[0] = (byte) (r.nextBoolean() ? 0x45 : 0x60 | p[0] & 0x0F);
                    }
                }
                case 1 -> p = Arrays.copyOf(seed, r.nextInt(seed.length + 1)); // truncated
                case 2, 3 -> { // a few bytes flipped (the IPv4 header checksum is refreshed half the time)
                    p = seed.clone();
                    int flips = 1 + r.nextInt(4);
                    int span = Math.min(p.length, r.nextBoolean() ? 60 : p.length);
                    for (int f = 0; f < flips; f++) {
                        p[r.nextInt(span)] ^= (byte) (1 << r.nextInt(8));
                    }
                    if ((p[0] & 0xF0) == 0x40 && r.nextBoolean()) {
                        fixIpv4HeaderChecksum(p);
                    }
                }
                case 4 -> { // length fields lie
                    p = seed.clone();
                    if ((p[0] & 0xF0) == 0x40) {
                        WirePackets.put16(p, 2, r.nextInt(65536));
                        fixIpv4HeaderChecksum(p);
                    } else if (p.length >= 6) {
                        WirePackets.put16(p, 4, r.nextInt(65536));
                    }
                }
                default -> { // a quoted packet mutated inside an otherwise valid ICMP error
                    p = r.nextBoolean() ? randomIcmp4Error(r, s) : randomIcmp6Error(r, s);
                    int inner = (p[0] & 0xF0) == 0x40 ? 28 : 48;
                    for (int f = 0; f < 3 && p.length > inner; f++) {
                        p[inner + r.nextInt(Math.min(60, p.length - inner))] = (byte) r.nextInt(256);
                    }
                    if (r.nextBoolean() && p.length > inner - 3) {
                        p[inner - 3] = (byte) r.nextInt(256); // RFC 4884 length
                    }
                }
            }
            h.run(p);
            for (byte[] e : h.out) {
                checkEmittedLoosely(e);
            }
        }
        h.assertCounted();
    }

    static void fixIpv4HeaderChecksum(byte[] p) {
        int ihl = (p[0] & 0x0F) * 4;
        if (ihl >= 20 && ihl <= p.length) {
            WirePackets.put16(p, 10, 0);
            WirePackets.put16(p, 10, WirePackets.checksumOf(WirePackets.sum(p, 0, ihl)));
        }
    }

    /**
     * From garbage in, the translator may pass on wrong transport checksums it only adjusts; but the IP
     * header it writes must be right, and an ICMP error it builds from scratch must verify.
     */
    static void checkEmittedLoosely(byte[] e) {
        if ((e[0] & 0xF0) == 0x40) {
            Ipv4 x = Ipv4.parse(e);
            if (x.protocol == ICMP && !x.isFragment() && x.payload.length >= 8) {
                int type = x.payload[0] & 0xFF;
                if (type == 3 || type == 11 || type == 12) {
                    WirePackets.checkL4(x.payload, ICMP, 0, true, e);
                }
            }
        } else {
            Ipv6 x = Ipv6.parse(e);
            if (x.upper == ICMPV6 && !x.isFragment() && x.payload.length >= 8 && (x.payload[0] & 0xFF) < 128) {
                WirePackets.checkL4(x.payload, ICMPV6, WirePackets.pseudo6(x.src, x.dst, ICMPV6,
                        x.payload.length), true, e);
            }
        }
    }
}
