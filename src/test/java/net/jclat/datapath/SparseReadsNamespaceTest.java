package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;

/**
 * Lone packets through the TUN path (DNS, games, VoIP: one datagram, then nothing for a while) cost the
 * worker one read each: after a lone packet it waits instead of reading the queue empty, and it does not
 * look for a UDP batch's followers (docs/benchmarks.md, "The TUN path's wait"). Counted with the kernel's
 * own count of the worker thread's read calls (/proc/PID/task/TID/io, syscr), so load cannot move it. Before,
 * a lone datagram took three reads (the packet, an empty look for followers, an empty queue).
 */
class SparseReadsNamespaceTest {
    private static final int DATAGRAMS = 40;

    @Test
    void aLoneDatagramCostsTheWorkerOneRead() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (CpeLab lab = CpeLab.build()) {
            // A receiver that never answers: each datagram is a wake-up of its own, nothing comes back.
            Process sink = new ProcessBuilder("ip", "netns", "exec", lab.srv, "python3", "-c",
                    "import socket\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\ns.bind(('::',9))\n"
                            + "while True: s.recv(2048)").start();
            try {
                lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--workers", "1"));
                lab.warmUp();
                String tid = workerThread(lab.daemon().pid());
                String send = "import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                        + "for i in range(%d):\n    s.sendto(b'x'*40,('198.51.100.10',9)); time.sleep(0.025)";
                Netns.in(lab.lan, 20, "python3", "-c", String.format(send, 3)); // ARP and the path settled
                Thread.sleep(200);
                long before = reads(lab.daemon().pid(), tid);
                Netns.Result r = Netns.in(lab.lan, 30, "python3", "-c", String.format(send, DATAGRAMS));
                assertEquals(0, r.code(), r.output());
                Thread.sleep(200);
                long reads = reads(lab.daemon().pid(), tid) - before;
                // One read per datagram, a probe read after every eighth, and the empty read that first told
                // the worker the traffic is sparse; the old loop needed 3 per datagram (120 here).
                assertTrue(reads >= DATAGRAMS, "the worker read the datagrams: " + reads);
                assertTrue(reads <= DATAGRAMS + DATAGRAMS / 8 + 6, reads + " reads for " + DATAGRAMS
                        + " lone datagrams");
                lab.stopDaemon();
            } finally {
                sink.destroyForcibly();
                sink.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The thread id of the daemon's one worker. */
    private static String workerThread(long pid) throws Exception {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm")).trim().equals("jclat-worker-0")) {
                    return t.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no jclat-worker-0 thread in " + pid);
    }

    /** read(2)-type calls the thread made so far (the kernel's task I/O accounting). */
    private static long reads(long pid, String tid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/task/" + tid + "/io"))) {
            if (line.startsWith("syscr:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new AssertionError("no syscr in /proc/" + pid + "/task/" + tid + "/io");
    }
}
