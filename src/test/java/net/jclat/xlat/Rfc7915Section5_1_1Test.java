package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.slice;
import static net.jclat.xlat.PacketBuilder.v4;
import static net.jclat.xlat.PacketBuilder.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7915 §5.1.1: IPv6 fragments, and IPv4 fragmentation for a small next-hop MTU. */
class Rfc7915Section5_1_1Test {

    private static final byte[] UDP = PacketBuilder.udp6(v6(R4_AS_V6), v6(H4_AS_V6), 4000, 5000, bytes(1992, 3));

    @Test
    void firstFragmentBecomesIpv4FragmentWithLow16BitsOfIdentificationAndMoreFlag() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(0, true, 0x12345678).payload(17, slice(UDP, 0, 1232)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(0x5678, v4.id, "low-order 16 bits of the Fragment Header identification");
        assertTrue(v4.mf, "MF copied from M");
        assertFalse(v4.df, "DF cleared so IPv4 routers may fragment further");
        assertEquals(0, v4.offsetBytes);
        assertEquals(17, v4.protocol);
        assertEquals(20 + 1232, v4.totalLength, "payload length - 8 for the Fragment Header + 20");
    }

    @Test
    void lastFragmentKeepsItsOffsetAndClearsMoreFragments() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(1232, false, 0x12345678)
                .payload(17, slice(UDP, 1232, UDP.length - 1232)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(1232, v4.offsetBytes, "Fragment Offset copied");
        assertFalse(v4.mf);
        assertFalse(v4.df);
        assertEquals(0x5678, v4.id);
        assertEquals(17, v4.protocol, "protocol from the Fragment Header's Next Header");
        assertArrayEquals(slice(UDP, 1232, UDP.length - 1232), v4.payload, "a later fragment is not touched");
    }

    @Test
    void translatedFragmentsReassembleIntoADatagramValidUnderTheIpv4PseudoHeader() {
        byte[] a = ipv6(R4_AS_V6, H4_AS_V6).fragment(0, true, 7).payload(17, slice(UDP, 0, 1232)).build();
        byte[] b = ipv6(R4_AS_V6, H4_AS_V6).fragment(1232, false, 7).payload(17, slice(UDP, 1232, 768)).build();
        PacketAssert.V4 f1 = XlatRun.run(siitConfig(), a).single4();
        PacketAssert.V4 f2 = XlatRun.run(siitConfig(), b).single4();
        byte[] whole = PacketAssert.reassemble4(List.of(f1, f2));
        PacketAssert.transport4(v4(R4), v4(H4), 17, whole, true);
    }

    /**
     * RFC 791 §3.1: an IPv4 datagram, header included, is at most 65535 bytes. A fragment whose offset and length
     * end past 65535 - 20 cannot be reassembled; translating it would send IPv4 hosts an oversized reassembly.
     * Found by {@link TranslatorFuzzTest} (seed {@code fragment-ending-past-ipv4-limit}).
     */
    @Test
    void rfc791TotalLengthLimitDropsAFragmentEndingPastTheLargestIpv4Datagram() {
        byte[] last = ipv6(R4_AS_V6, H4_AS_V6).fragment(65280, false, 0x12345678)
                .payload(17, slice(UDP, 0, 240)).build();
        XlatRun.run(siitConfig(), last).assertSilentDrop(Drop.FRAGMENT_BAD);

        byte[] fits = ipv6(R4_AS_V6, H4_AS_V6).fragment(65512 - 232, false, 0x12345678)
                .payload(17, slice(UDP, 0, 235)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), fits).single4();
        assertEquals(65535, v4.offsetBytes + v4.totalLength, "ends exactly at the limit");

