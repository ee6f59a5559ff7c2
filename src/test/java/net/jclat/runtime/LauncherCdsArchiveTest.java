package net.jclat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jclat's class-data sharing (docs/benchmarks.md, "A static archive and fewer C1 compilations"): the
 * first "run" records the classes it loads, the next dumps one static archive of exactly those (the JDK's
 * and the jar's; ~1 MB less RSS than the JDK's base archive plus a dynamic one), and later starts map it.
 * The real launcher runs the real JVM; its class-loading log says where each class came from.
 */
class LauncherCdsArchiveTest {
    private static final String MAIN = "net.jclat.runtime.LauncherCdsArchiveTest$Probe";

    @TempDir
    Path dir;

    /** Stands in for jclat's main class: a class of the jar's own that the archive must hold. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("probe ran");
        }
    }

    private Path jar() throws IOException {
        Path p = dir.resolve("probe.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN);
        String entry = MAIN.replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p), mf);
                InputStream in = LauncherCdsArchiveTest.class.getResourceAsStream("/" + entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
        }
        return p;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("cds"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void recordsTheClassesThenDumpsOneStaticArchiveThenMapsIt() throws Exception {
        Path jar = jar();
        Path archive = dir.resolve("cds/jclat.jsa");
        Map<String, String> env = Map.of("JCLAT_CDS_ARCHIVE", archive.toString());

        LauncherRun.output(jar, "", env, "run");
        List<String> recorded = files();
        assertEquals(1, recorded.size(), recorded.toString());
        assertTrue(recorded.get(0).matches("jclat\\.jsa\\.\\d+\\.classlist"), recorded.toString());
        assertTrue(Files.readString(dir.resolve("cds").resolve(recorded.get(0))).contains("LauncherCdsArchiveTest$Probe"));

        LauncherRun.output(jar, "", env, "run");
        assertEquals(List.of("jclat.jsa"), files(), "the list is dumped into the archive and removed");

        // -Xshare:on: the JVM refuses to start unless it maps the archive. One static archive: the JDK's
        // classes and the jar's come from the same file, no "(top)" layer over the JDK's base archive.
        String log = LauncherRun.output(jar, "-Xshare:on -Xlog:class+load=info", env, "run");
        assertTrue(log.contains("probe ran"), log);
        assertTrue(log.contains(" java.lang.Object source: shared objects file\n"), log);
        assertTrue(log.contains(" " + MAIN + " source: shared objects file\n"), log);
        assertFalse(log.contains("(top)"), log);

        // Only "run" records; other commands use the archive as it is.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        LauncherRun.output(jar, "", env, "status");
        assertEquals(List.of("jclat.jsa"), files(), "a command other than run records nothing");
        LauncherRun.output(jar, "", env, "run");
        assertTrue(files().stream().anyMatch(f -> f.endsWith(".classlist")), "an archive older than the jar is recorded again");
    }
}
