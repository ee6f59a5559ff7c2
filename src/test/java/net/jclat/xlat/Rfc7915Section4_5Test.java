package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.put16;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7915 §4.5: transport-layer checksums, IPv4 to IPv6. */
class Rfc7915Section4_5Test {

    /** UDP data of {@code n} bytes whose checksum under the IPv6 pseudo-header of H4 -> R4 is exactly 0. */
    static byte[] dataWhoseIpv6UdpChecksumIsZero(int n) {
        byte[] data = bytes(n, 0x3C);
        data[0] = 0;
        data[1] = 0;
        byte[] seg = PacketBuilder.udp4NoChecksum(1234, 5678, data);
        int s = PacketBuilder.fold(PacketBuilder.sum(seg) + PacketBuilder.pseudo6(v6(H4_AS_V6), v6(R4_AS_V6), 17,
                seg.length));
        put16(data, 0, 0xFFFF - s); // now the sum folds to 0xFFFF and its complement is 0
        return data;
    }

    @Test
    void tcpChecksumIsUpdatedForTheIpv6PseudoHeader() {
        byte[] tcp = PacketBuilder.tcp4(v4(H4), v4(R4), 40000, 443, bytes(333, 2));
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), ipv4(H4, R4).payload(6, tcp).build()).single6();
        // valid6 checked the checksum against our own pseudo-header sum; nothing else in the segment moved.
        assertArrayEquals(slice(tcp, 0, 16), slice(v6.upperBytes, 0, 16));
        assertArrayEquals(slice(tcp, 18, tcp.length - 18), slice(v6.upperBytes, 18, tcp.length - 18));
        assertNotEquals(get16(tcp, 16), get16(v6.upperBytes, 16), "not checksum neutral, so it must change");
    }

    @Test
    void udpChecksumIsUpdatedForTheIpv6PseudoHeader() {
        byte[] udp = PacketBuilder.udp4(v4(H4), v4(R4), 5353, 53, bytes(77, 2));
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), ipv4(H4, R4).payload(17, udp).build()).single6();
        assertArrayEquals(slice(udp, 8, 77), slice(v6.upperBytes, 8, 77));
    }

    @Test
    void icmpEchoChecksumGainsThePseudoHeader() {
        byte[] in = ipv4(H4, R4).icmp(8, 0, 0x00010001, bytes(100, 9)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        PacketAssert.transport6(v6.src, v6.dst, 58, v6.upperBytes, true);
    }

    @Test
    void udpZeroChecksumIsComputedWhenTheDatagramIsUnfragmented() {
        byte[] in = ipv4(H4, R4).udpNoChecksum(1234, 5678, bytes(101, 7)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertNotEquals(0, get16(v6.upperBytes, 6));
        PacketAssert.transport6(v6.src, v6.dst, 17, v6.upperBytes, true);
    }

    @Test
    void udpZeroChecksumIsDroppedWhenTheDatagramIsFragmented() {
        byte[] seg = PacketBuilder.udp4NoChecksum(1234, 5678, bytes(200, 7));
        byte[] first = ipv4(H4, R4).mf(true).payload(17, slice(seg, 0, 104)).build();
        Translator t = new Translator(siitConfig(), new Counters());
        assertNull(t.zeroChecksumUdp().describe(), "nothing recorded before a drop");
        XlatRun.run(t, first).assertSilentDrop(Drop.UDP_ZERO_CHECKSUM);
        // The management event's record: addresses and ports of the dropped datagram.
        assertEquals(1, t.zeroChecksumUdp().count());
        assertEquals(H4 + ":1234 → " + R4 + ":5678",
                t.zeroChecksumUdp().describe());
    }

    @Test
    void udpZeroChecksumIsDroppedWhenPolicyIsDrop() {
        byte[] in = ipv4(H4, R4).udpNoChecksum(1234, 5678, bytes(10, 7)).build();
        XlatRun.run(siit().udpZeroChecksum(UdpZeroChecksum.DROP).build(), in)
                .assertSilentDrop(Drop.UDP_ZERO_CHECKSUM);
    }

    @Test
    void udpZeroChecksumOfALargeDfClearDatagramIsComputedBeforeTheTranslatorFragmentsIt() {
        byte[] in = ipv4(H4, R4).udpNoChecksum(1234, 5678, bytes(2000, 7)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.TRANSLATED, r.verdict);
        List<PacketAssert.V6> frags = new ArrayList<>();
        for (byte[] p : r.out) {
            frags.add(PacketAssert.valid6(p));
        }
        byte[] whole = PacketAssert.reassemble6(frags);
        PacketAssert.transport6(frags.get(0).src, frags.get(0).dst, 17, whole, true);
    }

    @Test
    void computedUdpChecksumOfZeroIsSentAsAllOnes() {
        byte[] in = ipv4(H4, R4).udpNoChecksum(1234, 5678, dataWhoseIpv6UdpChecksumIsZero(40)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(0xFFFF, get16(v6.upperBytes, 6), "RFC 768/8200: 0 means none, so 0xFFFF is sent");
    }

    @Test
    void updatedUdpChecksumOfZeroIsSentAsAllOnes() {
        byte[] in = ipv4(H4, R4).udp(1234, 5678, dataWhoseIpv6UdpChecksumIsZero(40)).build();
        byte[] udp4 = slice(in, 20, in.length - 20);
        assertNotEquals(0, get16(udp4, 6));
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(0xFFFF, get16(v6.upperBytes, 6));
    }

    @Test
    void otherTransportProtocolsAreForwardedWithTheirNumberCopied() {
        byte[] dccpLike = bytes(64, 1);
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), ipv4(H4, R4).payload(132, dccpLike).build()).single6();
        assertEquals(132, v6.nextHeader);
        assertArrayEquals(dccpLike, v6.upperBytes);
    }
}
