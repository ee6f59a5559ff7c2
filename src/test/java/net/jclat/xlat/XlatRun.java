package net.jclat.xlat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one packet through a fresh {@link Translator} the way a worker does (packet at {@link
 * Translator#HEADROOM} in a direct buffer, garbage after it), copies what the sink receives, and checks every
 * emitted packet with {@link PacketAssert#valid}.
 */
final class XlatRun {
    final Verdict verdict;
    final Drop drop;
    final List<byte[]> out;
    final Counters counters;

    private XlatRun(Verdict verdict, Drop drop, List<byte[]> out, Counters counters) {
        this.verdict = verdict;
        this.drop = drop;
        this.out = out;
        this.counters = counters;
    }

    /**
     * Sees every (configuration, packet) the RFC tests translate, before translation: {@link CoreVectors}
     * collects them so the kernel fast path is tested on the same vectors. Null outside that collection.
     */
    static volatile java.util.function.BiConsumer<XlatConfig, byte[]> observer;

    static XlatRun run(XlatConfig config, byte[] packet) {
        return run(new Translator(config, new Counters()), packet);
    }

    static XlatRun run(Translator t, byte[] packet) {
        java.util.function.BiConsumer<XlatConfig, byte[]> o = observer;
        if (o != null) {
            o.accept(t.config(), packet.clone());
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(Translator.HEADROOM + packet.length + 256);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0xA5); // garbage around the packet: nothing may read it
        }
        buf.put(Translator.HEADROOM, packet);
        List<byte[]> out = new ArrayList<>();
        Verdict v = t.translate(buf, Translator.HEADROOM, packet.length, (b, off, len) -> {
            byte[] copy = new byte[len];
            b.get(off, copy);
            out.add(copy);
        });
        for (byte[] p : out) {
            PacketAssert.valid(p);
        }
        return new XlatRun(v, t.lastDrop(), out, t.counters());
    }

    /** Exactly one translated packet, no drop. */
    byte[] single() {
        assertEquals(Verdict.TRANSLATED, verdict, () -> "verdict (drop " + drop + ")");
        assertNull(drop, "no drop reason");
        assertEquals(1, out.size(), "packets emitted");
        return out.get(0);
    }

    PacketAssert.V6 single6() {
        return PacketAssert.valid6(single());
    }

    PacketAssert.V4 single4() {
        return PacketAssert.valid4(single());
    }

    /** Dropped with the given reason and nothing emitted. */
    void assertSilentDrop(Drop reason) {
        assertEquals(Verdict.DROPPED, verdict, "verdict");
        assertEquals(reason, drop, "drop reason");
        assertTrue(out.isEmpty(), () -> out.size() + " packets emitted for a silent drop");
    }

    /** Dropped with the given reason and answered with exactly one ICMP error. */
    byte[] assertAnswered(Drop reason) {
        assertEquals(Verdict.ICMP_ERROR, verdict, () -> "verdict (drop " + drop + ")");
        assertEquals(reason, drop, "drop reason");
        assertEquals(1, out.size(), "ICMP errors emitted");
        return out.get(0);
    }
}
