package net.jclat.xlat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the translation core, one target per direction (RFC 7915 §4 and §5), through
 * eight configurations (nat44, prefix and SIIT modes; EAMs; every RFC 6052 prefix length; MTUs from 68 to
 * 65535; ICMP errors on, off and rate-limited). {@link TranslatorFuzzHarness} documents the input format and
 * what is checked for every input.
 *
 * <p>In a plain {@code mvn test} (no {@code JAZZER_FUZZ}) each target replays its seed corpus in
 * {@code src/test/resources/net/jclat/xlat/TranslatorFuzzTestInputs/<method>/}: real packets of every kind,
 * built by {@link FuzzSeeds}. {@code bin/jclat-fuzz} runs them coverage-guided.
 */
class TranslatorFuzzTest {
    private static final TranslatorFuzzHarness HARNESS = new TranslatorFuzzHarness();

    @FuzzTest(maxDuration = "30s")
    void ipv4ToIpv6(byte[] data) {
        HARNESS.run(data, 4);
    }

    @FuzzTest(maxDuration = "30s")
    void ipv6ToIpv4(byte[] data) {
        HARNESS.run(data, 6);
    }
}
