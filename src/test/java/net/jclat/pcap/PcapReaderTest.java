package net.jclat.pcap;

import static net.jclat.pcap.PcapBytes.concat;
import static net.jclat.pcap.PcapBytes.ethernet;
import static net.jclat.pcap.PcapBytes.ipv4;
import static net.jclat.pcap.PcapBytes.ipv6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcapReaderTest {

    private static final int ETHERNET = 1;
    private static final int RAW = 101;

    private static PcapReader reader(PcapBytes file) throws IOException {
        return new PcapReader(new ByteArrayInputStream(file.toByteArray()), "test.pcap");
    }

    private static PcapPacket only(PcapBytes file) throws IOException {
        try (PcapReader r = reader(file)) {
            PcapPacket p = r.next();
            assertNull(r.next(), "expected exactly one record");
            return p;
        }
    }

    // --- byte order and timestamp resolution ---

    @Test
    void bigEndianMicrosecondFileIsReadWithMicrosecondsScaledToNanos() throws IOException {
        byte[] pkt = ipv4(8);
        PcapBytes file = new PcapBytes(ByteOrder.BIG_ENDIAN, PcapBytes.MAGIC_MICROS, RAW).record(1_700_000_000L, 123_456, pkt);
        try (PcapReader r = reader(file)) {
            assertEquals(ByteOrder.BIG_ENDIAN, r.byteOrder());
            assertFalse(r.nanosecondTimestamps());
            assertEquals(RAW, r.linkType());
            assertEquals(65535, r.snapLength());
            PcapPacket p = r.next();
            assertEquals(1_700_000_000_123_456_000L, p.timestampNanos());
            assertArrayEquals(pkt, p.data());
            assertEquals(pkt.length, p.originalLength());
            assertTrue(p.ip());
            assertFalse(p.truncated());
            assertNull(r.next());
            assertEquals(1, r.recordsRead());
        }
    }

    @Test
    void littleEndianNanosecondFileKeepsEveryNanosecondDigit() throws IOException {
        PcapBytes file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapBytes.MAGIC_NANOS, RAW).record(1_700_000_000L, 987_654_321, ipv6(4));
        try (PcapReader r = reader(file)) {
            assertEquals(ByteOrder.LITTLE_ENDIAN, r.byteOrder());
            assertTrue(r.nanosecondTimestamps());
            assertEquals(1_700_000_000_987_654_321L, r.next().timestampNanos());
        }
    }

    @Test
    void bigEndianNanosecondFileIsRead() throws IOException {
        byte[] pkt = ipv6(12);
        PcapBytes file = new PcapBytes(ByteOrder.BIG_ENDIAN, PcapBytes.MAGIC_NANOS, RAW).record(5, 7, pkt);
        PcapPacket p = only(file);
        assertEquals(5_000_000_007L, p.timestampNanos());
        assertArrayEquals(pkt, p.data());
    }

    @Test
    void secondsAbove2Pow31AreReadAsUnsigned() throws IOException {
        PcapPacket p = only(PcapBytes.littleEndianMicros(RAW).record(0xF000_0000L, 1, ipv4(0)));
        assertEquals(0xF000_0000L * 1_000_000_000L + 1_000L, p.timestampNanos());
    }

    @Test
    void emptyCaptureReturnsNullAtOnce() throws IOException {
        try (PcapReader r = reader(PcapBytes.littleEndianMicros(RAW))) {
            assertNull(r.next());
            assertNull(r.next());
        }
    }

    @Test
    void readsFromPath(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.pcap");
        Files.write(f, PcapBytes.littleEndianMicros(RAW).record(1, 2, ipv4(1)).record(3, 4, ipv6(1)).toByteArray());
        try (PcapReader r = new PcapReader(f)) {
            assertEquals(4, r.next().data()[0] >>> 4);
            assertEquals(6, r.next().data()[0] >>> 4);
            assertNull(r.next());
        }
    }

    // --- raw IP link types ---

    @ParameterizedTest(name = "link type {0}")
    @ValueSource(ints = {12, 14, 101, 228, 229})
    void rawIpLinkTypesReturnThePacketUnchanged(int linkType) throws IOException {
        byte[] pkt = linkType == 228 ? ipv4(3) : ipv6(3);
        PcapPacket p = only(PcapBytes.littleEndianMicros(linkType).record(0, 0, pkt));
        assertArrayEquals(pkt, p.data());
        assertTrue(p.ip());
    }

    @Test
    void rawRecordWithoutIpVersionNibbleIsFlaggedNotIp() throws IOException {
        PcapPacket p = only(PcapBytes.littleEndianMicros(RAW).record(0, 0, new byte[] {0x20, 1, 2}));
        assertFalse(p.ip());
        assertArrayEquals(new byte[] {0x20, 1, 2}, p.data());
    }

    @Test
    void fcsBitsInUpperHalfOfLinkTypeFieldAreIgnored() throws IOException {
        int ethernetWithFcs = ETHERNET | 0x0400_0000 | (2 << 28);
        try (PcapReader r = reader(PcapBytes.littleEndianMicros(ethernetWithFcs))) {
            assertEquals(ETHERNET, r.linkType());
        }
    }

    // --- Ethernet ---

    @Test
    void ethernetHeaderIsStrippedFromIpv4AndIpv6Frames() throws IOException {
        byte[] v4 = ipv4(30);
        byte[] v6 = ipv6(30);
        PcapBytes file = PcapBytes.littleEndianMicros(ETHERNET)
                .record(1, 0, ethernet(0x0800, v4))
                .record(2, 0, ethernet(0x86DD, v6));
        try (PcapReader r = reader(file)) {
            PcapPacket a = r.next();
            assertArrayEquals(v4, a.data());
            assertEquals(v4.length, a.originalLength());
            assertTrue(a.ip());
            PcapPacket b = r.next();
            assertArrayEquals(v6, b.data());
            assertEquals(v6.length, b.originalLength());
            assertTrue(b.ip());
        }
    }

    @Test
    void vlanTaggedEthernetFrameYieldsTheInnerIpPacket() throws IOException {
        byte[] pkt = ipv6(20);
        PcapPacket p = only(PcapBytes.littleEndianMicros(ETHERNET).record(0, 0, ethernet(0x86DD, pkt, 0x8100)));
        assertArrayEquals(pkt, p.data());
        assertTrue(p.ip());
    }

    @Test
    void doubleTaggedQinQFrameYieldsTheInnerIpPacket() throws IOException {
        byte[] pkt = ipv4(20);
        PcapPacket p = only(PcapBytes.littleEndianMicros(ETHERNET).record(0, 0, ethernet(0x0800, pkt, 0x88A8, 0x8100)));
        assertArrayEquals(pkt, p.data());
        assertTrue(p.ip());
    }

    @Test
    void ethernetPaddingAfterShortIpPacketIsDropped() throws IOException {
        byte[] pkt = ipv4(8); // 28 bytes; Ethernet pads the payload to 46
        byte[] frame = ethernet(0x0800, concat(pkt, new byte[18]));
        PcapPacket p = only(PcapBytes.littleEndianMicros(ETHERNET).record(0, 0, frame));
        assertArrayEquals(pkt, p.data());
        assertEquals(pkt.length, p.originalLength());
    }

    @Test
    void arpFrameIsReturnedFlaggedNotIp() throws IOException {
        byte[] arp = new byte[28];
        PcapPacket p = only(PcapBytes.littleEndianMicros(ETHERNET).record(0, 0, ethernet(0x0806, arp)));
        assertFalse(p.ip());
        assertEquals(28, p.data().length);
    }

    @Test
    void vlanTaggedNonIpFrameIsFlaggedNotIp() throws IOException {
        PcapPacket p = only(PcapBytes.littleEndianMicros(ETHERNET).record(0, 0, ethernet(0x88CC, new byte[10], 0x8100)));
        assertFalse(p.ip());
    }

    @Test
    void ethernetRecordShorterThanTheHeaderIsFlaggedNotIp() throws IOException {
        PcapPacket p = only(PcapBytes.littleEndianMicros(ETHERNET).record(0, 0, new byte[10], 60));
        assertFalse(p.ip());
        assertEquals(0, p.data().length);
        assertEquals(46, p.originalLength());
    }

    // --- Linux cooked capture ---

    @Test
    void linuxSllHeaderIsStripped() throws IOException {
        byte[] pkt = ipv4(10);
        ByteBuffer sll = ByteBuffer.allocate(16 + pkt.length);
        sll.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(new byte[8]).putShort((short) 0x0800).put(pkt);
        PcapPacket p = only(PcapBytes.littleEndianMicros(113).record(0, 0, sll.array()));
        assertArrayEquals(pkt, p.data());
        assertTrue(p.ip());
    }

    @Test
    void linuxSll2HeaderIsStripped() throws IOException {
        byte[] pkt = ipv6(10);
        ByteBuffer sll2 = ByteBuffer.allocate(20 + pkt.length);
        sll2.putShort((short) 0x86DD).putShort((short) 0).putInt(3).putShort((short) 1)
                .put((byte) 0).put((byte) 6).put(new byte[8]).put(pkt);
        PcapPacket p = only(PcapBytes.littleEndianMicros(276).record(0, 0, sll2.array()));
        assertArrayEquals(pkt, p.data());
        assertTrue(p.ip());
    }

    // --- truncation and corruption ---

    @Test
    void snaplenTruncatedRecordKeepsCapturedBytesAndOriginalLength() throws IOException {
        byte[] pkt = ipv6(200);
        PcapPacket p = only(PcapBytes.littleEndianMicros(RAW).record(0, 0, Arrays.copyOf(pkt, 64), pkt.length));
        assertArrayEquals(Arrays.copyOf(pkt, 64), p.data());
        assertEquals(pkt.length, p.originalLength());
        assertTrue(p.truncated());
    }

    @Test
    void snaplenTruncatedEthernetRecordReportsIpLengthOnTheWire() throws IOException {
        byte[] frame = ethernet(0x0800, ipv4(1000));
        PcapPacket p = only(PcapBytes.littleEndianMicros(ETHERNET).record(0, 0, Arrays.copyOf(frame, 68), frame.length));
        assertEquals(54, p.data().length);
        assertEquals(1020, p.originalLength());
        assertTrue(p.truncated());
    }

    @Test
    void fileEndingInsideRecordDataNamesFileRecordIndexAndOffset() throws IOException {
        byte[] pkt = ipv4(20); // 40 bytes, so the second record header starts at 24 + 16 + 40 = 80
        PcapBytes file = PcapBytes.littleEndianMicros(RAW)
                .record(0, 0, pkt)
                .recordHeader(0, 0, 100, 100).raw(new byte[30]);
        try (PcapReader r = reader(file)) {
            r.next();
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            assertTrue(e.getMessage().contains("test.pcap"), e.getMessage());
            assertTrue(e.getMessage().contains("record 2"), e.getMessage());
            assertTrue(e.getMessage().contains("offset 80"), e.getMessage());
            assertTrue(e.getMessage().contains("100"), e.getMessage());
            assertTrue(e.getMessage().contains("30"), e.getMessage());
        }
    }

    @Test
    void fileEndingInsideRecordHeaderNamesRecordIndex() throws IOException {
        PcapBytes file = PcapBytes.littleEndianMicros(RAW).record(0, 0, ipv4(0)).raw(new byte[7]);
        try (PcapReader r = reader(file)) {
            r.next();
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            assertTrue(e.getMessage().contains("record 2"), e.getMessage());
            assertTrue(e.getMessage().contains("record header"), e.getMessage());
        }
    }

    @Test
    void absurdCapturedLengthIsRejectedAsCorrupt() throws IOException {
        PcapBytes file = PcapBytes.littleEndianMicros(RAW).recordHeader(0, 0, 262145, 262145).raw(new byte[64]);
        try (PcapReader r = reader(file)) {
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            assertTrue(e.getMessage().contains("record 1"), e.getMessage());
            assertTrue(e.getMessage().contains("offset 24"), e.getMessage());
            assertTrue(e.getMessage().contains("262145"), e.getMessage());
        }
    }

    @Test
    void capturedLengthAtTheLimitIsAccepted() throws IOException {
        byte[] big = new byte[PcapReader.MAX_RECORD_BYTES];
        big[0] = 0x60;
        assertEquals(big.length, only(PcapBytes.littleEndianMicros(RAW).record(0, 0, big)).data().length);
    }

    // --- file header problems ---

    @Test
    void pcapngFileIsRejectedWithEditcapHint() {
        byte[] shb = {0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0,
                -1, -1, -1, -1, -1, -1, -1, -1, 0x1C, 0, 0, 0};
        PcapFormatException e = assertThrows(PcapFormatException.class,
                () -> new PcapReader(new ByteArrayInputStream(shb), "x.pcapng"));
        assertTrue(e.getMessage().contains("pcapng"), e.getMessage());
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
        assertTrue(e.getMessage().contains("editcap -F pcap"), e.getMessage());
    }

    @Test
    void unknownLinkTypeErrorNamesTheNumber() {
        PcapFormatException e = assertThrows(PcapFormatException.class,
                () -> reader(PcapBytes.littleEndianMicros(105))); // 802.11
        assertTrue(e.getMessage().contains("link type 105"), e.getMessage());
    }

    @Test
    void unknownMagicIsRejected() {
        byte[] notPcap = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        PcapFormatException e = assertThrows(PcapFormatException.class,
                () -> new PcapReader(new ByteArrayInputStream(notPcap), "x"));
        assertTrue(e.getMessage().contains("not a pcap file"), e.getMessage());
    }

    @Test
    void fileShorterThanGlobalHeaderIsRejected() {
        byte[] cut = Arrays.copyOf(PcapBytes.littleEndianMicros(RAW).toByteArray(), 20);
        PcapFormatException e = assertThrows(PcapFormatException.class,
                () -> new PcapReader(new ByteArrayInputStream(cut), "x"));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        assertThrows(PcapFormatException.class, () -> new PcapReader(new ByteArrayInputStream(new byte[0])));
    }
}
