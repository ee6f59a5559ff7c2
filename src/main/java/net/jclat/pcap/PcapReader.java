package net.jclat.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads classic libpcap files (either byte order, microsecond or nanosecond timestamps) and
 * hands back bare IP packets. pcapng is rejected with a hint on how to convert it.
 *
 * <p>Not thread-safe. The reader owns its stream: {@link #close()} closes it, and so does a
 * constructor that rejects the file header.
 */
public final class PcapReader implements AutoCloseable {

    /** Larger captured lengths mean a corrupt file, not a real packet (libpcap's own limit). */
    public static final int MAX_RECORD_BYTES = 262144;

    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;
    private static final int MAGIC_PCAPNG = 0x0A0D0D0A;
    private static final String STREAM = "<stream>";

    private final InputStream in;
    private final String source;
    private final ByteOrder order;
    private final boolean nanos;
    private final int linkType;
    private final int snapLength;
    private final byte[] header = new byte[RECORD_HEADER];
    private long offset = FILE_HEADER;
    private int records;

    public PcapReader(Path file) throws IOException {
        this(Files.newInputStream(file), file.toString());
    }

    public PcapReader(InputStream in) throws IOException {
        this(in, STREAM);
    }

    /** @param source name used in error messages, usually the file name */
    public PcapReader(InputStream in, String source) throws IOException {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
        this.source = source;
        try {
            byte[] h = this.in.readNBytes(FILE_HEADER);
            int magic = h.length < 4 ? 0 : ByteBuffer.wrap(h).getInt(0);
            if (magic == MAGIC_PCAPNG) {
                String input = source.equals(STREAM) ? "in.pcapng" : "'" + source + "'";
                throw fail("is a pcapng file, which is not supported; convert it to classic pcap"
                        + " with: editcap -F pcap " + input + " out.pcap");
            }
            if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
                order = ByteOrder.BIG_ENDIAN;
            } else if (magic == Integer.reverseBytes(MAGIC_MICROS) || magic == Integer.reverseBytes(MAGIC_NANOS)) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else {
                throw fail(h.length < 4 ? "is too short to be a pcap file (" + h.length + " bytes)"
                        : String.format("is not a pcap file (magic number 0x%08x)", magic));
            }
            if (h.length < FILE_HEADER) {
                throw fail("ends inside the pcap file header (" + h.length + " of 24 bytes)");
            }
            ByteBuffer b = ByteBuffer.wrap(h).order(order);
            nanos = b.getInt(0) == MAGIC_NANOS;
            int major = b.getShort(4) & 0xFFFF;
            if (major != 2) {
                throw fail("has unsupported pcap format version " + major + "." + (b.getShort(6) & 0xFFFF));
            }
            snapLength = b.getInt(16);
            // The upper 16 bits can carry FCS flags; the link type proper is the low half.
            linkType = b.getInt(20) & 0xFFFF;
            if (!LinkDecoder.supports(linkType)) {
                throw fail("has unsupported link type " + linkType
                        + " (see https://www.tcpdump.org/linktypes.html); supported: " + LinkDecoder.SUPPORTED);
            }
        } catch (IOException | RuntimeException e) {
            this.in.close();
            throw e;
        }
    }

    /**
     * Next record, or null at the end of the file. After a {@link PcapFormatException} the
     * position in the file is lost; close the reader.
     */
    public PcapPacket next() throws IOException {
        int n = in.readNBytes(header, 0, RECORD_HEADER);
        if (n == 0) {
            return null;
        }
        long at = offset;
        int index = records + 1;
        if (n < RECORD_HEADER) {
            throw fail(index, at, "file ends inside the 16-byte record header (" + n + " bytes present)");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(order);
        long seconds = b.getInt(0) & 0xFFFFFFFFL;
        long fraction = b.getInt(4) & 0xFFFFFFFFL;
        long captured = b.getInt(8) & 0xFFFFFFFFL;
        long original = b.getInt(12) & 0xFFFFFFFFL;
        if (captured > MAX_RECORD_BYTES) {
            throw fail(index, at, "captured length " + captured + " exceeds " + MAX_RECORD_BYTES
                    + " bytes; the file is corrupt");
        }
        byte[] frame = in.readNBytes((int) captured);
        offset += RECORD_HEADER + frame.length;
        if (frame.length < captured) {
            throw fail(index, at, "record header claims " + captured + " captured bytes but the file ends after "
                    + frame.length + " (file truncated?)");
        }
        records++;
        long ts = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        // Some writers put orig_len < incl_len; the captured bytes are the better evidence.
        int wire = (int) Math.min(Integer.MAX_VALUE, Math.max(original, captured));
        return LinkDecoder.decode(linkType, ts, frame, wire);
    }

    /** Link type number from the file header (low 16 bits). */
    public int linkType() {
        return linkType;
    }

    public int snapLength() {
        return snapLength;
    }

    /** True for files with the nanosecond magic 0xa1b23c4d. */
    public boolean nanosecondTimestamps() {
        return nanos;
    }

    public ByteOrder byteOrder() {
        return order;
    }

    /** Number of records returned so far. */
    public int recordsRead() {
        return records;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private PcapFormatException fail(String what) {
        return new PcapFormatException(source + " " + what);
    }

    private PcapFormatException fail(int index, long at, String what) {
        return new PcapFormatException(source + ": record " + index + " (byte offset " + at + "): " + what);
    }
}
