package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.control.ControlClient;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.ProcessThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cpu-steering} with the real daemon, a real multi-queue TUN and 2 workers on this 2-CPU machine: a
 * ping from a LAN host pinned to one CPU is translated, both ways, by the worker of that CPU's queue only;
 * the workers are pinned to their queue's CPUs; the steering survives a re-created TUN; and {@code off},
 * a queue left without a CPU under {@code auto}, and the same under {@code on} behave as documented.
 */
class CpuSteeringNamespaceTest {
    private static final Pattern WORKER_PACKETS = Pattern.compile("\"worker_packets\":\\[(\\d+),(\\d+)]");
    private static final int PINGS = 20;
    private CpeLab lab;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        assumeTrue(Runtime.getRuntime().availableProcessors() == 2, "written for a machine with CPUs 0 and 1");
        lab = CpeLab.build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private void start(String... flags) throws Exception {
        silenceTheKernelOnTheTun();
        List<String> all = new ArrayList<>(List.of("--pref64", "2001:db8:64::/96"));
        all.addAll(List.of(flags));
        lab.startDaemon(all);
    }

    /**
     * The CPE's kernel sends packets of its own into the TUN after link-up (MLD and IGMP reports), from timers
     * on either CPU; they would show up in the other worker's count. The CPE's own output into the TUN is
     * dropped (forwarded packets are not output), so every packet a worker reads belongs to a ping.
     */
    private void silenceTheKernelOnTheTun() throws IOException {
        Netns.run("ip", "netns", "exec", lab.cpe, "nft", "add", "table", "inet", "steeringtest");
        Netns.run("ip", "netns", "exec", lab.cpe, "nft", "add", "chain", "inet", "steeringtest", "out",
                "{ type filter hook output priority 0 ; }");
        Netns.run("ip", "netns", "exec", lab.cpe, "nft", "add", "rule", "inet", "steeringtest", "out", "oifname",
                "clat", "drop");
    }

    /** The status as the daemon has it now (the status file lags up to a second). */
    private String status() throws IOException {
        return ControlClient.ask(lab.controlSocket(), "status json").body();
    }

