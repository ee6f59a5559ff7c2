package net.jclat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jclat's memory defaults (docs/benchmarks.md, "RSS under a long load"): a small Serial-GC heap whose old
 * generation shrinks back after a full GC, a 1 MB young generation, native memory handed back every
 * 5 s, small stacks and at most two malloc arenas. Each was measured to hold VmRSS down; this test fails
 * when one of them vanishes from the launcher. The real launcher starts the real JVM, which prints the
 * values it ended up with.
 */
class LauncherMemoryFlagsTest {
    private static final Pattern FLAG = Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+= (\\S+)", Pattern.MULTILINE);
    private static final String ENV_MAIN = "net.jclat.runtime.LauncherMemoryFlagsTest$PrintArenas";

    @TempDir
    static Path dir;
    private static Path emptyJar;
    private static Path envJar;

    /** Prints MALLOC_ARENA_MAX as the launched JVM sees it; the launcher's environment is its to set. */
    public static final class PrintArenas {
        public static void main(String[] args) {
            System.out.println("MALLOC_ARENA_MAX=" + System.getenv("MALLOC_ARENA_MAX"));
        }
    }

    @BeforeAll
    static void jars() throws Exception {
        emptyJar = jar("empty.jar", null);
        envJar = jar("env.jar", ENV_MAIN);
    }

    private static Path jar(String name, String main) throws Exception {
        Path p = dir.resolve(name);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (main != null) {
            mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p), mf)) {
            if (main != null) {
                String entry = main.replace('.', '/') + ".class";
                try (InputStream in = LauncherMemoryFlagsTest.class.getResourceAsStream("/" + entry)) {
                    out.putNextEntry(new JarEntry(entry));
                    in.transferTo(out);
                }
            }
        }
        return p;
    }

    /** The launcher's output with this jar, extra JVM options and environment. */
    private static String launch(Path jar, String javaOpts, Map<String, String> env, String... args) throws Exception {
        return LauncherRun.output(jar, javaOpts, env, args);
    }

    /** The JVM's final value of each flag named, from -XX:+PrintFlagsFinal (the JVM exits at -version). */
    private static Map<String, String> flags(String... args) throws Exception {
        String out = launch(emptyJar, "-XX:+PrintFlagsFinal -version", Map.of(), args);
        Map<String, String> all = new TreeMap<>();
        Matcher m = FLAG.matcher(out);
        while (m.find()) {
            all.put(m.group(1), m.group(2));
        }
        return all;
    }

    private static void assertMemoryDefaults(Map<String, String> f) {
        assertEquals("true", f.get("UseSerialGC"), "Serial GC: no GC threads, the smallest GC data");
        assertEquals(String.valueOf(4L << 20), f.get("InitialHeapSize"), "-Xms4m");
        assertEquals(String.valueOf(32L << 20), f.get("MaxHeapSize"), "-Xmx32m");
        assertEquals(String.valueOf(1L << 20), f.get("MaxNewSize"), "-Xmn1m");
        assertEquals("10", f.get("MinHeapFreeRatio"), "the old generation grows by little");
        assertEquals("30", f.get("MaxHeapFreeRatio"), "and shrinks back after a full GC");
        assertEquals("5000", f.get("TrimNativeHeapInterval"), "malloc'ed memory handed back every 5 s");
        assertEquals("512", f.get("ThreadStackSize"), "-Xss512k");
        assertEquals(String.valueOf(24L << 20), f.get("ReservedCodeCacheSize"), "code cache");
        assertEquals("false", f.get("UsePerfData"), "no hsperfdata file mapped");
    }

    @Test
    void memoryDefaultsForRunWithAndWithoutTheFastPath() throws Exception {
        assertMemoryDefaults(flags("run", "--uplink", "wan0"));
        assertMemoryDefaults(flags("run", "--uplink", "wan0", "--fast-path", "off"));
    }

    @Test
    void userOptionsComeAfterTheDefaultsAndWin() throws Exception {
        String out = launch(emptyJar, "-Xmx64m -XX:+PrintFlagsFinal -version", Map.of(), "run");
        Matcher m = Pattern.compile("^\\s*\\S+\\s+MaxHeapSize\\s+= (\\d+)", Pattern.MULTILINE).matcher(out);
        assertTrue(m.find(), out);
        assertEquals(String.valueOf(64L << 20), m.group(1));
    }

    @Test
    void twoMallocArenasUnlessTheUserSaysOtherwise() throws Exception {
        assertEquals("MALLOC_ARENA_MAX=2", launch(envJar, "", Map.of(), "run").strip());
        assertEquals("MALLOC_ARENA_MAX=4", launch(envJar, "", Map.of("MALLOC_ARENA_MAX", "4"), "run").strip());
    }
}
