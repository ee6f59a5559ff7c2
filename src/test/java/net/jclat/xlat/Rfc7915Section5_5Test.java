package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.put16;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** RFC 7915 §5.5: transport-layer checksums, IPv6 to IPv4. */
class Rfc7915Section5_5Test {

    @Test
    void tcpChecksumIsUpdatedForTheIpv4PseudoHeader() {
        byte[] tcp = PacketBuilder.tcp6(v6(R4_AS_V6), v6(H4_AS_V6), 443, 40000, bytes(301, 2));
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), ipv6(R4_AS_V6, H4_AS_V6).payload(6, tcp).build()).single4();
        assertArrayEquals(slice(tcp, 0, 16), slice(v4.payload, 0, 16));
        assertArrayEquals(slice(tcp, 18, tcp.length - 18), slice(v4.payload, 18, tcp.length - 18));
        assertNotEquals(get16(tcp, 16), get16(v4.payload, 16));
    }

    @Test
    void udpChecksumIsUpdatedForTheIpv4PseudoHeader() {
        byte[] udp = PacketBuilder.udp6(v6(R4_AS_V6), v6(H4_AS_V6), 53, 5353, bytes(99, 2));
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), ipv6(R4_AS_V6, H4_AS_V6).payload(17, udp).build()).single4();
        PacketAssert.transport4(v4.src, v4.dst, 17, v4.payload, true);
    }

    @Test
    void udpChecksumThatBecomesZeroIsSentAsAllOnes() {
        // Data chosen so the IPv4 checksum of R4 -> H4 comes out as 0, which in IPv4 would mean "none".
        byte[] data = bytes(40, 0x3C);
        data[0] = 0;
        data[1] = 0;
        byte[] seg = PacketBuilder.udp4NoChecksum(53, 5353, data);
        int s = PacketBuilder.fold(PacketBuilder.sum(seg) + PacketBuilder.pseudo4(v4(R4), v4(H4), 17, seg.length));
        put16(data, 0, 0xFFFF - s);
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).udp(53, 5353, data).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(0xFFFF, get16(v4.payload, 6));
    }

    @Test
    void udpZeroChecksumIsInvalidInIpv6AndDropped() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).payload(17, PacketBuilder.udp4NoChecksum(1, 2, bytes(10, 1))).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.UDP_ZERO_CHECKSUM);
    }

    @Test
    void icmpEchoChecksumLosesThePseudoHeader() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).icmp(128, 0, 0x00070001, bytes(1000, 9)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(0xFFFF, PacketBuilder.fold(PacketBuilder.sum(v4.payload)));
        PacketAssert.assertAddress(R4, v4.src);
        PacketAssert.assertAddress(H4, v4.dst);
    }
}
