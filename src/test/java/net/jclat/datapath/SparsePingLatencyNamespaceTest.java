package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;

/**
 * Sparse traffic through the TUN path right after start (issue 15 item 5): the LAN host pings every 50 ms
 * from before {@code jclat run --fast-path off --workers 1} (nat44 mode) starts, with the launcher's JIT and
 * heap settings. Reported before: single pings stalled up to 150 ms in the first seconds. Measured here
 * before the fixes: the first answers held for a random 0-0.8 s (the provider router's first Neighbor
 * Solicitation for the CLAT address, answered by proxy NDP after Linux's proxy_delay; failed 2 of 3 runs),
 * and 20-170 ms stalls while the JIT warm-up competed with the worker. Thresholds, chosen
 * from runs on the project's 2-vCPU VM at load 10-17 (docs/benchmarks.md, "Sparse traffic"), where TAYGA
 * itself answered single pings up to ~30 ms late and once 110 ms: in the first 5 s of answers no more
 * than one may take over 100 ms, and at least half the pings must be answered. A worker that does not read
 * for a second, or a start-up that holds packets, fails it; machine noise alone should not.
 */
class SparsePingLatencyNamespaceTest {
    private static final Pattern REPLY = Pattern.compile("\\[(\\d+\\.\\d+)\\].*time=([0-9.]+) ms");
    static final double STALL_MS = 100;
    static final int STALLS_ALLOWED = 1;

    /**
     * Until a link's link-local address has passed DAD, Linux sends no Neighbor Solicitation for what it
     * forwards there and queues the packets (up to unres_qlen_bytes): fresh namespaces held the first pings
     * for up to 1.8 s that way, a stall of the lab, not of jclat. A router's links are up long before.
     */
    private static void awaitDad(CpeLab lab) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String ns : List.of(lab.lan, lab.cpe, lab.isp, lab.srv)) {
            while (!Netns.in(ns, 5, "ip", "-6", "addr", "show", "tentative").output().isBlank()) {
                assertTrue(System.nanoTime() < deadline, "DAD did not end in " + ns);
                Thread.sleep(100);
            }
        }
    }

    private static String proxyDelay(CpeLab lab) throws Exception {
        return Netns.in(lab.cpe, 5, "cat", "/proc/sys/net/ipv6/neigh/wan0/proxy_delay").output().trim();
    }

    @Test
    void pingsEvery50MsAreAnsweredWithoutAStallFromTheFirstSecond() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (CpeLab lab = CpeLab.build()) {
            // Until jclat's routes exist the CPE drops the pings quietly (an ICMP error would end ping).
            CpeLab.ip(lab.cpe, "route", "add", "blackhole", "default", "metric", "9999");
            awaitDad(lab);
            String delayBefore = proxyDelay(lab);
            Process ping = new ProcessBuilder("ip", "netns", "exec", lab.lan, "ping", "-n", "-D", "-i", "0.05",
                    "-w", "9", "198.51.100.10").redirectErrorStream(true).start();
            // The launcher's JIT and heap settings (bin/jclat): C2 only, one compiler thread, 1 MB young gen.
            lab.jvmOptions("-XX:-TieredCompilation", "-XX:CICompilerCount=1", "-Xms4m", "-Xmn1m", "-Xmx32m");
            lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--workers", "1"));
            assertTrue(ping.waitFor(20, TimeUnit.SECONDS), "ping did not end");
            String out = new String(ping.getInputStream().readAllBytes());
            List<double[]> replies = new ArrayList<>();
            Matcher m = REPLY.matcher(out);
            while (m.find()) {
                replies.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
            }
            assertTrue(!replies.isEmpty(), "no answer through jclat: " + out + lab.log());
            double first = replies.get(0)[0];
            List<Double> window = new ArrayList<>();
            replies.stream().filter(r -> r[0] - first < 5).forEach(r -> window.add(r[1]));
            long stalls = window.stream().filter(ms -> ms > STALL_MS).count();
            String seen = "answers in the first 5 s (ms): " + window;
            assertTrue(window.size() >= 50, "too few answers; " + seen);
            assertTrue(stalls <= STALLS_ALLOWED, stalls + " answers over " + STALL_MS + " ms; " + seen);
            // Written as 1/100 s, read back in whole 1/100 s of the kernel's jiffies: 0 or 1.
            assertTrue(Integer.parseInt(proxyDelay(lab)) <= 1, "the CLAT address's proxy NDP answers within 10 ms");
            lab.stopDaemon();
            assertEquals(delayBefore, proxyDelay(lab), "put back on stop");
        }
    }
}
