package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.tun.CpuAffinity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A steered worker's first release under load (and its first pin after it) must not throw its compiled loop
 * back to the interpreter. With C2 only, {@link ElasticAffinity#check} is inlined into the worker's loop; a
 * branch its profile never saw (released, a busy window's run-delay read) is an uncommon trap there, and the
 * loop ran interpreted for ~13 s until compiled again (docs/benchmarks.md, "A worker's first release under
 * load"). {@link JitWarmUp#exerciseAffinity} takes every branch first.
 *
 * <p>A child JVM with the launcher's C2 settings for {@code fast-path off} (and with C2's plain thresholds, where
 * the warm-up needs most rounds before a profile is kept), synchronous compilation ({@code -Xbatch})
 * so that the outcome does not depend on the machine's load: the warm-up on a thread of its own as
 * {@link Datapath} runs it (or not: the control, which must trap), then a worker thread with a real
 * {@link ElasticAffinity} (its own schedstat, real sched_setaffinity) driven by a made-up clock through the calls
 * {@code Worker.step} and {@code Worker.idle} make: sparse pings until that code is compiled, a load that
 * releases the pin, quiet that pins it again, load again. {@code -XX:+LogCompilation} records its uncommon traps
 * by thread. A stand-in for {@code Worker}'s loop: the calls are the worker's, the queue is not there.
 */
class JitAfterPinReleaseTest {
    /** The launcher's per-method scaling for the worker with {@code fast-path off} (bin/jclat). */
    private static final String LAUNCHER = "0.05";
    private static final Pattern TID = Pattern.compile("worker thread (\\d+) pins (.*)");
    private static final long MS = 1_000_000;

    @TempDir
    Path dir;

    @BeforeEach
    void twoCpus() throws IOException {
        assumeTrue(CpuAffinity.ofCurrentThread().cardinality() >= 2, "a release needs two CPUs");
    }

    @Test
    void afterTheWarmUpTheFirstReleaseAndPinDoNotTrap() throws Exception {
        assertEquals(List.of(), trapsOfTheWorker(true, LAUNCHER), "uncommon traps on the worker thread");
    }

    @Test
    void withC2sPlainThresholdsToo() throws Exception {
        assertEquals(List.of(), trapsOfTheWorker(true, "1.0"), "uncommon traps on the worker thread");
    }

    @Test
    void withoutTheWarmUpTheFirstReleaseTraps() throws Exception {
        List<String> traps = trapsOfTheWorker(false, LAUNCHER);
        assertTrue(traps.stream().anyMatch(t -> t.contains("ElasticAffinity check")),
                "the control: a worker compiled on sparse traffic traps in ElasticAffinity.check: " + traps);
    }

    /** The child's uncommon traps in jclat's code on the worker thread, as "reason method bci". */
    private List<String> trapsOfTheWorker(boolean warm, String scaling) throws Exception {
        Path log = dir.resolve("compilation.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:-TieredCompilation", "-Xbatch",
                "-XX:CompileCommand=quiet"));
        for (String hot : List.of("net.jclat.datapath.Worker", "net.jclat.datapath.ElasticAffinity", "net.jclat.tun.*",
                JitAfterPinReleaseTest.class.getName())) {
            cmd.add("-XX:CompileCommand=CompileThresholdScaling," + hot + "::*," + scaling);
        }
        cmd.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + log,
                "-cp", System.getProperty("java.class.path"), JitAfterPinReleaseTest.class.getName(),
                warm ? "warm" : "none"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not exit");
        assertEquals(0, p.exitValue(), out);
        if (warm) {
            Matcher cpus = Pattern.compile("warm-up thread's CPUs (\\{.*?\\}) (\\{.*?\\})").matcher(out);
            assertTrue(cpus.find(), out);
            assertEquals(cpus.group(1), cpus.group(2), "the warm-up thread's CPUs are put back");
        }
        Matcher m = TID.matcher(out);
        assertTrue(m.find(), out);
        // Pinned, released, pinned again, released again: the transitions happened, for real.
        BitSet all = CpuAffinity.ofCurrentThread();
        BitSet first = new BitSet();
        first.set(all.nextSetBit(0));
        assertEquals(List.of(first, all, first, all).toString(), m.group(2), out);
        String text = Files.readString(log);
        // A trap at run time: <uncommon_trap thread='TID' reason='...' ... stamp='...'> <jvms bci='..' method='...'/>
        Matcher trap = Pattern.compile("<uncommon_trap thread='" + m.group(1)
                + "' reason='([^']+)'[^>]*stamp='[^']*'>\\s*<jvms bci='(\\d+)' method='([^']+)'").matcher(text);
        List<String> traps = new ArrayList<>();
        while (trap.find()) {
            String method = trap.group(3);
            // The driver's own phase loops (compiled, then left) are not the worker's code; packet and idle are.
            boolean driver = method.startsWith(JitAfterPinReleaseTest.class.getName() + " ")
                    && !method.contains(" packet (") && !method.contains(" idle (");
            if (method.startsWith("net.jclat.") && !driver) {
                traps.add(trap.group(1) + " " + method.replaceAll(" \\(.*", "") + " " + trap.group(2));
            }
        }
        return traps;
    }

    // The child.

    private static long now;
    private static int reads;
    private static long timeouts;

    /** What Worker.step does with its pin on a packet: a check every 64 reads. */
    static void packet(ElasticAffinity pin, long nanos) {
        now += nanos;
        if ((++reads & 63) == 0) {
            pin.check(now);
        }
    }

    /** What Worker.idle does with its pin: the wait's limit, the wait (made up), the check after it. */
    static void idle(ElasticAffinity pin, long waited) {
        boolean holding = false;
        int timeout = holding ? 200 : pin == null ? -1 : pin.idleWaitMillis();
        timeouts += timeout;
        now += waited;
        pin.waited(waited);
        pin.check(now);
    }

    /** Sparse pings, one per 50 ms: one packet (or its answer) per wake-up. */
    private static void pings(ElasticAffinity pin, int n) {
        for (int i = 0; i < n; i++) {
            packet(pin, 10_000);
            idle(pin, 50 * MS);
        }
    }

    /** A flood for 200 ms: 1 µs per packet, the queue found empty for 2 µs after every 100th. */
    private static void load(ElasticAffinity pin) {
        for (int i = 0; i < 200_000; i++) {
            packet(pin, 1_000);
            if (i % 100 == 99) {
                idle(pin, 2_000);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("warm")) {
            Thread warmUp = new Thread(() -> {
                try {
                    BitSet before = CpuAffinity.ofCurrentThread();
                    JitWarmUp.exerciseAffinity(Datapath.AFFINITY_WARM_UP_CYCLES);
                    System.out.println("warm-up thread's CPUs " + before + " " + CpuAffinity.ofCurrentThread());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            warmUp.start(); // a thread of its own, as Datapath runs the warm-up
            warmUp.join();
        }
        BitSet all = CpuAffinity.ofCurrentThread();
        BitSet first = new BitSet();
        first.set(all.nextSetBit(0));
        List<BitSet> seen = new ArrayList<>();
        String[] tid = new String[1];
        Thread worker = new Thread(() -> {
            try {
                tid[0] = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
                ElasticAffinity pin = new ElasticAffinity(0, first, all, 0);
                pin.pin();
                pings(pin, 12_000); // C2's plain threshold is ~10 000 calls: idle and packet are compiled
                seen.add(CpuAffinity.ofCurrentThread());
                load(pin);
                seen.add(CpuAffinity.ofCurrentThread());
                for (int i = 0; i < 5; i++) {
                    idle(pin, pin.idleWaitMillis() * MS); // quiet: the released worker's timed waits
                }
                pings(pin, 100);
                seen.add(CpuAffinity.ofCurrentThread());
                load(pin);
                seen.add(CpuAffinity.ofCurrentThread());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "worker");
        worker.start();
        worker.join();
        System.out.println("worker thread " + tid[0] + " pins " + seen);
    }
}
