package net.jclat.xlat;

import static net.jclat.xlat.WirePackets.ICMP;
import static net.jclat.xlat.WirePackets.ICMPV6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RFC 7915 §4.2 / §5.2: an ICMP checksum cannot be translated one fragment at a time (ICMPv6's covers a
 * pseudo-header, ICMPv4's does not), so fragmented ICMP is reassembled (RFC 791 §3.2, RFC 8200 §4.5) and then
 * translated and fragmented again like the whole datagram would be (RFC 7915 §4.1 lowest IPv6 MTU, §5.1.1
 * IPv4 MTU). The output is compared byte for byte with what the translator makes of the unfragmented datagram
 * (for IPv6, its atomic-fragment form, which carries the identification as fragments do).
 */
class FragmentedIcmpReassemblyTest {
    static final byte[] CLAT4 = WirePackets.v4("192.0.0.1");
    static final byte[] CLAT6 = ZeroAllocationTest.Addresses6.bytes("2001:db8:1::c");
    static final byte[] REMOTE4 = WirePackets.v4("93.184.216.34");
    static final byte[] WKP = Arrays.copyOf(new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b}, 16);
    static final byte[] REMOTE6 = WirePackets.embed(WKP, 96, REMOTE4);

    static XlatConfig config() {
        return XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1", "2001:db8:1::c").pref64ForLocal(false)
                .translatorIpv6(Ipv6Prefix.parse("2001:db8:1::1")).icmpErrorsPerSecond(0).build();
    }

    /** An echo request of {@code size} bytes of data from a LAN host (192.0.0.1 after NAT44), DF clear. */
    static byte[] echo4(int id, int size) {
        return WirePackets.datagram4(0, id, false, 64, ICMP, CLAT4, REMOTE4, new byte[0],
                WirePackets.icmp(8, 0, 0x4242_0001L, bytes(size, id)), false);
    }

    /** The IPv6 echo reply of {@code size} data bytes as pieces of at most {@code maxData} (1 << 16: atomic). */
    static List<byte[]> echo6(int id, int size, int maxData) {
        byte[] seg = WirePackets.icmp(129, 0, 0x4242_0001L, bytes(size, id));
        WirePackets.finishL4(seg, ICMPV6, WirePackets.pseudo6(REMOTE6, CLAT6, ICMPV6, seg.length), false);
        return WirePackets.fragment6(0, 0, 60, REMOTE6, CLAT6, new int[0], new byte[0][], ICMPV6, seg, maxData, id);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** One translator fed like a worker feeds it, with a clock the test moves. */
    static final class Feed {
        final Counters counters = new Counters();
        long now = 1_000_000_000L;
        final Translator t;
        final ByteBuffer buf = ByteBuffer.allocateDirect(Translator.HEADROOM + 70_000);
        final List<byte[]> out = new ArrayList<>();
        long in4;
        long in6;

        Feed() {
            this(ReassemblyLimits.DEFAULT);
        }

        Feed(ReassemblyLimits limits) {
            t = new Translator(config(), counters, () -> now, limits);
        }

        Verdict send(byte[] p) {
            buf.put(Translator.HEADROOM, p);
            if ((p[0] & 0xF0) == 0x40) {
                in4++;
            } else {
                in6++;
            }
            Verdict v = t.translate(buf, Translator.HEADROOM, p.length, (b, o, l) -> out.add(WirePackets.copy(b, o, l)));
            assertAccounting();
            return v;
        }

        /** Input = translated + dropped + pending, per direction, after every packet. */
        void assertAccounting() {
            assertEquals(in4, counters.get(Counters.IN4_PACKETS));
            assertEquals(in6, counters.get(Counters.IN6_PACKETS));
            assertEquals(in4, counters.get(Counters.TRANSLATED_4TO6) + counters.get(Counters.DROPPED_4TO6)
                    + counters.get(Counters.REASSEMBLY_PENDING_4TO6), "4to6: in = translated + dropped + pending");
            assertEquals(in6, counters.get(Counters.TRANSLATED_6TO4) + counters.get(Counters.DROPPED_6TO4)
                    + counters.get(Counters.REASSEMBLY_PENDING_6TO4), "6to4: in = translated + dropped + pending");
            assertEquals(counters.droppedTotal(), counters.get(Counters.DROPPED_4TO6)
                    + counters.get(Counters.DROPPED_6TO4), "every drop has a reason");
        }
    }

    /** What a fresh translator makes of the unfragmented datagram: the reference output. */
    static List<byte[]> reference(byte[] whole) {
        Feed f = new Feed();
        assertEquals(Verdict.TRANSLATED, f.send(whole), () -> "reference: " + f.t.lastDrop());
        return f.out;
    }

    static void assertSamePackets(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "packets emitted");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "packet " + i + " byte for byte");
            PacketAssert.valid(actual.get(i));
        }
    }

    /** Sends the pieces in the given order: every one but the last held, the last translates the datagram. */
    static Feed sendAll(List<byte[]> pieces, int... order) {
        Feed f = new Feed();
        for (int i = 0; i < order.length; i++) {
            Verdict v = f.send(pieces.get(order[i]));
            if (i < order.length - 1) {
                assertEquals(Verdict.HELD, v, "piece " + order[i] + " is held: " + f.t.lastDrop());
                assertNull(f.t.lastDrop());
                assertTrue(f.out.isEmpty(), "nothing emitted before the datagram is complete");
            } else {
                assertEquals(Verdict.TRANSLATED, v, () -> "last piece: " + f.t.lastDrop());
            }
        }
        return f;
    }

    @Test
    void a3000BytePingFromIpv4InOrderComesOutAsTheWholeDatagramTranslatedAndFragmented() {
        byte[] whole = echo4(0x1234, 3000);
        List<byte[]> pieces = WirePackets.fragment4(whole, 1480);
        assertEquals(3, pieces.size());
        Feed f = sendAll(pieces, 0, 1, 2);
        List<byte[]> expected = reference(whole);
        assertEquals(3, expected.size(), "3028-byte IPv4 with DF clear: three IPv6 fragments of <= 1280 (§4.1)");
        assertSamePackets(expected, f.out);
        assertEquals(3, f.counters.get(Counters.TRANSLATED_4TO6), "each fragment counts as translated");
        assertEquals(1, f.counters.get(Counters.REASSEMBLED));
        assertEquals(0, f.counters.get(Counters.REASSEMBLY_DATAGRAMS), "the slot is free again");
        assertEquals(ReassemblyLimits.DEFAULT.bufferBytes(), f.counters.get(Counters.REASSEMBLY_BUFFER_BYTES));
    }

    @Test
    void fragmentsOutOfOrderGiveTheSameBytes() {
        byte[] whole = echo4(0x2345, 3000);
        List<byte[]> pieces = WirePackets.fragment4(whole, 1480);
        List<byte[]> expected = reference(whole);
        for (int[] order : new int[][] {{2, 1, 0}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}}) {
            assertSamePackets(expected, sendAll(pieces, order).out);
        }
    }

    @Test
    void a3000BytePingReplyFromIpv6ComesOutAsIpv4FragmentsWithItsIdentification() {
        List<byte[]> pieces = echo6(0x7777_0042, 3000, 1232);
        assertEquals(3, pieces.size());
        List<byte[]> expected = reference(echo6(0x7777_0042, 3000, 1 << 16).get(0));
        assertEquals(3, expected.size(), "3028-byte IPv4 for a 1500-byte MTU: three fragments (§5.1.1)");
        for (int[] order : new int[][] {{0, 1, 2}, {2, 1, 0}, {1, 0, 2}}) {
            Feed f = sendAll(pieces, order);
            assertSamePackets(expected, f.out);
            assertEquals(3, f.counters.get(Counters.TRANSLATED_6TO4));
        }
        WirePackets.Ipv4 first = WirePackets.Ipv4.parse(expected.get(0));
        assertEquals(0x0042, first.id, "identification: low 16 bits of the Fragment Header's (§5.1.1)");
        assertTrue(first.mf && !first.df, "a fragment, DF clear");
    }

    @Test
    void anExactDuplicateIsDroppedAloneAndTheDatagramStillCompletes() {
        byte[] whole = echo4(0x3456, 3000);
        List<byte[]> pieces = WirePackets.fragment4(whole, 1480);
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(pieces.get(1)));
        assertEquals(Verdict.DROPPED, f.send(pieces.get(1)));
        assertEquals(Drop.REASSEMBLY_DUPLICATE, f.t.lastDrop());
        assertEquals(Verdict.HELD, f.send(pieces.get(2)));
        assertEquals(Verdict.DROPPED, f.send(pieces.get(2)), "a duplicate last fragment too");
        assertEquals(Verdict.TRANSLATED, f.send(pieces.get(0)));
        assertSamePackets(reference(whole), f.out);
        assertEquals(2, f.counters.dropped(Drop.REASSEMBLY_DUPLICATE));
    }

    @Test
    void anOverlapDiscardsTheWholeDatagramAndItsLaterFragments() {
        // RFC 5722 §3: the datagram and its fragments "including those not yet received" are discarded.
        byte[] whole = echo4(0x4567, 3000);
        List<byte[]> pieces = WirePackets.fragment4(whole, 1480);
        WirePackets.Ipv4 h = WirePackets.Ipv4.parse(whole);
        byte[] overlapping = WirePackets.ipv4(0, 0x4567, false, true, 1480 - 8, 64, ICMP, CLAT4, REMOTE4,
                new byte[0], Arrays.copyOfRange(h.payload, 1472, 1472 + 16));
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(pieces.get(0)));
        assertEquals(Verdict.HELD, f.send(pieces.get(1)));
        assertEquals(Verdict.DROPPED, f.send(overlapping));
        assertEquals(Drop.REASSEMBLY_OVERLAP, f.t.lastDrop());
        assertEquals(3, f.counters.dropped(Drop.REASSEMBLY_OVERLAP), "the two held and the overlapping one");
        assertEquals(0, f.counters.get(Counters.REASSEMBLY_PENDING_4TO6));
        assertEquals(Verdict.DROPPED, f.send(pieces.get(2)), "a later fragment of the discarded datagram");
        assertEquals(Drop.REASSEMBLY_OVERLAP, f.t.lastDrop());
        assertTrue(f.out.isEmpty());
    }

    @Test
    void overlappingIpv6FragmentsAreDiscardedToo() {
        List<byte[]> pieces = echo6(99, 3000, 1232);
        List<byte[]> shifted = echo6(99, 3000, 1224); // same datagram cut elsewhere: 1224 overlaps 0..1232
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(pieces.get(0)));
        assertEquals(Verdict.DROPPED, f.send(shifted.get(1)));
        assertEquals(Drop.REASSEMBLY_OVERLAP, f.t.lastDrop());
        assertEquals(2, f.counters.dropped(Drop.REASSEMBLY_OVERLAP));
    }

    @Test
    void fragmentsThatDisagreeOnTheEndAreAnOverlap() {
        byte[] whole = echo4(0x5678, 3000);
        List<byte[]> pieces = WirePackets.fragment4(whole, 1480);
        WirePackets.Ipv4 last = WirePackets.Ipv4.parse(pieces.get(2));
        // a second "last" fragment ending elsewhere than the first one said
        byte[] otherEnd = WirePackets.ipv4(0, 0x5678, false, false, 2960 + 8, 64, ICMP, CLAT4, REMOTE4,
                new byte[0], Arrays.copyOf(last.payload, 8));
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(pieces.get(2)));
        assertEquals(Verdict.DROPPED, f.send(otherEnd));
        assertEquals(Drop.REASSEMBLY_OVERLAP, f.t.lastDrop());
    }

    @Test
    void aDatagramLargerThanTheLimitIsRejectedAsOversize() {
        Feed f = new Feed(new ReassemblyLimits(4, 2048, TimeUnit.SECONDS.toNanos(5)));
        List<byte[]> pieces = WirePackets.fragment4(echo4(0x6789, 3000), 1480);
        assertEquals(Verdict.HELD, f.send(pieces.get(0)));
        assertEquals(Verdict.DROPPED, f.send(pieces.get(1)), "ends at 2960, beyond 2048");
        assertEquals(Drop.REASSEMBLY_OVERSIZE, f.t.lastDrop());
        assertEquals(Verdict.DROPPED, f.send(pieces.get(2)));
        assertEquals(3, f.counters.dropped(Drop.REASSEMBLY_OVERSIZE));
        assertTrue(f.out.isEmpty());
    }

    @Test
    void pingOfDeathBeyond65535BytesIsRejectedAsOversize() {
        // Two legal fragments whose datagram would be 20 + 65535 bytes (RFC 791 §3.1: 16-bit total length).
        byte[] data = bytes(65535, 1);
        byte[] a = WirePackets.ipv4(0, 7, false, true, 0, 64, ICMP, CLAT4, REMOTE4, new byte[0],
                Arrays.copyOf(data, 65512));
        byte[] b = WirePackets.ipv4(0, 7, false, false, 65512, 64, ICMP, CLAT4, REMOTE4, new byte[0],
                Arrays.copyOfRange(data, 65512, 65535));
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(a));
        assertEquals(Verdict.DROPPED, f.send(b));
        assertEquals(Drop.REASSEMBLY_OVERSIZE, f.t.lastDrop());
        assertEquals(2, f.counters.dropped(Drop.REASSEMBLY_OVERSIZE));
        assertTrue(f.out.isEmpty());
    }

    @Test
    void anIncompleteDatagramExpiresAfterTheTimeout() {
        List<byte[]> pieces = WirePackets.fragment4(echo4(0x789A, 3000), 1480);
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(pieces.get(0)));
        assertEquals(Verdict.HELD, f.send(pieces.get(1)));
        f.now += TimeUnit.MILLISECONDS.toNanos(4999);
        f.t.expireFragments();
        assertEquals(2, f.counters.get(Counters.REASSEMBLY_PENDING_4TO6), "not yet");
        f.now += TimeUnit.MILLISECONDS.toNanos(1);
        f.t.expireFragments();
        assertEquals(2, f.counters.dropped(Drop.REASSEMBLY_TIMEOUT));
        assertEquals(0, f.counters.get(Counters.REASSEMBLY_PENDING_4TO6));
        assertEquals(0, f.counters.get(Counters.REASSEMBLY_DATAGRAMS));
        f.assertAccounting();
        // the last fragment now starts a datagram of its own, which cannot complete
        assertEquals(Verdict.HELD, f.send(pieces.get(2)));
        assertTrue(f.out.isEmpty());
    }

    @Test
    void expiryAlsoHappensWhenTheNextFragmentArrives() {
        List<byte[]> a = echo6(1, 3000, 1232);
        List<byte[]> b = echo6(2, 3000, 1232);
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(a.get(0)));
        f.now += TimeUnit.SECONDS.toNanos(6);
        assertEquals(Verdict.HELD, f.send(b.get(0)));
        assertEquals(1, f.counters.dropped(Drop.REASSEMBLY_TIMEOUT));
        assertEquals(1, f.counters.get(Counters.REASSEMBLY_DATAGRAMS));
    }

    @Test
    void theCapOnConcurrentDatagramsEvictsTheOldest() {
        Feed f = new Feed(new ReassemblyLimits(2, 65535, TimeUnit.SECONDS.toNanos(5)));
        List<List<byte[]>> d = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            d.add(WirePackets.fragment4(echo4(id, 3000), 1480));
        }
        assertEquals(Verdict.HELD, f.send(d.get(0).get(0)));
        f.now += 1000;
        assertEquals(Verdict.HELD, f.send(d.get(1).get(0)));
        f.now += 1000;
        assertEquals(Verdict.HELD, f.send(d.get(2).get(0)), "the third evicts the first");
        assertEquals(1, f.counters.dropped(Drop.REASSEMBLY_FULL));
        assertEquals(2, f.counters.get(Counters.REASSEMBLY_DATAGRAMS), "never more than the cap");
        for (int id : new int[] {1, 2}) {
            assertEquals(Verdict.HELD, f.send(d.get(id).get(1)));
            assertEquals(Verdict.TRANSLATED, f.send(d.get(id).get(2)));
        }
        assertEquals(6, f.out.size(), "datagrams 2 and 3 complete");
        assertEquals(2 * ReassemblyBuffer.slotBytes(65535), f.counters.get(Counters.REASSEMBLY_BUFFER_BYTES));
    }

    @Test
    void bothDirectionsInterleavedStayApart() {
        byte[] whole4 = echo4(0x0042, 3000);
        List<byte[]> p4 = WirePackets.fragment4(whole4, 1480);
        List<byte[]> p6 = echo6(0x0042, 3000, 1232);
        Feed f = new Feed();
        assertEquals(Verdict.HELD, f.send(p6.get(2)));
        assertEquals(Verdict.HELD, f.send(p4.get(0)));
        assertEquals(Verdict.HELD, f.send(p6.get(0)));
        assertEquals(Verdict.HELD, f.send(p4.get(2)));
        assertEquals(Verdict.TRANSLATED, f.send(p6.get(1)));
        List<byte[]> got6to4 = new ArrayList<>(f.out);
        f.out.clear();
        assertEquals(Verdict.TRANSLATED, f.send(p4.get(1)));
        assertSamePackets(reference(echo6(0x0042, 3000, 1 << 16).get(0)), got6to4);
        assertSamePackets(reference(whole4), f.out);
    }

    @Test
    void aReassembledDatagramIsCheckedLikeAnyOther() {
        // The translation rules apply to the whole datagram: a destination with no mapping is answered with
        // ICMP 3/13 (RFC 7915 §4.4) quoting the reassembled datagram's start, and every fragment counts the drop.
        byte[] whole = WirePackets.datagram4(0, 9, false, 64, ICMP, CLAT4, WirePackets.v4("10.1.2.3"), new byte[0],
                WirePackets.icmp(8, 0, 1, bytes(3000, 9)), false);
        List<byte[]> pieces = WirePackets.fragment4(whole, 1480);
        Feed f = new Feed();
        f.send(pieces.get(0));
        f.send(pieces.get(1));
        Verdict v = f.send(pieces.get(2));
        assertEquals(Drop.WKP_NON_GLOBAL, f.t.lastDrop());
        assertEquals(Verdict.ICMP_ERROR, v);
        assertEquals(3, f.counters.dropped(Drop.WKP_NON_GLOBAL), "each fragment counts the datagram's drop");
    }

    @Test
    void aStoppedTranslatorCountsWhatItHeldAsTimedOutAndLetsItsBufferGo() {
        List<byte[]> pieces = WirePackets.fragment4(echo4(0x1111, 3000), 1480);
        Feed f = new Feed();
        f.send(pieces.get(0));
        f.send(pieces.get(1));
        f.t.releaseFragments();
        assertEquals(2, f.counters.dropped(Drop.REASSEMBLY_TIMEOUT));
        assertEquals(0, f.counters.get(Counters.REASSEMBLY_BUFFER_BYTES), "a retired worker's buffer is not summed");
        assertEquals(0, f.counters.get(Counters.REASSEMBLY_DATAGRAMS));
        f.assertAccounting();
    }
}
