package net.jclat.xlat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one packet with a virtio-net header through {@link Translator#translateVnet} the way an offload
 * worker does (header at {@link Translator#HEADROOM}, packet right after it, garbage around) and copies
 * what the sink receives: header and packet together.
 */
final class VnetRun {
    final Verdict verdict;
    final List<byte[]> out;
    final Translator translator;

    private VnetRun(Verdict verdict, List<byte[]> out, Translator translator) {
        this.verdict = verdict;
        this.out = out;
        this.translator = translator;
    }

    static VnetRun run(XlatConfig config, byte[] header, byte[] packet) {
        return run(new Translator(config, new Counters()), header, packet);
    }

    static VnetRun run(Translator t, byte[] header, byte[] packet) {
        ByteBuffer buf = ByteBuffer.allocateDirect(Translator.HEADROOM + header.length + packet.length + 256);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0xA5);
        }
        buf.put(Translator.HEADROOM, header);
        buf.put(Translator.HEADROOM + header.length, packet);
        List<byte[]> out = new ArrayList<>();
        Verdict v = t.translateVnet(buf, Translator.HEADROOM + header.length, packet.length, (b, off, len) -> {
            byte[] copy = new byte[len];
            b.get(off, copy);
            out.add(copy);
        });
        return new VnetRun(v, out, t);
    }

    /** A virtio-net header built field by field, little-endian, independently of {@link VirtioNetHeader}. */
    static byte[] header(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        byte[] h = new byte[10];
        h[0] = (byte) flags;
        h[1] = (byte) gsoType;
        le16(h, 2, hdrLen);
        le16(h, 4, gsoSize);
        le16(h, 6, csumStart);
        le16(h, 8, csumOffset);
        return h;
    }

    private static void le16(byte[] h, int at, int v) {
        h[at] = (byte) v;
        h[at + 1] = (byte) (v >>> 8);
    }

    static byte[] packetOf(byte[] withHeader) {
        return java.util.Arrays.copyOfRange(withHeader, 10, withHeader.length);
    }

    static byte[] headerOf(byte[] withHeader) {
        return java.util.Arrays.copyOf(withHeader, 10);
    }
}
