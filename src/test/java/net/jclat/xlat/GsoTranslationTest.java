package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.pseudo4;
import static net.jclat.xlat.PacketBuilder.pseudo6;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GSO super-packets and partial checksums translated whole (virtio-net header, include/uapi/linux/virtio_net.h):
 * the header rewritten for the other family byte for byte, and the partial checksum checked by completing
 * it here, independently, and comparing with a checksum computed from scratch over the translated packet.
 */
class GsoTranslationTest {
    private static final int NEEDS_CSUM = 1;
    private static final int TCPV4 = 1;
    private static final int TCPV6 = 4;
    private static final int UDP_L4 = 5;
    private static final int ECN = 0x80;
    private static final int TCP = 6;
    private static final int UDP = 17;

    /** A 60 000-byte TCP super-packet, IPv4 → IPv6: one packet out, its GSO header now says TCPV6. */
    @Test
    void tcpv4SuperPacketBecomesOneTcpv6SuperPacketWithItsHeaderMovedByTwentyBytes() {
        byte[] data = bytes(60_000, 3);
        byte[] tcp = TcpSegments.raw(1000, TcpSegments.ACK | TcpSegments.PSH, TcpSegments.TIMESTAMPS, data);
        TcpSegments.withPartial(tcp, pseudo4(v4(H4), v4(R4), TCP, tcp.length), 16);
        byte[] ip = PacketBuilder.ipv4(H4, R4).df(true).ttl(64).payload(TCP, tcp).build();
        // hdr_len 1234: the kernel's value on read is not the header length, so it must not be trusted.
        VnetRun r = VnetRun.run(siitConfig(), VnetRun.header(NEEDS_CSUM, TCPV4 | ECN, 1234, 1400, 20, 16), ip);

        assertEquals(Verdict.TRANSLATED, r.verdict);
        assertEquals(1, r.out.size(), "one super-packet out, not segments");
        // flags NEEDS_CSUM, TCPV6 with ECN kept, hdr_len 40 + 32, gso_size 1400, csum_start 40, csum_offset 16.
        assertArrayEquals(VnetRun.header(NEEDS_CSUM, TCPV6 | ECN, 72, 1400, 40, 16), VnetRun.headerOf(r.out.get(0)));
        byte[] out = VnetRun.packetOf(r.out.get(0));
        assertEquals(40 + tcp.length, out.length);
        assertEquals(0x60, out[0] & 0xF0);
        assertEquals(tcp.length, get16(out, 4), "payload length of the whole super-packet");
        assertEquals(TCP, out[6]);
        assertEquals(63, out[7] & 0xFF);
        assertArrayEquals(v6(H4_AS_V6), slice(out, 8, 16));
        assertArrayEquals(v6(R4_AS_V6), slice(out, 24, 16));
        byte[] l4 = slice(out, 40, tcp.length);
        assertArrayEquals(slice(tcp, 18, tcp.length - 18), slice(l4, 18, tcp.length - 18), "payload untouched");
        assertEquals(fromScratch(l4, pseudo6(v6(H4_AS_V6), v6(R4_AS_V6), TCP, l4.length), 16),
                TcpSegments.complete(l4, 16), "completed partial checksum = checksum of the translated packet");
        assertEquals(1, r.translator.counters().get(Counters.GSO_TRANSLATED_WHOLE));
    }

    @Test
    void tcpv6SuperPacketBecomesOneTcpv4SuperPacketWithDfAndItsIdentificationsReserved() {
        byte[] data = bytes(50_000, 9);
        byte[] tcp = TcpSegments.raw(77, TcpSegments.ACK, new byte[0], data);
        TcpSegments.withPartial(tcp, pseudo6(v6(R4_AS_V6), v6(H4_AS_V6), TCP, tcp.length), 16);
        byte[] ip = PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).hopLimit(10).payload(TCP, tcp).build();
        Translator t = new Translator(siitConfig(), new Counters());
        VnetRun r = VnetRun.run(t, VnetRun.header(NEEDS_CSUM, TCPV6, 0, 1460, 40, 16), ip);

