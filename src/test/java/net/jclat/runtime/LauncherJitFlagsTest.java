package net.jclat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jclat's JIT choice (docs/benchmarks.md, "Footprint with the fast path"): C1 only by default, where the
 * kernel fast path carries the load; C2 only when "run" is told {@code fast-path off}, on the command line
 * or in its --config file, because then the Java datapath carries every packet. The real launcher starts
 * the real JVM, which prints the flags it ended up with.
 */
class LauncherJitFlagsTest {
    private static final Pattern FLAG = Pattern.compile("^\\s*\\S+\\s+(CompileThresholdScaling|TieredCompilation|TieredStopAtLevel)\\s+= (\\S+)",
            Pattern.MULTILINE);
    /** The per-method compile thresholds: "CompileCommand += CompileThresholdScaling,CLASS::*,0.05". */
    private static final Pattern SCALED = Pattern.compile("CompileCommand\\s+\\+= CompileThresholdScaling,(\\S+)::\\*,(\\S+)");

    @TempDir
    static Path dir;
    private static Path jar;

    /** An empty jar: the JVM stops at -version before it runs anything, and the test phase has no jclat.jar yet. */
    @BeforeAll
    static void emptyJar() throws Exception {
        jar = dir.resolve("empty.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.finish();
        }
    }

    /** "TieredCompilation=..., TieredStopAtLevel=..." as the JVM started by bin/jclat with these arguments. */
    private static String jit(String... args) throws Exception {
        // The JVM prints its final flags and exits before it reads the jar's arguments.
        String out = LauncherRun.output(jar, "-XX:+PrintFlagsFinal -version", Map.of(), args);
        Matcher m = FLAG.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(m.group(1)).append('=').append(m.group(2));
        }
        Matcher scaled = SCALED.matcher(out);
        while (scaled.find()) {
            sb.append(", ").append(scaled.group(1)).append(" x").append(scaled.group(2));
        }
        return sb.toString();
    }

    /**
     * C1 only, at ten times its thresholds but for the datapath: the periodic work was compiled over minutes
     * (docs/benchmarks.md, "A static archive and fewer C1 compilations"); the daemon's once-a-second status
     * round after ~20 calls (docs/benchmarks.md, "Idle cost: the status round").
     */
    private static final String C1 = "CompileThresholdScaling=10.000000, TieredCompilation=true, TieredStopAtLevel=1, "
            + "net.jclat.xlat.* x0.1, net.jclat.datapath.* x0.1, net.jclat.tun.* x0.1, io.netty.channel.unix.FileDescriptor x0.1, "
            + "net.jclat.daemon.* x0.01";

    @Test
    void c1OnlyByDefaultAndForTheOtherCommands() throws Exception {
        assertEquals(C1, jit("run", "--uplink", "wan0"));
        assertEquals(C1, jit("run", "--fast-path", "auto"));
        assertEquals(C1, jit("status", "--fast-path", "off"));
    }

    /**
     * C2 only, and the worker loop with its I/O wrappers compiled after a twentieth of C2's ~10 000 calls: at
     * one ping per 50 ms they stayed interpreted for minutes (docs/benchmarks.md, "Sparse traffic"). Not the
     * status round: C2's compilations of it cost ~1 MB of RSS under load.
     */
    private static final String C2 = "CompileThresholdScaling=1.000000, TieredCompilation=false, TieredStopAtLevel=4, "
            + "net.jclat.datapath.Worker x0.05, net.jclat.datapath.ElasticAffinity x0.05, net.jclat.tun.* x0.05, "
            + "io.netty.channel.unix.FileDescriptor x0.05, io.netty.channel.unix.Errors x0.05, "
            + "net.jclat.xlat.UdpCoalescer x0.05";

    @Test
    void c2OnlyWhenRunHasNoFastPath() throws Exception {
        assertEquals(C2, jit("run", "--uplink", "wan0", "--fast-path", "off"));
        Path conf = dir.resolve("jclat.conf");
        Files.writeString(conf, "uplink wan0\n  fast-path off   # Java carries everything\n");
        assertEquals(C2, jit("run", "--config", conf.toString()));
        Files.writeString(conf, "uplink wan0\n# fast-path off\nfast-path offish\n");
        assertEquals(C1, jit("run", "--config", conf.toString()));
    }
}
