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
}
