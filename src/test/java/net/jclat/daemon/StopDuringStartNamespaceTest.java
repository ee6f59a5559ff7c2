package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SIGTERM at any moment of start-up ends in a clean stop (issue 13 item 6): the real {@code jclat run}
 * in a CPE namespace, with every start step in play (nat44 with its nftables table and proxy NDP, a static
 * prefix plus RA and DNS discovery, the metrics endpoint), stopped at random moments spread over its
 * start-up. Each run must exit 0 with no exception, stack trace or logger error in its output and leave
 * nothing behind: no TUN, no route into it, no proxy-NDP entry, no nftables table, no status file, no socket.
 */
class StopDuringStartNamespaceTest {
    private static final int RUNS = 24;
    /**
     * What must never be in the output of a stopped daemon: a thrown exception ("java.util.concurrent.RejectedExecutionException: ..." or a stack trace), a logged
     * error, or the logger's own complaints; not an exception's name inside an INFO line (e.g. the RFC 7050
     * state "DNS did not answer ...: PortUnreachableException (3 attempts ...)").
     */
    private static final Pattern BAD = Pattern.compile(
            "[\\w.$]+(Exception|Error):|Exception in thread|ERROR|LOGGER|Shutdown in progress|^\\s+at |Caused by",
            Pattern.MULTILINE);

    private CpeLab lab;
    private Path socket;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        assumeTrue(Netns.exec(5, "nft", "--version").code() == 0, "needs nft");
        lab = CpeLab.build();
        CpeLab.ip(lab.cpe, "link", "set", "lo", "up");
        socket = lab.controlSocket();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.cpe));
        // The DNS server is the provider router, where nothing answers: discovery keeps retrying meanwhile.
        cmd.addAll(CpeLab.jclat("run", "--uplink", "wan0", "--workers", "2", "--mode", "nat44",
                "--status-file", lab.status.toString(), "--control-socket", socket.toString(),
                "--pref64", "2001:db8:64::/96", "--pref64-source", "static,ra,dns", "--dns", "2001:db8:100::1",
                "--metrics-listen", "127.0.0.1:9464"));
        return cmd;
    }

    @Test
    void sigtermAtRandomMomentsOfStartUpEndsInACleanStop() throws Exception {
        // How long a full start takes here: the moments are spread over it and a little past it.
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command()).redirectErrorStream(true).start();
        while (!Files.exists(lab.status)) {
            assertTrue(p.isAlive(), "jclat exited early");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "no status file after 30 s");
            Thread.sleep(20);
        }
        long fullStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        stop(p, "the measuring run");
        long window = Math.min(8000, Math.max(1500, fullStartMillis * 5 / 4));

        long seed = System.nanoTime();
        Random random = new Random(seed);
        int interrupted = 0;
        for (int run = 0; run < RUNS; run++) {
            // Stratified: one moment in each slice of the window, so the whole of it is covered.
            long delay = (window * run + (long) (random.nextDouble() * window)) / RUNS;
            String what = "run " + run + " (seed " + seed + "), SIGTERM " + delay + " ms after exec, full start "
                    + fullStartMillis + " ms";
            p = new ProcessBuilder(command()).redirectErrorStream(true).start();
            Thread.sleep(delay);
            String out = stop(p, what);
            if (!out.contains("control socket " + socket)) {
                interrupted++;
            }
            assertClean(what, out);
        }
        System.out.println("stop during start-up: " + RUNS + " runs over a " + window + " ms window (full start "
                + fullStartMillis + " ms), " + interrupted + " stopped before the control socket was up, all clean");
        assertTrue(interrupted >= RUNS / 4, "only " + interrupted + " of " + RUNS
                + " runs were stopped before start-up was complete: the test did not test start-up");
    }

    /** SIGTERM, then the process's output once it has exited. */
    private static String stop(Process p, String what) throws Exception {
        Netns.run("kill", "-TERM", Long.toString(p.pid()));
        boolean ended = p.waitFor(20, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(ended, what + ": did not stop within 20 s:\n" + out);
        // Before the JVM has run a line of jclat there is no hook yet and the JVM ends with 128+15: then
        // jclat had not begun and has said nothing. Anything jclat began ends with exit 0.
        if (!(p.exitValue() == 143 && out.isEmpty())) {
            assertEquals(0, p.exitValue(), what + ":\n" + out);
        }
        return out;
    }

    private void assertClean(String what, String out) throws Exception {
        assertFalse(BAD.matcher(out).find(), what + ": output has an error:\n" + out);
        String links = Netns.in(lab.cpe, 5, "ip", "-o", "link", "show").output();
        assertFalse(links.contains(" clat:"), what + ": the TUN is left:\n" + links + out);
        String v4 = Netns.in(lab.cpe, 5, "ip", "-4", "route", "show", "table", "all").output();
        assertFalse(v4.contains("clat") || v4.contains("default"), what + ": IPv4 routes left:\n" + v4 + out);
        String v6 = Netns.in(lab.cpe, 5, "ip", "-6", "route", "show", "table", "all").output();
        assertFalse(v6.contains("clat") || v6.contains("2001:db8:64::"), what + ": IPv6 routes left:\n" + v6 + out);
        String proxy = Netns.in(lab.cpe, 5, "ip", "-6", "neigh", "show", "proxy").output();
        assertTrue(proxy.isBlank(), what + ": proxy-NDP entry left:\n" + proxy + out);
        String nft = Netns.in(lab.cpe, 5, "nft", "list", "tables").output();
        assertFalse(nft.contains("jclat"), what + ": nftables table left:\n" + nft + out);
        assertFalse(Files.exists(lab.status), what + ": status file left\n" + out);
        assertFalse(Files.exists(socket), what + ": control socket left\n" + out);
    }
}
