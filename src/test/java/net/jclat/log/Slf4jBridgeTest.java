package net.jclat.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * dnsjava's SLF4J lines reach jclat's console at their level, SLF4J finds the provider without a warning,
 * and {@code -Djclat.log.level} sets the threshold. In a fresh JVM each, since the logger starts once.
 */
class Slf4jBridgeTest {
    /** What runs in the child JVM. */
    public static final class Demo {
        public static void main(String[] args) {
            Log.tagConsoleLines("demo");
            org.slf4j.Logger dns = LoggerFactory.getLogger("org.xbill.DNS.NioUdpClient");
            dns.trace("trace {}", 0);
            dns.debug("debug {} {}", "a", "b");
            dns.info("info {}", 1);
            dns.warn("warn with trace", new IllegalStateException("why"));
            Log.debug("own debug {}", 2);
            Log.error("own error");
            System.err.println("provider " + LoggerFactory.getILoggerFactory().getClass().getName());
        }
    }

    private static List<String> run(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Demo.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void infoByDefaultDebugWhenAsked() throws Exception {
        List<String> info = run();
        String all = String.join("\n", info);
        assertFalse(all.contains("SLF4J"), all); // "No SLF4J providers were found" and the like
        assertTrue(all.contains("provider net.jclat.log.Slf4jProvider"), all);
        assertTrue(info.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d jclat\\[demo] INFO info 1"), all);
        assertTrue(info.get(1).endsWith(" jclat[demo] WARN warn with trace: java.lang.IllegalStateException: why"), all);
        assertTrue(info.get(2).startsWith("\tat net.jclat.log.Slf4jBridgeTest$Demo.main"), all);
        assertFalse(all.contains("DEBUG") || all.contains("TRACE"), all);
        assertTrue(all.contains(" jclat[demo] ERROR own error"), all);

        String debug = String.join("\n", run("-Djclat.log.level=debug"));
        assertTrue(debug.contains(" jclat[demo] DEBUG debug a b\n"), debug);
        assertTrue(debug.contains(" jclat[demo] DEBUG own debug 2\n"), debug);
        assertFalse(debug.contains("TRACE"), debug);
        assertTrue(String.join("\n", run("-Djclat.log.level=trace")).contains(" jclat[demo] TRACE trace 0"));
    }
}
