package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.put16;
import static net.jclat.xlat.PacketBuilder.v4;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * User-space UDP GRO, byte-exact: datagrams merged, the super-packet translated once, then cut into segments
 * the way the kernel's UDP GSO does ({@link GsoSegmenter}, its user-space twin) must give exactly what
 * translating each datagram on its own gives — and what must not merge does not.
 */
class UdpCoalescerTest {
    private static final int UDP = 17;
    private static final int AT = Translator.HEADROOM + VirtioNetHeader.LENGTH;

    private static byte[] datagram4(int sport, byte[] data) {
        return PacketBuilder.ipv4(H4, R4).df(true).ttl(64)
                .payload(UDP, PacketBuilder.udp4(v4(H4), v4(R4), sport, 53, data)).build();
    }

    private static byte[] datagram6(int sport, byte[] data) {
        return PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).hopLimit(64)
                .payload(UDP, PacketBuilder.udp6(v6(R4_AS_V6), v6(H4_AS_V6), sport, 53, data)).build();
    }

    /** A worker's buffer: garbage around, a "nothing to do" virtio-net header, the packet at {@link #AT}. */
    private static ByteBuffer read(byte[] packet) {
        ByteBuffer b = ByteBuffer.allocateDirect(AT + 65536);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) 0xA5);
        }
        b.put(Translator.HEADROOM, new byte[VirtioNetHeader.LENGTH]);
        b.put(AT, packet);
        return b;
    }

    /** Coalesces the datagrams as a worker does; returns the held buffer's packet length, or -1 if refused. */
    private static int coalesce(UdpCoalescer c, ByteBuffer first, List<byte[]> datagrams) {
        if (!c.start(first, AT, datagrams.get(0).length)) {
            return -1;
        }
        for (int i = 1; i < datagrams.size(); i++) {
            byte[] d = datagrams.get(i);
            assertTrue(c.append(read(d), AT, d.length), "datagram " + i + " merges");
        }
        return c.finish();
    }

    /** Translates each datagram alone, the way it would go without merging. */
    private static List<byte[]> alone(List<byte[]> datagrams) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] d : datagrams) {
            VnetRun r = VnetRun.run(siitConfig(), new byte[10], d);
            assertEquals(1, r.out.size());
            out.add(VnetRun.packetOf(r.out.get(0)));
        }
        return out;
    }

    /** Cuts a translated UDP_L4 super-packet (with its header) into its datagrams, as the kernel does after us. */
    private static List<byte[]> segments(byte[] withHeader) {
        ByteBuffer b = ByteBuffer.allocateDirect(withHeader.length + 64);
        b.put(0, withHeader);
        int ip = VirtioNetHeader.LENGTH;
        int l4 = ip + VirtioNetHeader.csumStart(b, 0);
        int size = VirtioNetHeader.gsoSize(b, 0);
        int end = withHeader.length;
        ByteBuffer out = ByteBuffer.allocateDirect(70000);
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < GsoSegmenter.count(end - l4 - 8, size); i++) {
            int n = GsoSegmenter.build(b, ip, l4, 8, end, size, false, i, out, 0);
            byte[] seg = new byte[n];
            out.get(0, seg);
            list.add(seg);
        }
        return list;
    }

    @Test
    void ipv4DatagramsOfOneFlowBecomeOneSuperPacketWhoseSegmentsAreExactlyTheDatagramsTranslatedAlone() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            datagrams.add(datagram4(40000, bytes(i < 4 ? 64 : 30, i)));
        }
        Counters counters = new Counters();
        ByteBuffer held = read(datagrams.get(0));
        int len = coalesce(new UdpCoalescer(counters), held, datagrams);

        assertEquals(20 + 8 + 4 * 64 + 30, len);
        assertEquals(4, counters.get(Counters.UDP_COALESCED));
        // The kernel's UDP GSO form: NEEDS_CSUM, UDP_L4, hdr_len 28, gso_size 64, csum_start 20, csum_offset 6.
        byte[] header = new byte[10];
        held.get(Translator.HEADROOM, header);
        assertArrayEquals(VnetRun.header(1, 5, 28, 64, 20, 6), header);
        byte[] superPacket = new byte[len];
        held.get(AT, superPacket);
        assertEquals(len, get16(superPacket, 2), "IPv4 total length of the whole");
        assertEquals(len - 20, get16(superPacket, 24), "UDP length of the whole");

        VnetRun r = VnetRun.run(siitConfig(), header, superPacket);
        assertEquals(Verdict.TRANSLATED, r.verdict);
        assertEquals(1, r.out.size(), "one write for five datagrams");
        assertArrayEquals(VnetRun.header(1, 5, 48, 64, 40, 6), VnetRun.headerOf(r.out.get(0)));
        List<byte[]> cut = segments(r.out.get(0));
        List<byte[]> expected = alone(datagrams);
        assertEquals(expected.size(), cut.size());
        for (int i = 0; i < cut.size(); i++) {
            assertArrayEquals(expected.get(i), cut.get(i), "datagram " + i);
        }
    }

    @Test
    void ipv6DatagramsMergeTooAndTheirIpv4SegmentsDifferFromTheAloneOnesOnlyInIdentification() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            datagrams.add(datagram6(5353, bytes(100, 7 * i)));
        }
        Counters counters = new Counters();
        ByteBuffer held = read(datagrams.get(0));
        int len = coalesce(new UdpCoalescer(counters), held, datagrams);
        assertEquals(40 + 8 + 300, len);
        byte[] header = new byte[10];
        held.get(Translator.HEADROOM, header);
        byte[] superPacket = new byte[len];
        held.get(AT, superPacket);
        assertEquals(308, get16(superPacket, 4), "IPv6 payload length of the whole");

        VnetRun r = VnetRun.run(siitConfig(), header, superPacket);
        assertEquals(1, r.out.size());
        List<byte[]> cut = segments(r.out.get(0));
        List<byte[]> expected = alone(datagrams);
        assertEquals(3, cut.size());
        for (int i = 0; i < 3; i++) {
            byte[] a = withoutIdentification(expected.get(i));
            byte[] b = withoutIdentification(cut.get(i));
            assertArrayEquals(a, b, "datagram " + i);
            assertEquals(0, PacketBuilder.checksum(PacketBuilder.sum(cut.get(i), 0, 20)), "IPv4 header checksum");
        }
    }

    /**
     * Counters must not see the merge: a batch counts as the datagrams it holds, translated or dropped (the
     * provider's spoofed datagrams are counted one by one under their drop reason, not as one), and its bytes
     * as the datagrams' bytes, each with its own headers.
     */
    @Test
    void aMergedBatchCountsExactlyAsItsDatagramsTranslatedOneByOne() {
        List<byte[]> good = new ArrayList<>();
        List<byte[]> spoofed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            good.add(datagram6(5353, bytes(100, i)));
            // Spoofed with a loopback IPv4 form (RFC 1122 §3.2.1.3): silently dropped, one by one. (A source
            // outside the prefix would now be answered, RFC 7915 §5.1, and a super-packet gets one answer.)
            spoofed.add(PacketBuilder.ipv6("2001:db8:64::127.0.0.2", H4_AS_V6).hopLimit(64)
                    .payload(UDP, PacketBuilder.udp6(v6("2001:db8:64::127.0.0.2"), v6(H4_AS_V6), 53, 4000,
                            bytes(5, i)))
                    .build());
        }
        for (List<byte[]> batch : List.of(good, spoofed)) {
            Translator merged = new Translator(siitConfig(), new Counters());
            ByteBuffer held = read(batch.get(0));
            int len = coalesce(new UdpCoalescer(merged.counters()), held, batch);
            byte[] header = new byte[10];
            held.get(Translator.HEADROOM, header);
            byte[] superPacket = new byte[len];
            held.get(AT, superPacket);
            VnetRun.run(merged, header, superPacket);

            Translator oneByOne = new Translator(siitConfig(), new Counters());
            for (byte[] d : batch) {
                VnetRun.run(oneByOne, new byte[10], d);
            }
            for (int i = 0; i < Counters.SIZE; i++) {
                long expected = oneByOne.counters().get(i);
                long actual = merged.counters().get(i);
                if (i == Counters.UDP_COALESCED || i == Counters.GSO_TRANSLATED_WHOLE) {
                    continue; // what the merge itself counts
                }
                assertEquals(expected, actual, "counter " + i + " (" + (batch == good ? "translated" : "dropped")
                        + " batch)");
            }
        }
    }

    /** Identification and the header checksum that covers it zeroed: the translator numbers a batch's segments. */
    private static byte[] withoutIdentification(byte[] p) {
        byte[] c = p.clone();
        put16(c, 4, 0);
        put16(c, 10, 0);
        return c;
    }

    @Test
    void aSingleDatagramIsLeftExactlyAsItWasRead() {
        byte[] d = datagram4(40000, bytes(64, 1));
        Counters counters = new Counters();
        ByteBuffer held = read(d);
        UdpCoalescer c = new UdpCoalescer(counters);
        assertTrue(c.start(held, AT, d.length));
        assertEquals(d.length, c.finish());
        byte[] after = new byte[d.length];
        held.get(AT, after);
        assertArrayEquals(d, after);
        assertEquals(0, held.get(Translator.HEADROOM + 1), "GSO type still none");
        assertEquals(0, counters.get(Counters.UDP_COALESCED));
    }

    @Test
    void whatTheKernelsGroWouldNotMergeIsNotMerged() {
        byte[] first = datagram4(40000, bytes(64, 1));
        byte[] otherPort = datagram4(40001, bytes(64, 2));
        byte[] longer = datagram4(40000, bytes(65, 3));
        byte[] badChecksum = datagram4(40000, bytes(64, 4));
        badChecksum[badChecksum.length - 1] ^= 1;
        byte[] otherTtl = PacketBuilder.ipv4(H4, R4).df(true).ttl(63)
                .payload(UDP, PacketBuilder.udp4(v4(H4), v4(R4), 40000, 53, bytes(64, 5))).build();
        byte[] noDf = PacketBuilder.ipv4(H4, R4).df(false).ttl(64)
                .payload(UDP, PacketBuilder.udp4(v4(H4), v4(R4), 40000, 53, bytes(64, 6))).build();
        byte[] ipv6 = datagram6(40000, bytes(64, 7));
        for (byte[] refused : List.of(otherPort, longer, badChecksum, otherTtl, noDf, ipv6)) {
            UdpCoalescer c = new UdpCoalescer(new Counters());
            ByteBuffer held = read(first);
            assertTrue(c.start(held, AT, first.length));
            assertFalse(c.append(read(refused), AT, refused.length), Arrays.toString(refused));
            assertEquals(first.length, c.finish(), "the held datagram unchanged");
        }
    }

    @Test
    void aShortDatagramEndsTheBatchAndSixtyFourIsTheMost() {
        UdpCoalescer c = new UdpCoalescer(new Counters());
        byte[] first = datagram4(40000, bytes(64, 1));
        assertTrue(c.start(read(first), AT, first.length));
        byte[] shorter = datagram4(40000, bytes(10, 2));
        assertTrue(c.append(read(shorter), AT, shorter.length));
        assertFalse(c.append(read(first), AT, first.length), "nothing after a short one");
        c.finish();

        ByteBuffer held = read(first);
        assertTrue(c.start(held, AT, first.length));
        for (int i = 1; i < UdpCoalescer.MAX_SEGMENTS; i++) {
            assertTrue(c.append(read(first), AT, first.length));
        }
        assertFalse(c.append(read(first), AT, first.length));
        assertEquals(28 + 64 * 64, c.finish());
    }

    @Test
    void notCandidatesToStartWith() {
        byte[] zeroChecksum = PacketBuilder.ipv4(H4, R4).df(true)
                .payload(UDP, PacketBuilder.udp4NoChecksum(40000, 53, bytes(64, 1))).build();
        byte[] fragment = PacketBuilder.ipv4(H4, R4).mf(true)
                .payload(UDP, PacketBuilder.udp4(v4(H4), v4(R4), 40000, 53, bytes(64, 1))).build();
        byte[] tcp = PacketBuilder.ipv4(H4, R4).payload(6, PacketBuilder.tcp4(v4(H4), v4(R4), 1, 2, bytes(64, 1)))
                .build();
        byte[] options = PacketBuilder.ipv4(H4, R4).options(new byte[] {1, 1, 1, 0})
                .payload(UDP, PacketBuilder.udp4(v4(H4), v4(R4), 40000, 53, bytes(64, 1))).build();
        for (byte[] p : List.of(zeroChecksum, fragment, tcp, options)) {
            assertFalse(new UdpCoalescer(new Counters()).start(read(p), AT, p.length), Arrays.toString(p));
        }
        byte[] d = datagram4(40000, bytes(64, 1));
        ByteBuffer gso = read(d);
        gso.put(Translator.HEADROOM + 1, (byte) 5); // already a super-packet
        assertFalse(new UdpCoalescer(new Counters()).start(gso, AT, d.length));
    }
}
