package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.xlat.Counters;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.PacketSink;
import net.jclat.xlat.Translator;
import net.jclat.xlat.XlatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NAT64 prefix change while running (reload, RA, DNS) must not throw the compiled translation back to the
 * interpreter on the workers' packets. The new prefix can take branches the compiled code has never seen (a /64
 * puts the IPv4 address after the u octet, a /96 at the end: {@code Pref64.embedLo}, {@code extract}); the
 * first packet through one is an uncommon trap, and with C2 only the method then runs interpreted until it has
 * been called ~10 000 times again: minutes at one ping per 50 ms. {@link Datapath#reconfigure} therefore runs
 * the warm-up again for the new configuration, which takes those traps itself and gets the code recompiled
 * (docs/benchmarks.md, "The TUN path after a reload or a prefix change").
 *
 * <p>A child JVM as the launcher runs it with {@code fast-path off} (C2 only), with synchronous compilation
 * ({@code -Xbatch}) so that the outcome does not depend on the machine's load, plays the datapath's sequence:
 * start-up warm-up for a /96, a worker's translator switched to a /64, the warm-up again (or not: the control
 * case, which must trap, or this test could not fail), then real traffic on a thread of its own, whose uncommon
 * traps {@code -XX:+LogCompilation} records by thread.
 */
class JitAfterPrefixChangeTest {
    private static final int ROUNDS = 15_000;
    private static final int PACKETS = 300;
    private static final Pattern TID = Pattern.compile("traffic thread (\\d+) translated (\\d+) (\\d+)");

    @TempDir
    Path dir;

    @Test
    void afterThePrefixChangesTheWarmUpOfTheNewConfigurationKeepsTheWorkersPacketsCompiled() throws Exception {
        List<String> traps = trapsOfTheTraffic(true);
        assertEquals(List.of(), traps, "uncommon traps on the traffic thread after the re-warm-up");
    }

    @Test
    void withoutTheWarmUpOfTheNewConfigurationTheWorkersFirstPacketsTrap() throws Exception {
        List<String> traps = trapsOfTheTraffic(false);
        assertTrue(traps.stream().anyMatch(t -> t.contains("net.jclat.xlat.Pref64")),
                "the control case: a /64 after a /96-only profile traps in Pref64: " + traps);
    }

    /** The child's uncommon traps in net.jclat code on the traffic thread, as "reason method". */
    private List<String> trapsOfTheTraffic(boolean rewarm) throws Exception {
        Path log = dir.resolve("compilation.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-XX:-TieredCompilation", "-Xbatch",
                "-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + log,
                "-cp", System.getProperty("java.class.path"), JitAfterPrefixChangeTest.class.getName(),
                rewarm ? "rewarm" : "none").redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not exit");
        assertEquals(0, p.exitValue(), out);
        Matcher m = TID.matcher(out);
        assertTrue(m.find(), out);
        assertEquals(PACKETS, Integer.parseInt(m.group(2)), "translated to IPv6 with the new prefix: " + out);
        assertEquals(PACKETS, Integer.parseInt(m.group(3)), "answers translated back: " + out);
        String text = Files.readString(log);
        // A trap at run time: <uncommon_trap thread='TID' reason='...' ... stamp='...'> <jvms bci='..' method='...'/>
        Matcher trap = Pattern.compile("<uncommon_trap thread='" + m.group(1)
                + "' reason='([^']+)'[^>]*stamp='[^']*'>\\s*<jvms bci='\\d+' method='([^']+)'").matcher(text);
        List<String> traps = new ArrayList<>();
        while (trap.find()) {
            if (trap.group(2).startsWith("net.jclat.")) {
                traps.add(trap.group(1) + " " + trap.group(2));
            }
        }
        return traps;
    }

    /** The child: the datapath's sequence around a prefix change, then traffic; prints its thread and counts. */
    public static void main(String[] args) throws Exception {
        boolean rewarm = args[0].equals("rewarm");
        XlatConfig before = prefixMode("2001:db8:64::/96");
        XlatConfig after = prefixMode("2001:db8:66::/64");
        PacketSink worker = (b, off, len) -> { }; // the answers' sink, the same for warm-up and traffic
        new JitWarmUp(ROUNDS, before, false, worker).run(); // Datapath.start
        Translator real = new Translator(before, new Counters());
        real.reconfigure(after); // Datapath.reconfigure: the workers switch first...
        if (rewarm) {
            new JitWarmUp(ROUNDS, after, false, worker).run(); // ...then the new configuration is warmed up
        }
        String[] tid = new String[1];
        Thread traffic = new Thread(() -> {
            try {
                tid[0] = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // Echo, UDP and TCP and their answers, one at a time as sparse traffic goes, through the switched
            // translator: the warm-up's code, so no sink class is new to the call sites.
            new JitWarmUp(PACKETS / 3, after, false, worker)
                    .exercise(real, JitWarmUp.LAN_HOST, JitWarmUp.GLOBAL_SERVER);
        }, "traffic");
        traffic.start();
        traffic.join();
        Counters c = real.counters();
        System.out.println("traffic thread " + tid[0] + " translated " + c.get(Counters.TRANSLATED_4TO6) + " "
                + c.get(Counters.TRANSLATED_6TO4));
    }

    private static XlatConfig prefixMode(String pref64) {
        return XlatConfig.builder().pref64(pref64)
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("192.168.50.0/24=2001:db8:50::/96")))
                .pref64ForLocal(false).build();
    }
}
