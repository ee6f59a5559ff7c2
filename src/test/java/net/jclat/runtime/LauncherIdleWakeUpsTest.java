package net.jclat.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.DirectoryStream;
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
 * bin/jclat's idle JVM (docs/benchmarks.md, "Idle wake-ups of the JVM's own threads"): HotSpot's monitor
 * deflation thread looks for work every 250 ms and the VM thread every second even in a JVM that does
 * nothing; the launcher makes both every 5 s. The real launcher starts a real JVM, which counts its own
 * threads' wake-ups (voluntary context switches, /proc) over 3 idle seconds.
 */
class LauncherIdleWakeUpsTest {
    private static final String MAIN = "net.jclat.runtime.LauncherIdleWakeUpsTest$CountWakeUps";
    private static final Pattern LINE = Pattern.compile("^(.+)=(\\d+)$", Pattern.MULTILINE);

    @TempDir
    static Path dir;
    private static Path jar;

    /** Sleeps 3 s and prints each thread's voluntary context switches during them, "name=count". */
    public static final class CountWakeUps {
        public static void main(String[] args) throws Exception {
            Thread.sleep(500); // past the start-up
            Map<String, Long> before = switches();
            Thread.sleep(3000);
            for (Map.Entry<String, Long> e : switches().entrySet()) {
                System.out.println(e.getKey() + "=" + (e.getValue() - before.getOrDefault(e.getKey(), 0L)));
            }
        }

        private static Map<String, Long> switches() throws Exception {
            Map<String, Long> m = new TreeMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path t : tasks) {
                    String name = Files.readString(t.resolve("comm")).strip();
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            m.merge(name, Long.parseLong(line.substring(line.indexOf(':') + 1).strip()), Long::sum);
                        }
                    }
                }
            }
            return m;
        }
    }

    @BeforeAll
    static void jar() throws Exception {
        jar = dir.resolve("wakeups.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            String entry = MAIN.replace('.', '/') + ".class";
            try (InputStream in = LauncherIdleWakeUpsTest.class.getResourceAsStream("/" + entry)) {
                out.putNextEntry(new JarEntry(entry));
                in.transferTo(out);
            }
        }
    }

    private static Map<String, Long> wakeUps(String javaOpts) throws Exception {
        Map<String, Long> m = new TreeMap<>();
        Matcher l = LINE.matcher(LauncherRun.output(jar, javaOpts, Map.of(), "run", "--fast-path", "off"));
        while (l.find()) {
            m.put(l.group(1), Long.parseLong(l.group(2)));
        }
        assertTrue(m.containsKey("Monitor Deflati") && m.containsKey("VM Thread"), m.toString());
        return m;
    }

    @Test
    void hotspotsOwnThreadsWakeEveryFiveSecondsAtMost() throws Exception {
        Map<String, Long> jclat = wakeUps("");
        // 3 s: at most one 5-s wake-up each, and one spare (a start-up safepoint, the exit).
        assertTrue(jclat.get("Monitor Deflati") <= 2, "monitor deflation thread: " + jclat);
        assertTrue(jclat.get("VM Thread") <= 2, "VM thread: " + jclat);
        // The same JVM at HotSpot's defaults wakes 12 and 3 times: the count above is the launcher's doing.
        Map<String, Long> defaults = wakeUps("-XX:GuaranteedSafepointInterval=1000 -XX:AsyncDeflationInterval=250");
        assertTrue(defaults.get("Monitor Deflati") >= 8, "the count works: " + defaults);
    }
}
