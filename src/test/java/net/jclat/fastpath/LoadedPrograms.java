package net.jclat.fastpath;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;

/** The fast path's programs for a test class: skipped where the kernel refuses bpf(2); a verifier refusal fails. */
final class LoadedPrograms {
    private LoadedPrograms() {
    }

    static FastPathPrograms loadOrSkip() throws IOException {
        try {
            return FastPathPrograms.load();
        } catch (Bpf.BpfException e) {
            assumeTrue(e.errno != 1 && e.errno != 38, "no bpf(2) here: " + e.getMessage()); // EPERM, ENOSYS
            throw e;
        }
    }
}
