package net.jclat.offline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import net.jclat.pcap.PcapPacket;
import net.jclat.pcap.PcapReader;
import net.jclat.pcap.PcapWriter;
import net.jclat.xlat.Counters;
import net.jclat.xlat.ReassemblyLimits;
import net.jclat.xlat.Translator;
import net.jclat.xlat.Verdict;
import net.jclat.xlat.XlatConfig;

/**
 * "What would jclat do with this packet?": runs every packet of a capture through the translation core
 * and writes what comes out. The output file appears only when the whole input was read: a bad capture
 * leaves nothing behind.
 */
public final class PcapTranslation {
    private final XlatConfig config;

    public PcapTranslation(XlatConfig config) {
        this.config = config;
    }

    /** What a run did. */
    public record Result(int packetsIn, int packetsOut, Counters counters) {
    }

    /**
     * Translates {@code in} into {@code out}; with {@code explain} non-null, prints one line per input packet:
     * index, verdict ({@code translated}, {@code icmp-error}, {@code dropped:REASON}) and a summary.
     */
    public Result run(Path in, Path out, PrintStream explain) throws IOException {
        Counters counters = new Counters();
        // The capture's own clock: ICMP fragments time out in reassembly as they would have in the daemon, whose
        // workers have the same limits, and the rate limit of ICMP errors (if on) runs on it too.
        long[] now = {0};
        Translator translator = new Translator(config, counters, () -> now[0], ReassemblyLimits.DEFAULT);
        ByteBuffer work = ByteBuffer.allocateDirect(Translator.HEADROOM + PcapReader.MAX_RECORD_BYTES);
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".jclat-", ".pcap.tmp");
        int index = 0;
        int[] written = {0};
        try (PcapReader reader = new PcapReader(in); PcapWriter writer = new PcapWriter(tmp)) {
            PcapPacket packet;
            while ((packet = reader.next()) != null) {
                index++;
                long ts = packet.timestampNanos();
                now[0] = ts;
                byte[] data = packet.data();
                work.clear();
                work.put(Translator.HEADROOM, data);
                String before = explain == null ? null : PacketSummary.describe(work, Translator.HEADROOM, data.length);
                StringBuilder after = explain == null ? null : new StringBuilder();
                Verdict verdict = !packet.ip() ? null : translator.translate(work, Translator.HEADROOM, data.length,
                        (buf, off, len) -> {
                            try {
                                writer.write(ts, buf, off, len);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            written[0]++;
                            if (after != null) {
                                after.append(" => ").append(PacketSummary.describe(buf, off, len));
                            }
                        });
                if (explain != null) {
                    String why = verdict == Verdict.ICMP_ERROR ? "(" + translator.lastDrop().label() + ") " : "";
                    explain.println(index + " " + verdictText(verdict, translator) + " " + why + before + after);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            if (e instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(index, written[0], counters);
    }

    private static String verdictText(Verdict v, Translator t) {
        if (v == null) {
            return "skipped:not-ip";
        }
        return switch (v) {
            case TRANSLATED -> "translated";
            case ICMP_ERROR -> "icmp-error";
            case DROPPED -> "dropped:" + t.lastDrop().label();
            case HELD -> "held-for-reassembly";
        };
    }
}
