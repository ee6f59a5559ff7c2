package net.jclat.fastpath;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fast path's programs for a test class ({@code @RegisterExtension static final LoadedPrograms LOADED}):
 * loaded before its tests, closed after them; the class is skipped where the kernel refuses bpf(2), and a
 * verifier refusal fails it.
 */
final class LoadedPrograms implements BeforeAllCallback, AfterAllCallback {
    private FastPathPrograms programs;

    FastPathPrograms programs() {
        return programs;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        try {
            programs = FastPathPrograms.load();
        } catch (Bpf.BpfException e) {
            assumeTrue(e.errno != 1 && e.errno != 38, "no bpf(2) here: " + e.getMessage()); // EPERM, ENOSYS
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (programs != null) {
            programs.close();
            programs = null;
        }
    }
}
