package net.jclat.pcap;

import static net.jclat.pcap.PcapBytes.ipv4;
import static net.jclat.pcap.PcapBytes.ipv6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks our files against Wireshark's tools; skipped where they are not installed. */
class PcapToolInteropTest {

    @TempDir
    Path dir;

    private static final byte[] V4 = ipv4(32);
    private static final byte[] V6 = ipv6(64);

    private Path writeSample() throws IOException {
        Path f = dir.resolve("sample.pcap");
        try (PcapWriter w = new PcapWriter(f)) {
            w.write(1_700_000_000_000_001_000L, V4);
            w.write(1_700_000_000_500_000_000L, V6);
        }
        return f;
    }

    /** Runs a tool, skipping the test if it is missing; returns stdout+stderr. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort(command[0] + " is not installed");
            throw e;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command[0] + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    @Test
    void capinfosAcceptsWriterOutput() throws Exception {
        Path f = writeSample();
        String info = run("capinfos", "-M", f.toString());
        assertTrue(info.matches("(?s).*File type:\\s+pcap\\n.*"), info);
        assertTrue(info.matches("(?s).*File encapsulation:\\s+rawip\\n.*"), info);
        assertTrue(info.matches("(?s).*File timestamp precision:\\s+microseconds.*"), info);
        assertTrue(info.matches("(?s).*Packet size limit:\\s+file hdr: 262144 bytes.*"), info);
        assertTrue(info.matches("(?s).*Number of packets:\\s+2\\n.*"), info);
    }

    @Test
    void tsharkDecodesWriterOutputAsIpv4ThenIpv6() throws Exception {
        String out = run("tshark", "-r", writeSample().toString(), "-T", "fields", "-e", "frame.protocols");
        // tshark may add warnings (e.g. about running as root); keep only the field lines.
        List<String> protocols = out.lines().filter(l -> l.startsWith("raw:")).toList();
        assertEquals(2, protocols.size(), out);
        assertTrue(protocols.get(0).startsWith("raw:ip:"), out);
        assertTrue(protocols.get(1).startsWith("raw:ipv6:"), out);
    }

    @Test
    void editcapNanosecondOutputReadsBackIdentically() throws Exception {
        Path nsec = dir.resolve("nsec.pcap");
        run("editcap", "-F", "nsecpcap", writeSample().toString(), nsec.toString());
        try (PcapReader r = new PcapReader(nsec)) {
            assertTrue(r.nanosecondTimestamps());
            List<PcapPacket> packets = new ArrayList<>();
            for (PcapPacket p; (p = r.next()) != null; ) {
                packets.add(p);
            }
            assertEquals(2, packets.size());
            assertEquals(1_700_000_000_000_001_000L, packets.get(0).timestampNanos());
            assertArrayEquals(V4, packets.get(0).data());
            assertArrayEquals(V6, packets.get(1).data());
        }
    }

    @Test
    void pcapngFromEditcapIsRejectedAndItsSuggestedConversionWorks() throws Exception {
        Path ng = dir.resolve("sample.pcapng");
        run("editcap", "-F", "pcapng", writeSample().toString(), ng.toString());
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> new PcapReader(ng));
        assertTrue(e.getMessage().contains("editcap -F pcap"), e.getMessage());

        Path back = dir.resolve("back.pcap");
        run("editcap", "-F", "pcap", ng.toString(), back.toString());
        try (PcapReader r = new PcapReader(back)) {
            assertArrayEquals(V4, r.next().data());
            assertArrayEquals(V6, r.next().data());
            assertNull(r.next());
        }
    }
}
