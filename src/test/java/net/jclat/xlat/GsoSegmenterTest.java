package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.pseudo4;
import static net.jclat.xlat.PacketBuilder.pseudo6;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * User-space segmentation of GSO super-packets, byte for byte against segments built independently here the
 * way Linux's tcp_gso_segment / __udp_gso_segment would put them on the wire.
 */
class GsoSegmenterTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int FLAGS = TcpSegments.CWR | TcpSegments.ACK | TcpSegments.PSH | TcpSegments.FIN;

    @Test
    void tcpv4SuperPacketOf64KiBBecomesSegmentsEachExactlyAsTheKernelWouldSendIt() {
        int mss = 1448;
        byte[] data = bytes(65_535 - 20 - 32, 17);
        byte[] superTcp = TcpSegments.raw(0xFFFF_F000L, FLAGS, TcpSegments.TIMESTAMPS, data);
        TcpSegments.withPartial(superTcp, pseudo4(v4(H4), v4(R4), TCP, superTcp.length), 16);
        byte[] superIp = PacketBuilder.ipv4(H4, R4).id(0xFFF0).df(true).tos(0x28).payload(TCP, superTcp).build();
        List<byte[]> got = segment(superIp, 20, 32, mss, true);

        int n = (data.length + mss - 1) / mss;
        assertEquals(46, n);
        assertEquals(n, got.size());
        for (int i = 0; i < n; i++) {
            int from = i * mss;
            byte[] chunk = slice(data, from, Math.min(mss, data.length - from));
            int flags = i == 0 ? TcpSegments.CWR | TcpSegments.ACK
                    : i == n - 1 ? TcpSegments.ACK | TcpSegments.PSH | TcpSegments.FIN : TcpSegments.ACK;
            // Sequence numbers wrap past 2^32 here on purpose.
            byte[] tcp = TcpSegments.raw(0xFFFF_F000L + from, flags, TcpSegments.TIMESTAMPS, chunk);
            TcpSegments.withChecksum(tcp, pseudo4(v4(H4), v4(R4), TCP, tcp.length), 16);
            byte[] expected = PacketBuilder.ipv4(H4, R4).id(0xFFF0 + i & 0xFFFF).df(true).tos(0x28)
                    .payload(TCP, tcp).build();
            assertArrayEquals(expected, got.get(i), "segment " + i);
        }
    }

    @Test
    void tcpv6SuperPacketSegmentsCarryTheirOwnPayloadLength() {
        int mss = 1000;
        byte[] data = bytes(4500, 2);
        byte[] superTcp = TcpSegments.raw(5, TcpSegments.ACK | TcpSegments.PSH, new byte[0], data);
        byte[] superIp = PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).trafficClass(0xB8).flowLabel(0x12345)
                .payload(TCP, superTcp).build();
        List<byte[]> got = segment(superIp, 40, 20, mss, true);
        assertEquals(5, got.size());
        for (int i = 0; i < 5; i++) {
            byte[] chunk = slice(data, i * mss, Math.min(mss, data.length - i * mss));
            byte[] tcp = TcpSegments.raw(5 + i * mss, i == 4 ? TcpSegments.ACK | TcpSegments.PSH : TcpSegments.ACK,
                    new byte[0], chunk);
            TcpSegments.withChecksum(tcp, pseudo6(v6(R4_AS_V6), v6(H4_AS_V6), TCP, tcp.length), 16);
            byte[] expected = PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).trafficClass(0xB8).flowLabel(0x12345)
                    .payload(TCP, tcp).build();
            assertArrayEquals(expected, got.get(i), "segment " + i);
        }
    }

    @Test
    void udpSuperPacketBecomesDatagramsWithTheirOwnLengthAndChecksum() {
        int size = 1200;
        byte[] data = bytes(3 * size + 77, 4);
        byte[] superUdp = GsoTranslationTest.udpPartial(data, pseudo4(v4(H4), v4(R4), UDP, 8 + data.length));
        byte[] superIp = PacketBuilder.ipv4(H4, R4).id(7).payload(UDP, superUdp).build();
        List<byte[]> got = segment(superIp, 20, 8, size, false);
        assertEquals(4, got.size());
        for (int i = 0; i < 4; i++) {
            byte[] chunk = slice(data, i * size, Math.min(size, data.length - i * size));
            byte[] expected = PacketBuilder.ipv4(H4, R4).id(7 + i).udp(5000, 6000, chunk).build();
            assertArrayEquals(expected, got.get(i), "datagram " + i);
        }

        byte[] superUdp6 = GsoTranslationTest.udpPartial(data, 0);
        byte[] superIp6 = PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).payload(UDP, superUdp6).build();
        List<byte[]> got6 = segment(superIp6, 40, 8, size, false);
        for (int i = 0; i < 4; i++) {
            byte[] chunk = slice(data, i * size, Math.min(size, data.length - i * size));
            assertArrayEquals(PacketBuilder.ipv6(R4_AS_V6, H4_AS_V6).udp(5000, 6000, chunk).build(), got6.get(i),
                    "IPv6 datagram " + i);
        }
    }

    /**
     * Through the translator: DF clear, so each 1480-byte segment must become IPv6 fragments (RFC 7915 §4.1)
     * and the super-packet cannot pass whole. Each segment, reassembled, is the segment translated.
     */
    @Test
    void superPacketThatMustBecomeFragmentsIsSegmentedThenTranslatedSegmentBySegment() {
        int mss = 1460;
        byte[] data = bytes(3 * mss + 100, 8);
        byte[] superTcp = TcpSegments.raw(1, TcpSegments.ACK | TcpSegments.PSH, new byte[0], data);
        TcpSegments.withPartial(superTcp, pseudo4(v4(H4), v4(R4), TCP, superTcp.length), 16);
        byte[] superIp = PacketBuilder.ipv4(H4, R4).id(100).df(false).payload(TCP, superTcp).build();
        VnetRun r = VnetRun.run(siitConfig(), VnetRun.header(1, 1, 0, mss, 20, 16), superIp);

        assertEquals(7, r.out.size(), "3 full segments in 2 fragments each, the last one whole");
        List<List<PacketAssert.V6>> bySegment = new ArrayList<>();
        for (byte[] o : r.out) {
            assertArrayEquals(new byte[10], VnetRun.headerOf(o), "complete packets: flags 0, GSO none");
            PacketAssert.valid(VnetRun.packetOf(o));
            PacketAssert.V6 f = PacketAssert.parse6(VnetRun.packetOf(o));
            int seg = f.hasFragment ? f.fragId - 100 : 3; // the short last segment fits 1280 whole
            while (bySegment.size() <= seg) {
                bySegment.add(new ArrayList<>());
            }
            bySegment.get(seg).add(f);
        }
        assertEquals(4, bySegment.size());
        for (int i = 0; i < 4; i++) {
            byte[] chunk = slice(data, i * mss, Math.min(mss, data.length - i * mss));
            byte[] tcp = TcpSegments.raw(1 + i * mss, i == 3 ? TcpSegments.ACK | TcpSegments.PSH : TcpSegments.ACK,
                    new byte[0], chunk);
            TcpSegments.withChecksum(tcp, pseudo6(v6(H4_AS_V6), v6(R4_AS_V6), TCP, tcp.length), 16);
            List<PacketAssert.V6> parts = bySegment.get(i);
            byte[] got = i == 3 ? parts.get(0).upperBytes : PacketAssert.reassemble6(parts);
            assertArrayEquals(tcp, got, "segment " + i);
        }
        assertEquals(1, r.translator.counters().get(Counters.GSO_SEGMENTED));
    }

    /** Segments with {@link GsoSegmenter#build} into a garbage-filled buffer, as the translator does. */
    private static List<byte[]> segment(byte[] superIp, int ipHeader, int l4Len, int size, boolean tcp) {
        ByteBuffer in = ByteBuffer.allocateDirect(superIp.length + 64);
        in.put(16, superIp);
        ByteBuffer out = ByteBuffer.allocateDirect(65536 + 256);
        int payload = superIp.length - ipHeader - l4Len;
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < GsoSegmenter.count(payload, size); i++) {
            for (int j = 0; j < out.capacity(); j++) {
                out.put(j, (byte) 0x5A);
            }
            int len = GsoSegmenter.build(in, 16, 16 + ipHeader, l4Len, 16 + superIp.length, size, tcp, i, out, 58);
            byte[] s = new byte[len];
            out.get(58, s);
            segments.add(s);
        }
        return segments;
    }
}
