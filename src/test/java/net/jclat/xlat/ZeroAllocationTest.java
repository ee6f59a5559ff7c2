package net.jclat.xlat;

import static net.jclat.xlat.WirePackets.ICMP;
import static net.jclat.xlat.WirePackets.ICMPV6;
import static net.jclat.xlat.WirePackets.TCP;
import static net.jclat.xlat.WirePackets.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md "zero allocation per packet": a million mixed packets through one translator on one thread
 * allocate nothing on that thread, once the JIT has compiled the hot path. The packets are prepared once in
 * direct buffers and copied into the work buffer before each call (translation is in place); the sink only
 * adds up lengths.
 */
class ZeroAllocationTest {
    private static final int PACKETS = 1_000_000;
    private static final int OFF = Translator.HEADROOM;

    static final byte[] CLAT4 = WirePackets.v4("192.0.0.1");
    static final byte[] CLAT6 = Addresses6.bytes("2001:db8:1::c");
    static final byte[] REMOTE4 = WirePackets.v4("93.184.216.34");
    static final byte[] REMOTE4B = WirePackets.v4("1.1.1.1");
    static final byte[] WKP = Arrays.copyOf(new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b}, 16);

    /** The CLAT configuration of RFC 6877 with an IPv6 link that carries 1500-byte IPv4 packets whole. */
    static XlatConfig clatConfig() {
        return XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1", "2001:db8:1::c")
                .pref64ForLocal(false).translatorIpv6(Ipv6Prefix.parse("2001:db8:1::1")).ipv6Mtu(1520)
                .icmpErrorsPerSecond(0) // the expected verdicts assume every error is sent
                .build();
    }

    static byte[] remote6(byte[] v4) {
        return WirePackets.embed(WKP, 96, v4);
    }

    static byte[] fill(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** The mix, each with a name and the verdict it must get. */
    record Sample(String name, byte[] packet, Verdict verdict, int weight) {
    }

    static List<Sample> samples() {
        Random r = new Random(42);
        List<Sample> s = new ArrayList<>();
        byte[] none = new byte[0];
        s.add(new Sample("udp4 64B", WirePackets.datagram4(0, 1, true, 64, UDP, CLAT4, REMOTE4, none,
                WirePackets.udp(40000, 53, fill(r, 64 - 28)), false), Verdict.TRANSLATED, 30));
        s.add(new Sample("tcp4 1500B", WirePackets.datagram4(0, 2, true, 64, TCP, CLAT4, REMOTE4, none,
                WirePackets.tcp(40001, 443, 1, 0x10, fill(r, 1500 - 40)), false), Verdict.TRANSLATED, 20));
        s.add(new Sample("echo4", WirePackets.datagram4(0, 3, false, 64, ICMP, CLAT4, REMOTE4, none,
                WirePackets.icmp(8, 0, 0x1234_0001L, fill(r, 56)), false), Verdict.TRANSLATED, 10));
        s.add(new Sample("udp6 64B", WirePackets.datagram6(0, 0, 64, remote6(REMOTE4), CLAT6, new int[0],
                new byte[0][], UDP, WirePackets.udp(53, 40000, fill(r, 64 - 48)), false), Verdict.TRANSLATED, 30));
        s.add(new Sample("tcp6 1500B", WirePackets.datagram6(0, 0, 64, remote6(REMOTE4), CLAT6, new int[0],
                new byte[0][], TCP, WirePackets.tcp(443, 40001, 7, 0x10, fill(r, 1500 - 60)), false),
                Verdict.TRANSLATED, 20));
        s.add(new Sample("echo6", WirePackets.datagram6(0, 0, 64, remote6(REMOTE4), CLAT6, new int[0],
                new byte[0][], ICMPV6, WirePackets.icmp(129, 0, 0x1234_0001L, fill(r, 56)), false),
                Verdict.TRANSLATED, 10));
        // DF clear and larger than 1280 as IPv6: fragmented by the translator (RFC 7915 §4.1).
        s.add(new Sample("udp4 1400B DF=0, fragmented", WirePackets.datagram4(0, 4, false, 64, UDP, CLAT4,
                REMOTE4, none, WirePackets.udp(40002, 4500, fill(r, 1400 - 28)), false), Verdict.TRANSLATED, 2));
        // An IPv4 fragment and an IPv6 fragment.
        s.add(new Sample("udp4 fragment", WirePackets.fragment4(WirePackets.datagram4(0, 5, false, 64, UDP,
                CLAT4, REMOTE4, none, WirePackets.udp(40003, 4500, fill(r, 600)), false), 256).get(0),
                Verdict.TRANSLATED, 2));
        byte[] seg6 = WirePackets.udp(4500, 40003, fill(r, 600));
        WirePackets.finishL4(seg6, UDP, WirePackets.pseudo6(remote6(REMOTE4), CLAT6, UDP, seg6.length), false);
        s.add(new Sample("udp6 fragment", WirePackets.fragment6(0, 0, 64, remote6(REMOTE4), CLAT6, new int[0],
                new byte[0][], UDP, seg6, 256, 77).get(1), Verdict.TRANSLATED, 2));
        // ICMP errors in transit, both ways.
        // a LAN host answers a remote one (outbound error), a remote router answers the CLAT (inbound)
        byte[] quoted4 = WirePackets.datagram4(0, 6, true, 63, UDP, REMOTE4B, CLAT4, none,
                WirePackets.udp(40004, 53, fill(r, 40)), false);
        byte[] err4 = WirePackets.icmp(3, 3, 0, quoted4);
        WirePackets.finishL4(err4, ICMP, 0, false);
        s.add(new Sample("icmp4 port unreachable", WirePackets.ipv4(0, 7, false, false, 0, 60, ICMP, CLAT4,
                REMOTE4B, none, err4), Verdict.TRANSLATED, 2));
        byte[] quoted6 = WirePackets.datagram6(0, 0, 63, CLAT6, remote6(REMOTE4B), new int[0], new byte[0][],
                UDP, WirePackets.udp(40005, 53, fill(r, 40)), false);
        s.add(new Sample("icmp6 packet too big", WirePackets.datagram6(0, 0, 60, remote6(REMOTE4), CLAT6,
                new int[0], new byte[0][], ICMPV6, WirePackets.icmp(2, 0, 1400, quoted6), false),
                Verdict.TRANSLATED, 2));
        // Errors the translator makes itself, and a plain drop.
        s.add(new Sample("udp4 TTL 1", WirePackets.datagram4(0, 8, true, 1, UDP, CLAT4, REMOTE4, none,
                WirePackets.udp(40006, 33434, fill(r, 32)), false), Verdict.ICMP_ERROR, 1));
        s.add(new Sample("udp6 hop limit 1", WirePackets.datagram6(0, 0, 1, remote6(REMOTE4), CLAT6, new int[0],
                new byte[0][], UDP, WirePackets.udp(33434, 40006, fill(r, 32)), false), Verdict.ICMP_ERROR, 1));
        s.add(new Sample("udp4 from a foreign local address", WirePackets.datagram4(0, 9, true, 64, UDP,
                WirePackets.v4("10.9.9.9"), REMOTE4, none, WirePackets.udp(1, 2, fill(r, 32)), false),
                Verdict.DROPPED, 1));
        // A source with no IPv6 form answered (RFC 7915 §5.4), an address no router forwards, a bad quote.
        s.add(new Sample("udp6 from a WKP non-global source", WirePackets.datagram6(0, 0, 64,
                remote6(WirePackets.v4("10.1.2.3")), CLAT6, new int[0], new byte[0][], UDP,
                WirePackets.udp(53, 40007, fill(r, 32)), false), Verdict.ICMP_ERROR, 1));
        s.add(new Sample("udp4 to a link-local destination", WirePackets.datagram4(0, 10, true, 64, UDP, CLAT4,
                WirePackets.v4("169.254.1.1"), none, WirePackets.udp(1, 2, fill(r, 32)), false), Verdict.DROPPED, 1));
        byte[] loopQuote = WirePackets.datagram4(0, 11, true, 63, UDP, WirePackets.v4("127.0.0.1"), CLAT4, none,
                WirePackets.udp(40008, 53, fill(r, 40)), false);
        byte[] loopErr = WirePackets.icmp(3, 3, 0, loopQuote);
        WirePackets.finishL4(loopErr, ICMP, 0, false);
        s.add(new Sample("icmp4 quoting a loopback source", WirePackets.ipv4(0, 12, false, false, 0, 60, ICMP,
                CLAT4, REMOTE4B, none, loopErr), Verdict.DROPPED, 1));
        return s;
    }

    private long emittedBytes;
    private final PacketSink sink = (b, o, l) -> emittedBytes += l;

    @Test
    void aMillionMixedPacketsAllocateNothing() {
        List<Sample> samples = samples();
        Translator t = new Translator(clatConfig(), new Counters());
        ByteBuffer work = ByteBuffer.allocateDirect(OFF + 65536);
        ByteBuffer[] prepared = new ByteBuffer[samples.size()];
        int[] lengths = new int[samples.size()];
        Verdict[] expected = new Verdict[samples.size()];
        for (int i = 0; i < prepared.length; i++) {
            byte[] p = samples.get(i).packet();
            prepared[i] = ByteBuffer.allocateDirect(p.length).put(0, p);
            lengths[i] = p.length;
            expected[i] = samples.get(i).verdict();
            work.put(OFF, p);
            assertEquals(expected[i], t.translate(work, OFF, p.length, sink),
                    samples.get(i).name() + ": " + t.lastDrop());
        }
        // A fixed, shuffled schedule following the weights, so the JIT sees the real mix.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            for (int w = 0; w < samples.get(i).weight(); w++) {
                order.add(i);
            }
        }
        java.util.Collections.shuffle(order, new Random(7));
        int[] schedule = order.stream().mapToInt(Integer::intValue).toArray();

        for (int round = 0; round < 5; round++) {
            run(t, work, prepared, lengths, expected, schedule, 200_000);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = -1;
        long[] attempts = new long[3];
        int used = 0;
        // Up to three measurements: a late JIT event (an OSR, a deoptimisation) may allocate once.
        for (int attempt = 0; attempt < attempts.length && allocated != 0; attempt++) {
            long before = mx.getThreadAllocatedBytes(tid);
            long bogus = mx.getThreadAllocatedBytes(tid);
            long overhead = bogus - before; // what the measuring call itself costs
            long start = mx.getThreadAllocatedBytes(tid);
            long mismatches = run(t, work, prepared, lengths, expected, schedule, PACKETS);
            long end = mx.getThreadAllocatedBytes(tid);
            assertEquals(0, mismatches, "verdicts differ from the expected ones");
            allocated = end - start - overhead;
            attempts[attempt] = allocated;
            used++;
        }
        System.out.printf("ZeroAllocationTest: %d packets, allocated bytes per attempt %s, emitted %d bytes%n",
                PACKETS, Arrays.toString(Arrays.copyOf(attempts, used)), emittedBytes);
        assertEquals(0, allocated, "bytes allocated on the translating thread for " + PACKETS + " packets");
        assertTrue(t.counters().get(Counters.FRAGMENTS_MADE) > 0, "fragments were made");
        assertTrue(t.counters().get(Counters.ICMP4_ERRORS_SENT) > 0, "ICMPv4 errors were sent");
        assertTrue(t.counters().get(Counters.ICMP6_ERRORS_SENT) > 0, "ICMPv6 errors were sent");
    }

    /**
     * The offload path allocates nothing either: super-packets translated whole both ways, one cut into
     * segments (DF clear: its segments become IPv6 fragments), a single packet with a partial checksum, a
     * plain one. The segment buffer is allocated on the first offload packet, before the measurement.
     */
    @Test
    void offloadedPacketsAllocateNothing() {
        Random r = new Random(9);
        byte[] none = new byte[0];
        int v = VirtioNetHeader.LENGTH;
        List<byte[]> packets = new ArrayList<>();
        byte[] tcp4 = WirePackets.tcp(40001, 443, 1, 0x10, fill(r, 30_000));
        packets.add(withHeader(1, VirtioNetHeader.GSO_TCPV4, 1400, 20, 16, WirePackets.datagram4(0, 2, true, 64,
                TCP, CLAT4, REMOTE4, none, tcp4, false)));
        byte[] tcp6 = WirePackets.tcp(443, 40001, 7, 0x10, fill(r, 30_000));
        packets.add(withHeader(1, VirtioNetHeader.GSO_TCPV6, 1400, 40, 16, WirePackets.datagram6(0, 0, 64,
                remote6(REMOTE4), CLAT6, new int[0], new byte[0][], TCP, tcp6, false)));
        packets.add(withHeader(1, VirtioNetHeader.GSO_TCPV4, 1460, 20, 16, WirePackets.datagram4(0, 3, false, 64,
                TCP, CLAT4, REMOTE4, none, WirePackets.tcp(40001, 443, 1, 0x10, fill(r, 5000)), false)));
        packets.add(withHeader(1, 0, 0, 20, 6, WirePackets.datagram4(0, 4, true, 64, UDP, CLAT4, REMOTE4, none,
                WirePackets.udp(40000, 53, fill(r, 36)), false)));
        packets.add(withHeader(0, 0, 0, 0, 0, WirePackets.datagram4(0, 5, true, 64, UDP, CLAT4, REMOTE4, none,
                WirePackets.udp(40000, 53, fill(r, 36)), false)));
        Translator t = new Translator(clatConfig(), new Counters());
        ByteBuffer work = ByteBuffer.allocateDirect(OFF + v + 65536);
        ByteBuffer[] prepared = new ByteBuffer[packets.size()];
        for (int i = 0; i < prepared.length; i++) {
            prepared[i] = ByteBuffer.allocateDirect(packets.get(i).length).put(0, packets.get(i));
        }
        int n = 40_000;
        runVnet(t, work, prepared, n);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = -1;
        for (int attempt = 0; attempt < 3 && allocated != 0; attempt++) {
            long before = mx.getThreadAllocatedBytes(tid);
            long overhead = mx.getThreadAllocatedBytes(tid) - before;
            long start = mx.getThreadAllocatedBytes(tid);
            long wrong = runVnet(t, work, prepared, n);
            allocated = mx.getThreadAllocatedBytes(tid) - start - overhead;
            assertEquals(0, wrong, "every offloaded packet translates");
        }
        assertEquals(0, allocated, "bytes allocated on the translating thread for " + n + " offloaded packets");
        assertTrue(t.counters().get(Counters.GSO_TRANSLATED_WHOLE) > 0, "super-packets went through whole");
        assertTrue(t.counters().get(Counters.GSO_SEGMENTED) > 0, "a super-packet was segmented");
    }

    /**
     * Fragmented ICMP is reassembled in a buffer allocated once (on the first such fragment, before the
     * measurement): 3000-byte pings both ways, their fragments out of order, allocate nothing per packet.
     */
    @Test
    void reassembledIcmpAllocatesNothing() {
        Random r = new Random(11);
        byte[] none = new byte[0];
        List<byte[]> v4 = WirePackets.fragment4(WirePackets.datagram4(0, 0x99, false, 64, ICMP, CLAT4, REMOTE4, none,
                WirePackets.icmp(8, 0, 0x1234_0001L, fill(r, 3000)), false), 1480);
        byte[] seg6 = WirePackets.icmp(129, 0, 0x1234_0001L, fill(r, 3000));
        WirePackets.finishL4(seg6, ICMPV6, WirePackets.pseudo6(remote6(REMOTE4), CLAT6, ICMPV6, seg6.length), false);
        List<byte[]> v6 = WirePackets.fragment6(0, 0, 64, remote6(REMOTE4), CLAT6, new int[0], new byte[0][], ICMPV6,
                seg6, 1232, 0x99);
        List<byte[]> order = List.of(v4.get(2), v4.get(0), v4.get(1), v6.get(1), v6.get(2), v6.get(0));
        Verdict[] expected = {Verdict.HELD, Verdict.HELD, Verdict.TRANSLATED, Verdict.HELD, Verdict.HELD,
                Verdict.TRANSLATED};
        ByteBuffer[] prepared = new ByteBuffer[order.size()];
        int[] lengths = new int[order.size()];
        int[] schedule = new int[order.size()];
        for (int i = 0; i < prepared.length; i++) {
            prepared[i] = ByteBuffer.allocateDirect(order.get(i).length).put(0, order.get(i));
            lengths[i] = order.get(i).length;
            schedule[i] = i;
        }
        Translator t = new Translator(clatConfig(), new Counters());
        ByteBuffer work = ByteBuffer.allocateDirect(OFF + 65536);
        assertEquals(0, run(t, work, prepared, lengths, expected, schedule, 300_000), "verdicts while warming up");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = -1;
        for (int attempt = 0; attempt < 3 && allocated != 0; attempt++) {
            long before = mx.getThreadAllocatedBytes(tid);
            long overhead = mx.getThreadAllocatedBytes(tid) - before;
            long start = mx.getThreadAllocatedBytes(tid);
            long wrong = run(t, work, prepared, lengths, expected, schedule, 600_000);
            allocated = mx.getThreadAllocatedBytes(tid) - start - overhead;
            assertEquals(0, wrong, "verdicts differ from the expected ones");
        }
        assertEquals(0, allocated, "bytes allocated on the translating thread for 600000 ICMP fragments");
        assertTrue(t.counters().get(Counters.REASSEMBLED) >= 200_000, "datagrams were reassembled");
        assertEquals(0, t.counters().droppedTotal(), "nothing dropped");
    }

    /** The packet (its TCP/UDP checksum turned partial when flags say NEEDS_CSUM) behind a virtio-net header. */
    private static byte[] withHeader(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset, byte[] ip) {
        ByteBuffer h = ByteBuffer.allocate(VirtioNetHeader.LENGTH + ip.length);
        VirtioNetHeader.write(h, 0, flags, gsoType, 0, gsoSize, csumStart, csumOffset);
        h.put(VirtioNetHeader.LENGTH, ip);
        if (flags != 0) {
            int l4 = VirtioNetHeader.LENGTH + csumStart;
            int end = h.capacity();
            long pseudo = (ip[0] & 0xF0) == 0x40 ? Checksum.sum(h, VirtioNetHeader.LENGTH + 12, 8)
                    : Checksum.sum(h, VirtioNetHeader.LENGTH + 8, 32);
            h.putShort(l4 + csumOffset, (short) Checksum.fold(pseudo + (csumOffset == 16 ? 6 : 17) + end - l4));
        }
        return h.array();
    }

    private long runVnet(Translator t, ByteBuffer work, ByteBuffer[] prepared, int n) {
        long wrong = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer p = prepared[i % prepared.length];
            work.put(OFF, p, 0, p.capacity());
            int v = VirtioNetHeader.LENGTH;
            if (t.translateVnet(work, OFF + v, p.capacity() - v, sink) != Verdict.TRANSLATED) {
                wrong++;
            }
        }
        return wrong;
    }

    /** Translates {@code n} packets from the schedule; returns how many got an unexpected verdict. */
    private long run(Translator t, ByteBuffer work, ByteBuffer[] prepared, int[] lengths, Verdict[] expected,
            int[] schedule, int n) {
        long mismatches = 0;
        int s = 0;
        for (int i = 0; i < n; i++) {
            int k = schedule[s];
            s = s + 1 == schedule.length ? 0 : s + 1;
            work.put(OFF, prepared[k], 0, lengths[k]);
            if (t.translate(work, OFF, lengths[k], sink) != expected[k]) {
                mismatches++;
            }
        }
        return mismatches;
    }

    /** IPv6 text to bytes through the production parser (not under test here). */
    static final class Addresses6 {
        static byte[] bytes(String text) {
            long[] a = Addresses.parseIpv6(text);
            byte[] out = new byte[16];
            ByteBuffer.wrap(out).putLong(a[0]).putLong(a[1]);
            return out;
        }
    }
}
