package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, idle cost: the status thread looks at the kernel only after the kernel announced a change, yet
 * still puts back within about a second whatever is removed from outside while the daemon sat idle. Real
 * daemon in the CPE lab (NAT44: TUN, address, routes, proxy NDP). The quiet test counts the status thread's
 * system calls with perf's syscall tracepoints: before issue 15 every second sent ~4 netlink requests (route,
 * address and neighbour dumps, EEXIST probes), ~13 ioctls (the JDK enumerating every interface) and one
 * failing mkdir (the status file's directory).
 */
class QuietWatchdogNamespaceTest {
    private static final String CLAT6 = "2001:db8:100::c";
    /** The brief's bound is about a second; the margin is for a loaded test machine. */
    private static final long REPAIR_MILLIS = 2500;
    private CpeLab lab;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        lab.startDaemon(List.of("--mode", "nat44", "--clat-v6", CLAT6, "--pref64", "2001:db8:64::/96"));
        lab.warmUp();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void whatIsRemovedWhileIdleIsPutBackWithinAboutASecond() throws Exception {
        quiet();
        repaired("TUN set down", () -> CpeLab.ip(lab.cpe, "link", "set", "clat", "down"),
                () -> Netns.in(lab.cpe, 5, "ip", "-o", "link", "show", "clat").output(),
                out -> out.contains(",UP") || out.contains("<UP"));
        quiet();
        repaired("IPv4 routes flushed", () -> CpeLab.ip(lab.cpe, "-4", "route", "flush", "dev", "clat", "proto", "190"),
                () -> Netns.in(lab.cpe, 5, "ip", "-4", "route", "show", "dev", "clat", "proto", "190").output(),
                out -> !out.isBlank());
        quiet();
        repaired("address deleted", () -> CpeLab.ip(lab.cpe, "-4", "addr", "flush", "dev", "clat"),
                () -> Netns.in(lab.cpe, 5, "ip", "-4", "addr", "show", "dev", "clat").output(),
                out -> out.contains("192.0.0.1"));
        quiet();
        // Never announced by the kernel: looked at in every quiet round.
        repaired("proxy NDP entry deleted", () -> CpeLab.ip(lab.cpe, "-6", "neigh", "del", "proxy", CLAT6, "dev", "wan0"),
                () -> Netns.in(lab.cpe, 5, "ip", "-6", "neigh", "show", "proxy").output(), out -> out.contains(CLAT6));
        assertEquals(0, Netns.in(lab.lan, 5, "ping", "-n", "-c", "1", "-W", "2", "198.51.100.10").code(), lab.log());
        lab.stopDaemon();
    }

    @Test
    void anIdleSecondAsksTheKernelAtMostOnceAndEnumeratesNoInterface() throws Exception {
        assumeTrue(Netns.exec(5, "sh", "-c", "command -v perf").code() == 0, "needs perf (linux-perf)");
        quiet();
        String tid = statusThread(lab.daemon().pid());
        int seconds = 5;
        Netns.Result r = Netns.exec(seconds + 20, "perf", "stat", "-x,", "-e",
                "syscalls:sys_enter_sendto,syscalls:sys_enter_ioctl,syscalls:sys_enter_mkdir", "-t", tid, "--", "sleep",
                Integer.toString(seconds));
        Map<String, Long> n = counts(r.output());
        assumeTrue(n.size() == 3, "perf cannot count syscall tracepoints here: " + r.output());
        // One netlink request a second at most: the proxy-NDP look-up (the kernel never announces those).
        assertTrue(n.get("sendto") <= seconds + 1, "netlink requests in " + seconds + " idle s: " + n);
        assertEquals(0, n.get("ioctl"), "interface enumeration (ioctls) in " + seconds + " idle s: " + n);
        assertEquals(0, n.get("mkdir"), "mkdir for the status file's directory in " + seconds + " idle s: " + n);
        assertTrue(Files.getLastModifiedTime(lab.status).toMillis() > System.currentTimeMillis() - 2500,
                "the status file is still rewritten every second (its age is the consumers' liveness signal)");
        lab.stopDaemon();
    }

    /** Long enough without change that the watchdog's rounds are quiet ones. */
    private static void quiet() throws InterruptedException {
        Thread.sleep(3000);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    @FunctionalInterface
    private interface Look {
        String get() throws IOException;
    }

    private void repaired(String what, Step remove, Look look, Predicate<String> back) throws Exception {
        assertTrue(back.test(look.get()), what + ": not there before: " + look.get());
        remove.run();
        long start = System.nanoTime();
        while (!back.test(look.get())) {
            assertTrue(millis(start) < REPAIR_MILLIS, what + ": not put back within " + REPAIR_MILLIS + " ms\n" + lab.log());
            Thread.sleep(50);
        }
        System.out.println("quiet watchdog: " + what + ": put back after " + millis(start) + " ms");
        assertTrue(lab.log().contains("removed from outside, restored"), lab.log());
    }

    private static long millis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static String statusThread(long pid) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm")).strip().equals("jclat-status")) {
                    return t.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no jclat-status thread in " + pid);
    }

    /** perf stat -x, lines: count,,syscalls:sys_enter_NAME,... */
    private static Map<String, Long> counts(String perf) {
        Map<String, Long> n = new HashMap<>();
        for (String line : perf.split("\n")) {
            String[] f = line.split(",");
            if (f.length > 2 && f[2].startsWith("syscalls:sys_enter_") && f[0].matches("\\d+")) {
                n.put(f[2].substring("syscalls:sys_enter_".length()), Long.parseLong(f[0]));
            }
        }
        return n;
    }
}