        XlatConfig jumbo = siit().ipv4Mtu(65535).ipv6Mtu(65535).build();
        byte[] atomic = ipv6(R4_AS_V6, H4_AS_V6).fragment(0, false, 9).payload(17, bytes(65516, 5)).build();
        XlatRun.run(jumbo, atomic).assertSilentDrop(Drop.FRAGMENT_BAD);
    }

    @Test
    void atomicFragmentGetsIdentificationFromItsHeaderAndDfClear() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(0, false, 0xCAFE0042).udp(1, 2, bytes(20, 1)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(0x0042, v4.id);
        assertFalse(v4.df);
        assertFalse(v4.mf);
        assertEquals(0, v4.offsetBytes);
    }

    @Test
    void extensionHeadersBeforeTheFragmentHeaderAreSkipped() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).options(PacketBuilder.HOP_BY_HOP).fragment(0, true, 1)
                .payload(17, slice(UDP, 0, 512)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(20 + 512, v4.totalLength, "payload length - extension headers - 8 + 20");
        assertEquals(17, v4.protocol);
    }

    @Test
    void fragmentHeaderFollowedByDestinationOptionsIsDropped() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(0, true, 1).options(PacketBuilder.DEST_OPTS)
                .payload(17, slice(UDP, 0, 512)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.IPV6_BAD_EXTENSION);
    }

    @Test
    void fragmentHeaderFollowedByRoutingHeaderIsDropped() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(0, true, 1).routing(0).payload(17, slice(UDP, 0, 512)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.IPV6_BAD_EXTENSION);
    }

    @Test
    void fragmentHeaderFollowedByAuthenticationHeaderIsDropped() {
        byte[] ah = new byte[16];
        ah[0] = 17;
        ah[1] = 2;
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(0, true, 1).payload(51, PacketBuilder.concat(ah, bytes(64, 1)))
                .build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(0, r.out.size());
    }

    @Test
    void laterFragmentWhoseNextHeaderIsAnExtensionHeaderIsDropped() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(512, false, 1).payload(60, bytes(64, 1)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(0, r.out.size());
    }

    @Test
    void packetUpTo1280BytesLargerThanIpv4NextHopMtuIsFragmentedInIpv4() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).trafficClass(0x28).hopLimit(9).udp(4000, 5000, bytes(1232, 4)).build();
        assertEquals(1280, in.length);
        XlatRun r = XlatRun.run(siit().ipv4Mtu(576).build(), in);
        assertEquals(Verdict.TRANSLATED, r.verdict, () -> "drop " + r.drop);
        assertEquals(3, r.out.size(), "1240 bytes of UDP in pieces of 552");
        List<PacketAssert.V4> frags = new ArrayList<>();
        for (byte[] p : r.out) {
            PacketAssert.V4 f = PacketAssert.valid4(p);
            assertTrue(p.length <= 576, "fragment of " + p.length + " bytes exceeds the IPv4 MTU");
            assertFalse(f.df);
            assertEquals(17, f.protocol);
            assertEquals(8, f.ttl);
            assertEquals(0x28, f.tos);
            assertAddress(R4, f.src);
            assertAddress(H4, f.dst);
            frags.add(f);
        }
        assertEquals(0, frags.get(0).offsetBytes);
        assertEquals(552, frags.get(1).offsetBytes);
        assertEquals(1104, frags.get(2).offsetBytes);
        byte[] whole = PacketAssert.reassemble4(frags);
        assertEquals(1240, whole.length);
        PacketAssert.transport4(v4(R4), v4(H4), 17, whole, true);
    }

    @Test
    void ipv6FragmentLargerThanIpv4NextHopMtuIsRefragmentedKeepingOffsetAndIdentification() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).fragment(1232, true, 0x00010203).payload(17, bytes(1232, 5)).build();
        XlatRun r = XlatRun.run(siit().ipv4Mtu(576).build(), in);
        assertEquals(Verdict.TRANSLATED, r.verdict);
        int expectOffset = 1232;
        for (byte[] p : r.out) {
            PacketAssert.V4 f = PacketAssert.valid4(p);
            assertTrue(p.length <= 576);
            assertEquals(0x0203, f.id);
            assertEquals(expectOffset, f.offsetBytes);
            assertTrue(f.mf, "the IPv6 fragment was not the last: every piece says more fragments");
            expectOffset += f.payload.length;
        }
        assertEquals(1232 + 1232, expectOffset);
    }
}
