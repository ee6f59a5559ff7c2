package net.jclat.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jclat.pcap.PcapPacket;
import net.jclat.pcap.PcapReader;
import net.jclat.pcap.PcapWriter;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Drop;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Translator;
import net.jclat.xlat.WirePackets;
import net.jclat.xlat.XlatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jclat translate} on a capture of a 3000-byte ping's fragments, both directions and out of order:
 * it holds the fragments, and writes what the translator makes of the whole datagrams (RFC 7915 §4.2/§5.2);
 * the capture's own timestamps drive the reassembly timeout, as the daemon's clock does.
 */
class PcapTranslationReassemblyTest {
    static final byte[] CLAT4 = WirePackets.v4("192.0.0.1");
    static final byte[] REMOTE4 = WirePackets.v4("198.51.100.10");
    static final byte[] CLAT6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c};
    static final byte[] REMOTE6 = WirePackets.embed(Arrays.copyOf(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0,
        0x64}, 16), 96, REMOTE4);

    @TempDir
    Path dir;

    static XlatConfig config() {
        return XlatConfig.builder().pref64("2001:db8:64::/96").clat("192.0.0.1", "2001:db8:1::c").pref64ForLocal(false)
                .translatorIpv6(Ipv6Prefix.parse("2001:db8:1::c")).icmpErrorsPerSecond(0).build();
    }

    static byte[] request4() {
        byte[] data = new byte[3000];
        new Random(1).nextBytes(data);
        return WirePackets.datagram4(0, 0x5151, false, 64, WirePackets.ICMP, CLAT4, REMOTE4, new byte[0],
                WirePackets.icmp(8, 0, 0x0042_0001L, data), false);
    }

    static List<byte[]> reply6(int maxData) {
        byte[] data = new byte[3000];
        new Random(2).nextBytes(data);
        byte[] seg = WirePackets.icmp(129, 0, 0x0042_0001L, data);
        WirePackets.finishL4(seg, WirePackets.ICMPV6, WirePackets.pseudo6(REMOTE6, CLAT6, WirePackets.ICMPV6,
                seg.length), false);
        return WirePackets.fragment6(0, 0, 60, REMOTE6, CLAT6, new int[0], new byte[0][], WirePackets.ICMPV6, seg,
                maxData, 0x6262);
    }

    /** What one translator makes of the whole datagrams: the reference. */
    static List<byte[]> translatedWhole(byte[]... whole) {
        Translator t = new Translator(config(), new Counters());
        ByteBuffer b = ByteBuffer.allocateDirect(Translator.HEADROOM + 70_000);
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : whole) {
            b.put(Translator.HEADROOM, p);
            t.translate(b, Translator.HEADROOM, p.length, (buf, o, l) -> out.add(WirePackets.copy(buf, o, l)));
        }
        return out;
    }

    private Path capture(long[] times, List<byte[]> packets) throws IOException {
        Path p = dir.resolve("in.pcap");
        try (PcapWriter w = new PcapWriter(p)) {
            for (int i = 0; i < packets.size(); i++) {
                byte[] d = packets.get(i);
                w.write(times[i], ByteBuffer.wrap(d), 0, d.length);
            }
        }
        return p;
    }

    private static List<byte[]> read(Path p) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (PcapReader r = new PcapReader(p)) {
            for (PcapPacket k; (k = r.next()) != null; ) {
                out.add(k.data());
            }
        }
        return out;
    }

    @Test
    void fragmentsOfAPingBothWaysOutOfOrderComeOutAsTheWholeDatagramsTranslated() throws IOException {
        List<byte[]> v4 = WirePackets.fragment4(request4(), 1480);
        List<byte[]> v6 = reply6(1232);
        List<byte[]> in = List.of(v4.get(2), v4.get(0), v6.get(1), v4.get(1), v6.get(2), v6.get(0));
        long t0 = TimeUnit.SECONDS.toNanos(1_700_000_000L);
        Path pcap = capture(new long[] {t0, t0 + 1000, t0 + 2000, t0 + 3000, t0 + 4000, t0 + 5000}, in);
        ByteArrayOutputStream explain = new ByteArrayOutputStream();
        PcapTranslation.Result r = new PcapTranslation(config()).run(pcap, dir.resolve("out.pcap"),
                new PrintStream(explain, true, StandardCharsets.UTF_8));
        List<byte[]> expected = translatedWhole(request4(), reply6(1 << 16).get(0));
        List<byte[]> got = read(dir.resolve("out.pcap"));
        assertEquals(expected.size(), got.size(), "3 IPv6 fragments of the request, 3 IPv4 ones of the reply");
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "packet " + i);
        }
        String text = explain.toString(StandardCharsets.UTF_8);
        assertEquals(4, text.lines().filter(l -> l.contains(" held-for-reassembly ")).count(), text);
        assertEquals(6, r.counters().get(Counters.TRANSLATED_4TO6) + r.counters().get(Counters.TRANSLATED_6TO4));
    }

    @Test
    void fragmentsFurtherApartInTheCaptureThanTheTimeoutAreDropped() throws IOException {
        List<byte[]> v4 = WirePackets.fragment4(request4(), 1480);
        long t0 = TimeUnit.SECONDS.toNanos(1_700_000_000L);
        long later = t0 + TimeUnit.SECONDS.toNanos(6);
        Path pcap = capture(new long[] {t0, t0 + 1000, later}, v4);
        PcapTranslation.Result r = new PcapTranslation(config()).run(pcap, dir.resolve("out.pcap"), null);
        assertEquals(0, r.packetsOut());
        assertEquals(2, r.counters().dropped(Drop.REASSEMBLY_TIMEOUT), "the first two expired, by capture time");
        assertTrue(r.counters().get(Counters.REASSEMBLY_PENDING_4TO6) == 1, "the last waits for its lost siblings");
    }
}
