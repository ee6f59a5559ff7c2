package net.jclat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jclat.pcap.PcapPacket;
import net.jclat.pcap.PcapReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jclat translate} end to end on the sample capture shipped in docs/examples. */
class TranslateCommandTest {
    private static final Path SAMPLE = Path.of("docs/examples/sample.pcap");
    private static final String[] CLAT = {"translate", "--pref64", "2001:db8:64::/96", "--clat-v4", "192.0.0.1",
        "--clat-v6", "2001:db8:1::c"};

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... extra) {
        String[] args = new String[CLAT.length + extra.length];
        System.arraycopy(CLAT, 0, args, 0, CLAT.length);
        System.arraycopy(extra, 0, args, CLAT.length, extra.length);
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static List<PcapPacket> read(Path p) throws IOException {
        List<PcapPacket> list = new ArrayList<>();
        try (PcapReader r = new PcapReader(p)) {
            PcapPacket pk;
            while ((pk = r.next()) != null) {
                list.add(pk);
            }
        }
        return list;
    }

    @Test
    void explainPrintsOneLinePerInputPacketWithIndexAndVerdict() throws IOException {
        Path o = dir.resolve("out.pcap");
        assertEquals(0, run("--in", SAMPLE.toString(), "--out", o.toString(), "--explain"));
        List<String> lines = lines();
        assertEquals(12, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("1 translated IPv4 192.0.0.1 > 198.51.100.10 udp"), lines.get(0));
        assertTrue(lines.get(5).startsWith("6 icmp-error (ttl-expired)"), lines.get(5));
        assertTrue(lines.get(8).startsWith("9 dropped:multicast"), lines.get(8));
        assertTrue(lines.get(9).startsWith("10 dropped:ipv4-bad-checksum"), lines.get(9));
        assertTrue(lines.get(10).startsWith("11 dropped:source-not-mapped"), lines.get(10));
        // RFC 6791: the router's ICMPv6 error comes out sourced from the translator's IPv4 address.
        assertTrue(lines.get(11).contains("=> IPv4 192.0.0.8 > 192.0.0.1 icmp type 11"), lines.get(11));
    }

    @Test
    void outputHoldsTranslationsAndGeneratedErrorsInOrderAsRawIp() throws IOException {
        Path o = dir.resolve("out.pcap");
        assertEquals(0, run("--in", SAMPLE.toString(), "--out", o.toString()));
        List<PcapPacket> pkts = read(o);
        // 7 translated + 2 generated errors + 1 extra fragment (packet 8 becomes two).
        assertEquals(10, pkts.size());
        assertEquals(6, pkts.get(0).data()[0] >> 4 & 0xF);
        assertEquals(4, pkts.get(3).data()[0] >> 4 & 0xF);
        byte[] first = Files.readAllBytes(o);
        assertEquals(101, first[20] & 0xFF, "link type RAW");
    }

    @Test
    void missingPref64IsAUsageErrorAndWritesNothing() {
        Path o = dir.resolve("out.pcap");
        int rc = Main.run(new String[] {"translate", "--in", SAMPLE.toString(), "--out", o.toString()},
                new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--pref64 is required"));
        assertFalse(Files.exists(o));
    }

    @Test
    void badPrefixLengthNamesTheOptionAndTheRule() {
        int rc = Main.run(new String[] {"translate", "--pref64", "2001:db8::/80", "--in", "x", "--out", "y"},
                new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("--pref64") && msg.contains("RFC 6052"), msg);
    }

    @Test
    void unreadableInputIsAUsageError() {
        Path o = dir.resolve("out.pcap");
        assertEquals(2, run("--in", dir.resolve("missing.pcap").toString(), "--out", o.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read"));
        assertFalse(Files.exists(o));
    }

    @Test
    void truncatedCaptureFailsWithoutLeavingAnOutputFile() throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLE);
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 10));
        Path o = dir.resolve("out.pcap");
        assertEquals(2, run("--in", cut.toString(), "--out", o.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("record 12"), err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(o));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void unknownOptionIsRejected() {
        assertEquals(2, run("--frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--frobnicate'"));
    }

    @Test
    void udpZeroChecksumPolicyValueIsValidated() {
        assertEquals(2, run("--udp-zero-checksum", "maybe", "--in", "a", "--out", "b"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'drop' or 'compute'"));
    }

    // --- The translation options jclat run has (RunConfigParserTranslationOptionsTest), spelled alike ---

    /** A pcap of UDP datagrams from 192.0.0.1, all at the same capture time. */
    private Path capture(String name, byte[]... packets) throws IOException {
        Path p = dir.resolve(name);
        try (net.jclat.pcap.PcapWriter w = new net.jclat.pcap.PcapWriter(p)) {
            for (byte[] pk : packets) {
                w.write(1_000_000_000L, pk);
            }
        }
        return p;
    }

    private static byte[] udp4To(int dst, int ttl) {
        byte[] p = new byte[28];
        p[0] = 0x45;
        p[3] = 28;
        p[8] = (byte) ttl;
        p[9] = 17;
        p[12] = (byte) 192;
        p[15] = 1;
        p[16] = (byte) (dst >>> 24);
        p[17] = (byte) (dst >>> 16);
        p[18] = (byte) (dst >>> 8);
        p[19] = (byte) dst;
        p[20] = 0x12;
        p[22] = 0;
        p[23] = 53;
        p[25] = 8;
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += (p[i] & 0xFF) << 8 | p[i + 1] & 0xFF;
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int c = (int) ~sum & 0xFFFF;
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        return p; // UDP checksum 0 with the default policy "compute"
    }

    private int runWkp(Path in, String... extra) {
        List<String> args = new ArrayList<>(List.of("translate", "--pref64", "64:ff9b::/96", "--clat-v4",
                "192.0.0.1", "--clat-v6", "2001:db8:1::c", "--in", in.toString(), "--out",
                dir.resolve("o.pcap").toString(), "--explain"));
        args.addAll(List.of(extra));
        out.reset();
        return Main.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void allowWkpNonGlobalTakesOnOrOffLikeJclatRunAndStaysAValuelessSwitch() throws IOException {
        Path in = capture("wkp.pcap", udp4To(0x0A010203, 64)); // to 10.1.2.3 through 64:ff9b::/96
        assertEquals(0, runWkp(in, "--allow-wkp-non-global", "on"));
        assertTrue(lines().get(0).startsWith("1 translated"), lines().get(0));
        assertEquals(0, runWkp(in, "--allow-wkp-non-global"));
        assertTrue(lines().get(0).startsWith("1 translated"), lines().get(0));
        assertEquals(0, runWkp(in, "--allow-wkp-non-global", "off"));
        assertTrue(lines().get(0).startsWith("1 icmp-error (wkp-non-global)"), lines().get(0));
    }

    @Test
    void icmpErrorsOffAndHairpinningOffAreSpelledAsForJclatRun() throws IOException {
        Path in = capture("ttl.pcap", udp4To(0x09090909, 1));
        assertEquals(0, runWkp(in, "--icmp-errors", "off", "--hairpinning", "off", "--ignore-tos", "on"));
        assertTrue(lines().get(0).startsWith("1 dropped:ttl-expired"), lines().get(0));
        assertEquals(0, runWkp(in, "--icmp-errors", "on"));
        assertTrue(lines().get(0).startsWith("1 icmp-error (ttl-expired)"), lines().get(0));
        assertEquals(2, runWkp(in, "--icmp-errors", "maybe"));
    }

    @Test
    void icmpErrorsPerSecondRunsOnTheCapturesClock() throws IOException {
        // Three expiring packets in the same instant of the capture, one token a second: one error, always.
        Path in = capture("burst.pcap", udp4To(0x09090909, 1), udp4To(0x09090909, 1), udp4To(0x09090909, 1));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, runWkp(in, "--icmp-errors-per-second", "1"));
            List<String> l = lines();
            assertTrue(l.get(0).startsWith("1 icmp-error (ttl-expired)"), l.get(0));
            assertTrue(l.get(1).startsWith("2 dropped:ttl-expired"), l.get(1));
            assertTrue(l.get(2).startsWith("3 dropped:ttl-expired"), l.get(2));
        }
    }
}
