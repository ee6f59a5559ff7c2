package net.jclat.xlat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seed corpus the regular test run replays through {@link TranslatorFuzzTest} is the one {@link FuzzSeeds}
 * builds (so it can be regenerated), and it is meaningful: in each direction some seeds are translated, some
 * fragmented, some answered with an ICMP error, ICMP errors are translated, and some are dropped.
 */
class TranslatorFuzzSeedsTest {
    private static final Path CORPUS = Path.of("src/test/resources/net/jclat/xlat/TranslatorFuzzTestInputs");

    @Test
    void committedSeedsAreTheGeneratedOnes() throws IOException {
        assertCommitted("ipv4ToIpv6", FuzzSeeds.ipv4ToIpv6());
        assertCommitted("ipv6ToIpv4", FuzzSeeds.ipv6ToIpv4());
    }

    private static void assertCommitted(String method, Map<String, byte[]> seeds) throws IOException {
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Path file = CORPUS.resolve(method).resolve(e.getKey());
            assertTrue(Files.exists(file), file + " missing: run bin/jclat-fuzz --seeds");
            assertArrayEquals(e.getValue(), Files.readAllBytes(file), file + " differs from FuzzSeeds");
        }
    }

    @Test
    void ipv4SeedsReachEveryOutcome() {
        assertOutcomes(FuzzSeeds.ipv4ToIpv6());
    }

    @Test
    void ipv6SeedsReachEveryOutcome() {
        assertOutcomes(FuzzSeeds.ipv6ToIpv4());
    }

    private static void assertOutcomes(Map<String, byte[]> seeds) {
        Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        int fragmented = 0;
        int icmpErrorsTranslated = 0;
        List<String> translated = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            byte[] s = e.getValue();
            XlatConfig c = TranslatorFuzzHarness.CONFIGS.get(s[0] & 7);
            byte[] p = java.util.Arrays.copyOfRange(s, 1, s.length);
            Translator t = new Translator(c, new Counters());
            ByteBuffer b = ByteBuffer.allocateDirect(Translator.HEADROOM + p.length);
            b.put(Translator.HEADROOM, p);
            int[] n = new int[1];
            Verdict v = t.translate(b, Translator.HEADROOM, p.length, (x, o, l) -> n[0]++);
            verdicts.merge(v, 1, Integer::sum);
            outcomes.add(e.getKey() + ": " + v + (t.lastDrop() == null ? "" : " " + t.lastDrop().label()));
            if (v == Verdict.TRANSLATED) {
                translated.add(e.getKey());
                fragmented += n[0] > 1 ? 1 : 0;
                int proto = (p[0] & 0xF0) == 0x40 ? p[9] : p[6];
                icmpErrorsTranslated += (proto == 1 && (p[20] == 3 || p[20] == 11 || p[20] == 12))
                        || (proto == 58 && p[40] >= 1 && p[40] <= 4) ? 1 : 0;
            }
        }
        assertTrue(verdicts.getOrDefault(Verdict.TRANSLATED, 0) >= seeds.size() / 2, () -> "translated: " + verdicts);
        assertTrue(verdicts.getOrDefault(Verdict.ICMP_ERROR, 0) >= 1, () -> "answered: " + verdicts);
        assertTrue(verdicts.getOrDefault(Verdict.DROPPED, 0) >= 1, () -> "dropped: " + verdicts);
        assertTrue(fragmented >= 1, "no seed is fragmented by the translator");
        assertTrue(icmpErrorsTranslated >= 5, "ICMP errors translated: " + icmpErrorsTranslated + " in " + outcomes);
        assertEquals(seeds.size(), verdicts.values().stream().mapToInt(Integer::intValue).sum());
    }
}