        assertEquals(1, r.out.size());
        assertArrayEquals(VnetRun.header(NEEDS_CSUM, TCPV4, 40, 1460, 20, 16), VnetRun.headerOf(r.out.get(0)));
        PacketAssert.V4 v = PacketAssert.parse4(VnetRun.packetOf(r.out.get(0)));
        assertEquals(20 + tcp.length, v.totalLength);
        assertTrue(v.df, "RFC 7915 §5.1: each 1480-byte segment is above 1260, so DF");
        assertEquals(9, v.ttl);
        assertEquals(v4(R4), v.src);
        assertEquals(v4(H4), v.dst);
        byte[] l4 = VnetRun.packetOf(r.out.get(0));
        l4 = slice(l4, 20, tcp.length);
        assertEquals(fromScratch(l4, pseudo4(v4(R4), v4(H4), TCP, l4.length), 16), TcpSegments.complete(l4, 16));
        // 35 segments take identifications id .. id+34; the next packet's follows them.
        VnetRun next = VnetRun.run(t, VnetRun.header(0, 0, 0, 0, 0, 0),
                PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).udp(1, 2, bytes(10, 1)).build());
        int nextId = PacketAssert.parse4(VnetRun.packetOf(next.out.get(0))).id;
        assertEquals(v.id + 35 & 0xFFFF, nextId);
        assertArrayEquals(new byte[10], VnetRun.headerOf(next.out.get(0)), "a plain packet: flags 0, GSO none");
    }

    @Test
    void udpL4SuperPacketKeepsItsGsoTypeBothWays() {
        byte[] data = bytes(8 * 1200 + 300, 5);
        byte[] udp = udpPartial(data, pseudo4(v4(H4), v4(R4), UDP, 8 + data.length));
        byte[] ip = PacketBuilder.ipv4(H4, R4).df(true).payload(UDP, udp).build();
        VnetRun r = VnetRun.run(siitConfig(), VnetRun.header(NEEDS_CSUM, UDP_L4, 0, 1200, 20, 6), ip);
        assertEquals(1, r.out.size());
        assertArrayEquals(VnetRun.header(NEEDS_CSUM, UDP_L4, 48, 1200, 40, 6), VnetRun.headerOf(r.out.get(0)));
        byte[] l4 = slice(VnetRun.packetOf(r.out.get(0)), 40, udp.length);
        assertEquals(fromScratch(l4, pseudo6(v6(H4_AS_V6), v6(R4_AS_V6), UDP, l4.length), 6),
                TcpSegments.complete(l4, 6));

        byte[] udp6 = udpPartial(data, pseudo6(v6(R4_AS_V6), v6(H4_AS_V6), UDP, 8 + data.length));
        byte[] ip6 = PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).payload(UDP, udp6).build();
        VnetRun back = VnetRun.run(siitConfig(), VnetRun.header(NEEDS_CSUM, UDP_L4, 0, 1200, 40, 6), ip6);
        assertEquals(1, back.out.size());
        assertArrayEquals(VnetRun.header(NEEDS_CSUM, UDP_L4, 28, 1200, 20, 6), VnetRun.headerOf(back.out.get(0)));
        byte[] l4b = slice(VnetRun.packetOf(back.out.get(0)), 20, udp6.length);
        assertEquals(fromScratch(l4b, pseudo4(v4(R4), v4(H4), UDP, l4b.length), 6), TcpSegments.complete(l4b, 6));
    }

    /** A partial UDP checksum whose pseudo-header sum folds to zero stays a sum: zero does not mean "none" here. */
    @Test
    void singlePacketWithPartialChecksumStaysPartialAndIsAdjusted() {
        for (int seed = 0; seed < 40; seed++) {
            byte[] data = bytes(300 + seed, seed);
            byte[] udp = udpPartial(data, pseudo4(v4(H4), v4(R4), UDP, 8 + data.length));
            byte[] ip = PacketBuilder.ipv4(H4, R4).payload(UDP, udp).build();
            VnetRun r = VnetRun.run(siitConfig(), VnetRun.header(NEEDS_CSUM, 0, 0, 0, 20, 6), ip);
            assertEquals(1, r.out.size());
            assertArrayEquals(VnetRun.header(NEEDS_CSUM, 0, 48, 0, 40, 6), VnetRun.headerOf(r.out.get(0)));
            byte[] l4 = slice(VnetRun.packetOf(r.out.get(0)), 40, udp.length);
            assertEquals(fromScratch(l4, pseudo6(v6(H4_AS_V6), v6(R4_AS_V6), UDP, l4.length), 6),
                    TcpSegments.complete(l4, 6), "seed " + seed);
        }
    }

    /** DF clear and above 1280: it must become IPv6 fragments, so the checksum is completed first (RFC 7915 §4.1). */
    @Test
    void partialChecksumIsCompletedWhenThePacketMustBeFragmented() {
        byte[] data = bytes(2000, 11);
        byte[] udp = udpPartial(data, pseudo4(v4(H4), v4(R4), UDP, 8 + data.length));
        byte[] ip = PacketBuilder.ipv4(H4, R4).df(false).payload(UDP, udp).build();
        VnetRun r = VnetRun.run(siitConfig(), VnetRun.header(NEEDS_CSUM, 0, 0, 0, 20, 6), ip);
        assertEquals(2, r.out.size());
        List<PacketAssert.V6> fragments = new ArrayList<>();
        for (byte[] o : r.out) {
            assertArrayEquals(new byte[10], VnetRun.headerOf(o), "fragments carry flags 0, GSO none");
            PacketAssert.valid(VnetRun.packetOf(o));
            fragments.add(PacketAssert.parse6(VnetRun.packetOf(o)));
        }
        byte[] whole = PacketAssert.reassemble6(fragments);
        PacketAssert.transport6(v6(H4_AS_V6), v6(R4_AS_V6), UDP, whole, true);
        assertArrayEquals(data, slice(whole, 8, data.length));
    }

    @Test
    void aGsoTypeThatContradictsThePacketIsDroppedAndCounted() {
        byte[] tcp = TcpSegments.raw(1, TcpSegments.ACK, new byte[0], bytes(3000, 1));
        byte[] ip = PacketBuilder.ipv4(H4, R4).df(true).payload(TCP, tcp).build();
        VnetRun r = VnetRun.run(siitConfig(), VnetRun.header(NEEDS_CSUM, TCPV6, 0, 1400, 20, 16), ip);
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(0, r.out.size());
        assertEquals(1, r.translator.counters().dropped(Drop.VNET_BAD_HEADER));
        assertEquals(1, r.translator.counters().get(Counters.IN4_PACKETS));
    }

    @Test
    void icmpErrorsTheTranslatorMakesCarryAPlainHeader() {
        byte[] ip = PacketBuilder.ipv4(H4, R4).ttl(1).udp(1, 2, bytes(100, 1)).build();
        VnetRun r = VnetRun.run(siitConfig(), VnetRun.header(0, 0, 0, 0, 0, 0), ip);
        assertEquals(Verdict.ICMP_ERROR, r.verdict);
        assertEquals(1, r.out.size());
        assertArrayEquals(new byte[10], VnetRun.headerOf(r.out.get(0)));
        PacketAssert.V4 e = PacketAssert.valid4(VnetRun.packetOf(r.out.get(0)));
        assertEquals(1, e.protocol);
    }

    static byte[] udpPartial(byte[] data, long pseudo) {
        byte[] udp = new byte[8 + data.length];
        PacketBuilder.put16(udp, 0, 5000);
        PacketBuilder.put16(udp, 2, 6000);
        PacketBuilder.put16(udp, 4, udp.length);
        System.arraycopy(data, 0, udp, 8, data.length);
        return TcpSegments.withPartial(udp, pseudo, 6);
    }

    /** The checksum the translated transport segment must have, summed from nothing. */
    static int fromScratch(byte[] l4, long pseudo, int field) {
        byte[] c = l4.clone();
        PacketBuilder.put16(c, field, 0);
        return PacketBuilder.checksum(PacketBuilder.sum(c) + pseudo);
    }
}