    private long[] workerPackets() throws IOException {
        String json = status();
        Matcher m = WORKER_PACKETS.matcher(json);
        assertTrue(m.find(), json);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /** The counts once nothing else is arriving (the warm-up's last reply may still be on its way). */
    private long[] quietWorkerPackets() throws Exception {
        long[] before = workerPackets();
        for (int i = 0; i < 20; i++) {
            Thread.sleep(300);
            long[] now = workerPackets();
            if (now[0] == before[0] && now[1] == before[1]) {
                return now;
            }
            before = now;
        }
        throw new AssertionError("the workers never stopped counting: " + status());
    }

    /** {@link #PINGS} pings from the LAN host, which runs only on {@code cpu}; returns each worker's share. */
    private long[] pingFromCpu(int cpu) throws Exception {
        long[] before = quietWorkerPackets();
        Netns.Result r = Netns.in(lab.lan, 30, "taskset", "-c", Integer.toString(cpu), "ping", "-n", "-q", "-c",
                Integer.toString(PINGS), "-i", "0.05", "-w", "15", "198.51.100.10");
        assertEquals(0, r.code(), r.output() + lab.log());
        long[] after = quietWorkerPackets();
        return new long[] {after[0] - before[0], after[1] - before[1]};
    }

    /** Request and reply of every ping went through the worker of the pinged CPU's queue, none through the other. */
    private void assertPingsStayOnTheirCpu() throws Exception {
        for (int cpu = 0; cpu < 2; cpu++) {
            long[] d = pingFromCpu(cpu);
            int other = 1 - cpu;
            assertTrue(d[cpu] >= 2 * PINGS, "worker " + cpu + " read " + d[cpu] + " packets for " + PINGS
                    + " pings from CPU " + cpu + ": " + status());
            assertEquals(0, d[other], "worker " + other + " read packets of pings from CPU " + cpu + ": " + status());
        }
    }

    @Test
    void onSteersEachPingToTheWorkerOfItsCpuAndPinsTheWorkers() throws Exception {
        start("--cpu-steering", "on");
        String json = status();
        assertTrue(json.contains("\"cpu_steering\":\"cpu\"") && json.contains("\"worker_cpus\":[\"0\",\"1\"]"), json);
        lab.warmUp();
        assertPingsStayOnTheirCpu();
        assertEquals("0", workerCpusAllowed(0));
        assertEquals("1", workerCpusAllowed(1));
        String text = ControlClient.ask(lab.controlSocket(), "status").body();
        assertTrue(text.contains("CPU steering:    cpu (queue by CPU, TCP by flow, worker 0 on CPUs 0, worker 1 on CPUs 1)"), text);
    }

    @Test
    void offloadOffIsSteeredByCpuToo() throws Exception {
        start("--cpu-steering", "on", "--offload", "off");
        assertTrue(status().contains("\"cpu_steering\":\"cpu\""), status());
        lab.warmUp();
        assertPingsStayOnTheirCpu();
    }

    @Test
    void aReCreatedTunIsSteeredByCpuToo() throws Exception {
        start("--cpu-steering", "on");
        lab.warmUp();
        CpeLab.ip(lab.cpe, "link", "del", "clat");
        lab.awaitStatus("\"tun_recreated\":1", 10);
        lab.awaitLog("per-CPU steering, worker CPUs", 1);
        lab.warmUp();
        assertTrue(status().contains("\"cpu_steering\":\"cpu\""), status());
        assertPingsStayOnTheirCpu();
        assertEquals("0", workerCpusAllowed(0), "the new workers are pinned as well");
        assertEquals("1", workerCpusAllowed(1));
    }

    @Test
    void offLeavesTheKernelsFlowHashAndTheWorkersUnpinned() throws Exception {
        start("--cpu-steering", "off");
        lab.warmUp();
        String json = status();
        assertTrue(json.contains("\"cpu_steering\":\"flow\"") && json.contains("\"worker_cpus\":[]"), json);
        assertEquals("0-1", workerCpusAllowed(0));
        assertEquals("0-1", workerCpusAllowed(1));
    }

    @Test
    void autoFallsBackToFlowHashWithOneLineWhenAQueueWouldGetNoCpu() throws Exception {
        start("--cpu-steering", "auto", "--workers", "3"); // queue 2 would need a CPU 2
        lab.warmUp();
        assertTrue(status().contains("\"cpu_steering\":\"flow\""), status());
        List<String> why = lab.log().lines().filter(l -> l.contains("flow-hash steering")).toList();
        assertEquals(1, why.size(), lab.log());
        assertTrue(why.get(0).contains("fewer usable CPUs than queues"), why.get(0));
    }

    @Test
    void onRefusesToStartWhenAQueueWouldGetNoCpu() throws Exception {
        Path status = Files.createTempFile("jclat-steering", ".json");
        Files.delete(status);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.cpe));
        cmd.addAll(CpeLab.jclat("run", "--uplink", "wan0", "--workers", "3", "--cpu-steering", "on", "--pref64",
                "2001:db8:64::/96", "--status-file", status.toString(), "--control-socket",
                status.resolveSibling(status.getFileName() + ".sock").toString()));
        Netns.Result r = Netns.exec(30, cmd.toArray(new String[0]));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("cannot start: cpu-steering on: cannot steer clat by CPU: fewer usable CPUs"
                + " than queues"), r.output());
        assertTrue(Netns.in(lab.cpe, 5, "ip", "link", "show", "clat").code() != 0, "no TUN left behind");
        assertTrue(!Files.exists(status), "no status file left behind");
    }

    /** {@code Cpus_allowed_list} of the daemon's thread {@code jclat-worker-N}, from /proc. */
    private String workerCpusAllowed(int worker) throws Exception {
        Path task = ProcessThreads.task(lab.daemon().pid(), "jclat-worker-" + worker);
        return Files.readAllLines(task.resolve("status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
    }
}
