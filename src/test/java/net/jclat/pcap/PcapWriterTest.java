package net.jclat.pcap;

import static net.jclat.pcap.PcapBytes.ipv4;
import static net.jclat.pcap.PcapBytes.ipv6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {

    private static PcapReader readBack(ByteArrayOutputStream out) throws IOException {
        return new PcapReader(new ByteArrayInputStream(out.toByteArray()), "written.pcap");
    }

    @Test
    void fileHeaderIsLittleEndianMicrosecondVersion24Snaplen262144LinkTypeRaw() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PcapWriter(out).close();
        ByteBuffer h = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24, h.remaining());
        assertArrayEquals(new byte[] {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2, (byte) 0xA1}, Arrays.copyOf(out.toByteArray(), 4));
        assertEquals(2, h.getShort(4));
        assertEquals(4, h.getShort(6));
        assertEquals(0, h.getInt(8));
        assertEquals(0, h.getInt(12));
        assertEquals(262144, h.getInt(16));
        assertEquals(101, h.getInt(20));
    }

    @Test
    void roundTripPreservesPacketsAndMicrosecondTimestamps() throws IOException {
        byte[] a = ipv4(100);
        byte[] b = ipv6(1200);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out)) {
            w.write(1_700_000_000_123_456_789L, a);
            w.write(1_700_000_001_000_000_000L, b);
        }
        try (PcapReader r = readBack(out)) {
            assertEquals(101, r.linkType());
            PcapPacket p1 = r.next();
            assertEquals(1_700_000_000_123_456_000L, p1.timestampNanos(), "nanoseconds below 1 us are dropped");
            assertArrayEquals(a, p1.data());
            assertEquals(a.length, p1.originalLength());
            assertTrue(p1.ip());
            PcapPacket p2 = r.next();
            assertEquals(1_700_000_001_000_000_000L, p2.timestampNanos());
            assertArrayEquals(b, p2.data());
            assertNull(r.next());
        }
    }

    @Test
    void roundTripThroughPath(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("out.pcap");
        byte[] pkt = ipv6(8);
        try (PcapWriter w = new PcapWriter(f)) {
            w.write(42_000L, pkt);
        }
        try (PcapReader r = new PcapReader(f)) {
            PcapPacket p = r.next();
            assertEquals(42_000L, p.timestampNanos());
            assertArrayEquals(pkt, p.data());
            assertNull(r.next());
        }
    }

    @Test
    void byteBufferWriteUsesAbsoluteRangeAndLeavesPositionAndLimitAlone() throws IOException {
        byte[] pkt = ipv4(16);
        for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.allocate(100), ByteBuffer.allocateDirect(100),
                ByteBuffer.wrap(new byte[120], 10, 100).slice()}) {
            buf.put(7, pkt, 0, pkt.length);
            buf.position(3).limit(90);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PcapWriter w = new PcapWriter(out)) {
                w.write(1L, buf, 7, pkt.length);
            }
            assertEquals(3, buf.position());
            assertEquals(90, buf.limit());
            try (PcapReader r = readBack(out)) {
                assertArrayEquals(pkt, r.next().data(), buf.toString());
            }
        }
    }

    @Test
    void byteBufferRangeBeyondLimitIsRejected() throws IOException {
        try (PcapWriter w = new PcapWriter(new ByteArrayOutputStream())) {
            ByteBuffer buf = ByteBuffer.allocate(100).limit(50);
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(0, buf, 40, 20));
        }
    }

    @Test
    void packetLongerThanSnaplenIsTruncatedWithOriginalLengthKept() throws IOException {
        byte[] huge = new byte[PcapWriter.SNAP_LENGTH + 100];
        huge[0] = 0x60;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out)) {
            w.write(0, huge);
            w.write(0, ByteBuffer.allocateDirect(huge.length).put(0, (byte) 0x45), 0, huge.length);
        }
        try (PcapReader r = readBack(out)) {
            for (int i = 0; i < 2; i++) {
                PcapPacket p = r.next();
                assertEquals(PcapWriter.SNAP_LENGTH, p.data().length);
                assertEquals(huge.length, p.originalLength());
                assertTrue(p.truncated());
            }
            assertNull(r.next());
        }
    }

    @Test
    void timestampsOutsideUnsigned32BitSecondsAreRejected() throws IOException {
        try (PcapWriter w = new PcapWriter(new ByteArrayOutputStream())) {
            byte[] pkt = ipv4(0);
            assertThrows(IllegalArgumentException.class, () -> w.write(-1, pkt));
            assertThrows(IllegalArgumentException.class, () -> w.write(0x1_0000_0000L * 1_000_000_000L, pkt));
        }
    }

    @Test
    void writeAfterCloseFails() throws IOException {
        PcapWriter w = new PcapWriter(new ByteArrayOutputStream());
        w.close();
        w.close(); // idempotent
        assertThrows(IOException.class, () -> w.write(0, ipv4(0)));
    }
}
