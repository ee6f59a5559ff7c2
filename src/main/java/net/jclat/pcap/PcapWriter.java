package net.jclat.pcap;

import java.io.BufferedOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes classic pcap: little-endian, microsecond timestamps, link type RAW (101), so every
 * record is a bare IPv4 or IPv6 packet. Output is buffered; call {@link #flush()} to push it
 * out early. Not thread-safe.
 */
public final class PcapWriter implements AutoCloseable, Flushable {

    public static final int SNAP_LENGTH = 262144;
    public static final int LINKTYPE_RAW = LinkDecoder.RAW;

    private static final long MAX_TIMESTAMP_NANOS = 0xFFFFFFFFL * 1_000_000_000L + 999_999_999L;

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] scratch = new byte[2048];
    private boolean closed;

    public PcapWriter(Path file) throws IOException {
        this(Files.newOutputStream(file));
    }

    /** Takes ownership of {@code out}: closing the writer closes it. */
    public PcapWriter(OutputStream out) throws IOException {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 1 << 16);
        header.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4)
                .putInt(0) // thiszone: timestamps are UTC
                .putInt(0) // sigfigs
                .putInt(SNAP_LENGTH).putInt(LINKTYPE_RAW);
        this.out.write(header.array(), 0, 24);
    }

    public void write(long timestampNanos, byte[] packet) throws IOException {
        write(timestampNanos, packet, 0, packet.length);
    }

    public void write(long timestampNanos, byte[] packet, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, packet.length);
        writeRecordHeader(timestampNanos, len);
        out.write(packet, off, Math.min(len, SNAP_LENGTH));
    }

    /**
     * Writes {@code len} bytes starting at absolute index {@code off} of {@code buf}; the
     * buffer's position and limit are left alone, so a caller can log a packet it is still using.
     */
    public void write(long timestampNanos, ByteBuffer buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.limit());
        if (buf.hasArray()) {
            write(timestampNanos, buf.array(), buf.arrayOffset() + off, len);
            return;
        }
        int captured = Math.min(len, SNAP_LENGTH);
        if (scratch.length < captured) {
            scratch = new byte[captured];
        }
        buf.get(off, scratch, 0, captured);
        writeRecordHeader(timestampNanos, len);
        out.write(scratch, 0, captured);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }

    private void writeRecordHeader(long timestampNanos, int len) throws IOException {
        if (closed) {
            throw new IOException("PcapWriter is closed");
        }
        if (timestampNanos < 0 || timestampNanos > MAX_TIMESTAMP_NANOS) {
            // pcap seconds are unsigned 32-bit: 1970 to 2106.
            throw new IllegalArgumentException("timestamp out of pcap range: " + timestampNanos + " ns");
        }
        header.clear();
        header.putInt((int) (timestampNanos / 1_000_000_000L))
                .putInt((int) (timestampNanos % 1_000_000_000L / 1_000L))
                .putInt(Math.min(len, SNAP_LENGTH))
                .putInt(len);
        out.write(header.array(), 0, 16);
    }
}
