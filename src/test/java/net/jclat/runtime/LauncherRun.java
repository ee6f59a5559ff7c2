package net.jclat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real bin/jclat with a given jar and JVM options, no CDS archive unless env names one
 * (JCLAT_CDS_ARCHIVE); returns what it printed.
 */
final class LauncherRun {
    private LauncherRun() {
    }

    static String output(Path jar, String javaOpts, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/jclat"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("MALLOC_ARENA_MAX");
        pb.environment().put("JCLAT_CDS_ARCHIVE", "");
        pb.environment().putAll(env);
        pb.environment().put("JCLAT_JAVA_OPTS", javaOpts);
        pb.environment().put("JCLAT_JAR", jar.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher's JVM did not exit");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
