package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;
import java.util.stream.Stream;
import net.jclat.testsupport.Netns;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.QueueSteering;
import net.jclat.tun.TunDevice;
import net.jclat.tun.TunIo;
import net.jclat.xlat.Counters;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.Drop;
import net.jclat.xlat.XlatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The datapath with a real multi-queue TUN device between real network namespaces: an IPv4-only LAN host
 * reaches a server that exists only as an IPv6 address under the NAT64 prefix, so jclat is the one
 * translator in the path. Routes are set by the test with iproute2 (jclat's own netlink setup comes with
 * {@code jclat run}). Run once per packet I/O path: Netty's JNI and the JDK's FileChannel (the fallback
 * where Netty's native library cannot load), each with and without the TUN's virtio-net header,
 * checksum and segmentation offload.
 */
@ParameterizedClass(name = "tun-io {0}, offload {1}")
@MethodSource("paths")
class DatapathNamespaceTest {
    @Parameter(0)
    TunIo io;
    @Parameter(1)
    boolean offload;
    private static Netns net;
    private static TunDevice tun;
    private static Datapath datapath;
    private static String lan;
    private static String isp;
    private static boolean steered;

    static Stream<Arguments> paths() {
        return Stream.of(Arguments.of(TunIo.NETTY, false), Arguments.of(TunIo.NETTY, true),
                Arguments.of(TunIo.FILECHANNEL, false), Arguments.of(TunIo.FILECHANNEL, true));
    }

    @BeforeParameterizedClassInvocation
    static void build(TunIo io, boolean offload) throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        net = new Netns();
        lan = net.add("lan");
        String cpe = net.add("cpe");
        isp = net.add("isp");
        String s = net.suffix;
        String tunName = "jct" + s;
        tun = TunDevice.open(tunName, 2, io, offload);
        assertEquals(io, tun.io());
        if (offload) {
            assertTrue((tun.offloads() & TunDevice.TUN_F_TSO4) != 0, "kernel accepted TSO: "
                    + TunDevice.describeOffloads(tun.offloads()));
        }
        Netns.run("ip", "link", "set", tunName, "netns", cpe);
        Netns.run("ip", "link", "add", "jl" + s, "type", "veth", "peer", "name", "jc" + s);
        Netns.run("ip", "link", "set", "jl" + s, "netns", lan, "name", "eth0");
        Netns.run("ip", "link", "set", "jc" + s, "netns", cpe, "name", "lan0");
        Netns.run("ip", "link", "add", "ji" + s, "type", "veth", "peer", "name", "jw" + s);
        Netns.run("ip", "link", "set", "ji" + s, "netns", isp, "name", "eth0");
        Netns.run("ip", "link", "set", "jw" + s, "netns", cpe, "name", "wan0");
        for (String[] c : List.of(
                new String[] {lan, "addr", "add", "10.0.1.2/24", "dev", "eth0"},
                new String[] {lan, "link", "set", "eth0", "up"},
                new String[] {lan, "route", "add", "default", "via", "10.0.1.1"},
                new String[] {cpe, "addr", "add", "10.0.1.1/24", "dev", "lan0"},
                new String[] {cpe, "link", "set", "lan0", "up"},
                new String[] {cpe, "-6", "addr", "add", "2001:db8:2::1/64", "dev", "wan0", "nodad"},
                new String[] {cpe, "link", "set", "wan0", "up"},
                // The TUN carries IPv6 at the uplink's MTU; only the IPv4 route is 20 bytes smaller (RFC 7756 §4.2).
                new String[] {cpe, "link", "set", tunName, "up", "mtu", "1500"},
                new String[] {cpe, "route", "add", "198.51.100.0/24", "dev", tunName, "mtu", "1480"},
                new String[] {cpe, "-6", "route", "add", "2001:db8:1::/96", "dev", tunName},
                new String[] {cpe, "-6", "route", "add", "2001:db8:64::/96", "via", "2001:db8:2::2"},
                new String[] {isp, "-6", "addr", "add", "2001:db8:2::2/64", "dev", "eth0", "nodad"},
                new String[] {isp, "link", "set", "eth0", "up"},
                new String[] {isp, "-6", "addr", "add", "2001:db8:64::c633:640a/128", "dev", "lo"},
                new String[] {isp, "-6", "route", "add", "2001:db8:1::/96", "via", "2001:db8:2::1"})) {
            String[] cmd = new String[c.length + 2];
            cmd[0] = "ip";
            cmd[1] = "-n";
            System.arraycopy(c, 0, cmd, 2, c.length);
            Netns.run(cmd);
        }
        Netns.in(cpe, 5, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Netns.in(cpe, 5, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        // Dedicated-prefix CLAT (RFC 6877 §6.3): the LAN /24 is embedded 1:1 in 2001:db8:1::/96, no NAT44.
        XlatConfig config = XlatConfig.builder().pref64("2001:db8:64::/96")
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("10.0.1.0/24=2001:db8:1::/96")))
                .pref64ForLocal(false).ipv4Mtu(1480).ipv6Mtu(1500).build();
        // The offload variants also steer by CPU (cpu-steering): each CPU's packets to its own pinned worker.
        steered = offload && Runtime.getRuntime().availableProcessors() >= 2;
        List<java.util.BitSet> pins = List.of();
        if (steered) {
            pins = QueueSteering.cpusPerQueue(CpuAffinity.ofCurrentThread(), 2);
            assertEquals(2, pins.size(), "two queues, each with a CPU");
            QueueSteering.attach(tun);
        }
        datapath = new Datapath(tun, config, pins);
        datapath.start();
    }

    @AfterParameterizedClassInvocation
    static void tearDown() throws Exception {
        if (datapath != null) {
            datapath.close();
            datapath = null;
        }
        if (tun != null) {
            tun.close();
            tun = null;
        }
        if (net != null) {
            net.close();
            net = null;
        }
    }

    /** Non-zero counters by name, for failure messages. */
    private static String describeCounters() {
        long[] c = datapath.counters();
        StringBuilder sb = new StringBuilder("counters:");
        for (int i = 0; i < c.length; i++) {
            if (c[i] != 0) {
                sb.append(' ').append(i).append('=').append(c[i]);
            }
        }
        for (Drop d : Drop.values()) {
            long n = c[Counters.dropIndex(d)];
            if (n != 0) {
                sb.append(' ').append(d.label()).append('=').append(n);
            }
        }
        return sb.toString();
    }

    @Test
    void lanHostPingsAnIpv4AddressThatExistsOnlyBehindTheNat64Prefix() throws Exception {
        Netns.Result r = Netns.in(lan, 20, "ping", "-c", "3", "-i", "0.2", "-w", "6", "198.51.100.10");
        assertEquals(0, r.code(), io + ": " + r.output() + describeCounters());
        long[] c = datapath.counters();
        assertTrue(c[Counters.TRANSLATED_4TO6] >= 3 && c[Counters.TRANSLATED_6TO4] >= 3,
                "both directions went through the translator");
    }

    /**
     * Per-CPU steering: pings sent from a process pinned to CPU k enter the TUN on CPU k and are read by
     * worker k, which runs only there; the other worker sees none of them.
     */
    @Test
    void withCpuSteeringEachCpusPacketsAreReadByThatCpusWorker() throws Exception {
        assumeTrue(steered, "steered in the offload variants only");
        Netns.in(lan, 20, "ping", "-c", "1", "-w", "5", "198.51.100.10"); // neighbours resolved
        for (int cpu = 0; cpu < 2; cpu++) {
            long[] before = {workerPackets(0), workerPackets(1)};
            Netns.Result r = Netns.in(lan, 20, "taskset", "-c", String.valueOf(cpu), "ping", "-c", "20", "-i",
                    "0.01", "-w", "10", "198.51.100.10");
            assertEquals(0, r.code(), r.output());
            long mine = workerPackets(cpu) - before[cpu];
            long other = workerPackets(1 - cpu) - before[1 - cpu];
            assertEquals(20, mine, "echo requests read by worker " + cpu + " (other worker: " + other + ")");
            assertEquals(0, other, "echo requests from CPU " + cpu + " read by the other worker");
            String tasks = Netns.run("sh", "-c", "for t in /proc/" + ProcessHandle.current().pid()
                    + "/task/*; do grep -q jclat-worker-" + cpu + " $t/comm && grep Cpus_allowed_list $t/status; done; true");
            assertEquals("Cpus_allowed_list:\t" + cpu, tasks.trim(), "worker " + cpu + " pinned");
        }
    }

    /**
     * A TCP sender transmits from its process and from the softirq that takes its ACKs, and its process may
     * move: steered by CPU, one flow would spread over both queues and be reordered. TCP goes by flow
     * (SteeringProgram): a connection whose sender moves from CPU 0 to CPU 1 halfway is read by one worker.
     */
    @Test
    void aTcpFlowStaysOnOneQueueWhenItsSenderChangesCpu() throws Exception {
        assumeTrue(steered, "steered in the offload variants only");
        String server = "import socket\n"
                + "s=socket.socket(socket.AF_INET6,socket.SOCK_STREAM)\n"
                + "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                + "s.bind(('2001:db8:64::c633:640a',9003)); s.listen(1)\n"
                + "print('ready',flush=True)\n"
                + "c,a=s.accept(); n=0\n"
                + "while True:\n"
                + "    d=c.recv(65536)\n"
                + "    if not d: break\n"
                + "    n+=len(d)\n"
                + "c.sendall(str(n).encode()); c.close()\n";
        Process srv = new ProcessBuilder("ip", "netns", "exec", isp, "python3", "-u", "-c", server)
                .redirectErrorStream(true).start();
        try {
            BufferedReader ready = new BufferedReader(new InputStreamReader(srv.getInputStream()));
            assertEquals("ready", ready.readLine());
            long[] before = {workerPackets(0), workerPackets(1)};
            String client = "import socket,os\n"
                    + "c=socket.create_connection(('198.51.100.10',9003),5)\n"
                    + "for cpu in (0,1,0,1):\n"
                    + "    os.sched_setaffinity(0,{cpu})\n"
                    + "    c.sendall(bytes(1<<20))\n"
                    + "c.shutdown(socket.SHUT_WR)\n"
                    + "print(c.recv(100).decode())\n";
            Netns.Result r = Netns.in(lan, 30, "python3", "-c", client);
            assertEquals(0, r.code(), r.output() + describeCounters());
            assertEquals(String.valueOf(4 << 20), r.output().trim(), "every byte arrived");
            long zero = workerPackets(0) - before[0];
            long one = workerPackets(1) - before[1];
            assertTrue(zero == 0 || one == 0, "one worker read the flow: worker 0 " + zero + ", worker 1 " + one);
            assertTrue(zero + one > 0);
        } finally {
            srv.destroyForcibly();
        }
    }

    /**
     * A flood from a sender pinned to CPU 0 fills queue 0 while that CPU also runs the sender: worker 0 is
     * released to all CPUs (ElasticAffinity) so the scheduler can run it beside the sender, and pinned to CPU 0
     * again once the flood is over. Its queue never changes.
     */
    @Test
    void underLoadAPinnedWorkerIsReleasedAndPinnedAgainWhenTheLoadIsGone() throws Exception {
        assumeTrue(steered, "steered in the offload variants only");
        Netns.in(lan, 20, "ping", "-c", "1", "-w", "5", "198.51.100.10"); // neighbours resolved
        String pinned = workerCpus(0);
        String flood = "import socket,time\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "end=time.time()+3\n"
                + "while time.time()<end:\n"
                + "    for i in range(1000): s.sendto(b'x'*64,('198.51.100.10',9))\n";
        Process sender = new ProcessBuilder("ip", "netns", "exec", lan, "taskset", "-c", "0", "python3", "-c", flood)
                .redirectErrorStream(true).start();
        boolean released = false;
        try {
            for (int i = 0; i < 50 && !released; i++) {
                Thread.sleep(50);
                released = !pinned.equals(workerCpus(0)) && datapath.workersReleased() >= 1;
            }
        } finally {
            sender.waitFor();
        }
        assertTrue(released, "worker 0 released under load; allowed: " + workerCpus(0));
        String cpus = workerCpus(0);
        for (int i = 0; i < 40 && !pinned.equals(cpus); i++) { // the next idle wake-up (200 ms) decides
            Thread.sleep(50);
            cpus = workerCpus(0);
        }
        assertEquals(pinned, cpus, "worker 0 pinned again after the load");
        assertEquals(0, datapath.workersReleased());
    }

    /**
     * An idle worker sleeps until a packet comes: no wake-ups on a timer (each cost ~0.2 ms of CPU on this VM,
     * more on a router), unless it holds ICMP fragments to expire or waits to be pinned again.
     */
    @Test
    void idleWorkersDoNotWakeUpUntilAPacketComes() throws Exception {
        Netns.in(lan, 20, "ping", "-c", "1", "-w", "5", "198.51.100.10");
        Thread.sleep(1000); // a worker released by an earlier load is pinned again on its next wake-up
        long before = workerWakeUps();
        Thread.sleep(2000);
        long idle = workerWakeUps() - before;
        assertTrue(idle <= 1, "wake-ups of the idle workers in 2 s: " + idle);
        Netns.Result r = Netns.in(lan, 20, "ping", "-c", "2", "-i", "0.2", "-w", "5", "198.51.100.10");
        assertEquals(0, r.code(), "a sleeping worker still answers: " + r.output() + describeCounters());
    }

    /** Voluntary context switches of all worker threads: each wait that ended counts one. */
    private static long workerWakeUps() throws Exception {
        String n = Netns.run("sh", "-c", "for t in /proc/" + ProcessHandle.current().pid() + "/task/*; do grep -q "
                + "jclat-worker- $t/comm && awk '/^voluntary_ctxt_switches/ {print $2}' $t/status; done; true");
        return n.lines().mapToLong(Long::parseLong).sum();
    }

    /** The CPUs a worker thread may run on, as /proc shows them ("0", "0-1"). */
    private static String workerCpus(int worker) throws Exception {
        return Netns.run("sh", "-c", "for t in /proc/" + ProcessHandle.current().pid() + "/task/*; do grep -q "
                + "jclat-worker-" + worker + " $t/comm && awk '/Cpus_allowed_list/ {print $2}' $t/status; done; true")
                .trim();
    }

    /** IPv4 packets (here: echo requests) a worker has read from its queue. */
    private static long workerPackets(int worker) {
        return datapath.workers().get(worker).counters().get(Counters.IN4_PACKETS);
    }

    @Test
    void udpDatagramOf4000BytesArrivesIntactBothWays() throws Exception {
        // An IPv6 UDP echo server on the synthesized address; the IPv4 client sends 4000 bytes (IPv4
        // fragments, translated to IPv6 fragments) and checks the echoed bytes.
        String server = "import socket\n"
                + "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
                + "s.bind(('2001:db8:64::c633:640a',9000))\n"
                + "d,a=s.recvfrom(65535)\n"
                + "s.sendto(d,a)\n";
        Process srv = new ProcessBuilder("ip", "netns", "exec", isp, "python3", "-c", server)
                .redirectErrorStream(true).start();
        try {
            Thread.sleep(500);
            String client = "import socket,hashlib\n"
                    + "c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                    + "c.settimeout(5)\n"
                    + "data=bytes((i*7)%251 for i in range(4000))\n"
                    + "c.sendto(data,('198.51.100.10',9000))\n"
                    + "d,a=c.recvfrom(65535)\n"
                    + "print(len(d), d==data, a[0])\n";
            Netns.Result r = Netns.in(lan, 20, "python3", "-c", client);
            assertEquals(0, r.code(), r.output() + describeCounters());
            assertEquals("4000 True 198.51.100.10", r.output().trim());
            assertTrue(datapath.counters()[Counters.IN4_PACKETS] > 0);
        } finally {
            srv.destroyForcibly();
        }
    }

    /**
     * 3000 small datagrams of one flow as fast as a sender can go, each way: every one that arrives is intact,
     * none twice, in order, and (nearly) all arrive. With offload, datagrams that queued up in the TUN were
     * merged into UDP_L4 super-packets (UdpCoalescer) and cut apart again by the kernel on the way out.
     */
    @Test
    void burstOfSmallDatagramsArrivesIntactAndInOrderBothWays() throws Exception {
        String receive = "import socket,sys\n"
                + "fam=socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET\n"
                + "s=socket.socket(fam,socket.SOCK_DGRAM)\n"
                + "s.setsockopt(socket.SOL_SOCKET,33,16<<20)\n" // SO_RCVBUFFORCE: past rmem_max (root)
                + "s.bind((sys.argv[1],9002))\n"
                + "s.settimeout(3)\n"
                + "print('ready',flush=True)\n"
                + "got=[]\n"
                + "try:\n"
                + "    while True: got.append(s.recv(2048))\n"
                + "except socket.timeout: pass\n"
                + "last=-1; n=0; bad=0; order=0\n"
                + "for d in got:\n"
                + "    q=int.from_bytes(d[:4],'big')\n"
                + "    if d!=q.to_bytes(4,'big')+bytes((q*31+i)%256 for i in range(96)): bad+=1\n"
                + "    if q<=last: order+=1\n"
                + "    last=q; n+=1\n"
                + "print(n,bad,order,flush=True)\n";
        String send = "import socket,sys\n"
                + "fam=socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET\n"
                + "c=socket.socket(fam,socket.SOCK_DGRAM)\n"
                + "if fam==socket.AF_INET6: c.bind(('2001:db8:64::c633:640a',9002))\n"
                + "data=[q.to_bytes(4,'big')+bytes((q*31+i)%256 for i in range(96)) for q in range(3000)]\n"
                + "import time\n"
                // Bursts of 100 queue up in the TUN faster than a worker drains them, but stay well below the
                // TUN's queue length (500): nothing need be lost on the way.
                + "for q,d in enumerate(data):\n"
                + "    c.sendto(d,(sys.argv[1],9002))\n"
                + "    if q%100==99: time.sleep(0.005)\n";
        // Neighbours resolved first: a burst towards an unresolved one waits in its 64 KiB queue and overflows it.
        Netns.in(lan, 20, "ping", "-c", "1", "-w", "5", "198.51.100.10");
        long before = datapath.counters()[Counters.UDP_COALESCED];
        String[][] ways = {{isp, "2001:db8:64::c633:640a", lan, "2001:db8:64::c633:640a"},
            {lan, "10.0.1.2", isp, "2001:db8:1::a00:102"}};
        for (String[] way : ways) {
            Process rcv = new ProcessBuilder("ip", "netns", "exec", way[0], "python3", "-c", receive, way[1])
                    .redirectErrorStream(true).start();
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(rcv.getInputStream()))) {
                assertEquals("ready", out.readLine());
                String target = way[0].equals(isp) ? "198.51.100.10" : way[3];
                // The sender stays on one CPU, as a forwarded flow does (a NIC hashes it to one queue): with
                // per-CPU steering a local sender that migrates mid-burst puts one flow into two queues, and
                // two workers may then reorder it (docs/architecture.md, "Which worker reads a packet").
                Netns.Result r = Netns.in(way[2], 30, "taskset", "-c", "0", "python3", "-c", send, target);
                assertEquals(0, r.code(), r.output());
                String[] got = out.readLine().trim().split(" ");
                int n = Integer.parseInt(got[0]);
                assertEquals("0", got[1], "corrupted datagrams towards " + way[1] + "; " + describeCounters());
                assertEquals("0", got[2], "out of order or repeated towards " + way[1]);
                assertTrue(n >= 2950, n + " of 3000 arrived towards " + way[1] + "; " + describeCounters()
                        + Netns.in(way[0], 10, "nstat", "-az", "Udp6InErrors", "Udp6RcvbufErrors", "UdpRcvbufErrors",
                                "Ip6InDiscards", "IpExtInNoRoutes").output());
            } finally {
                rcv.destroyForcibly();
            }
        }
        if (offload) {
            assertTrue(datapath.counters()[Counters.UDP_COALESCED] > before,
                    "no datagrams were merged; " + describeCounters());
        }
    }

    /**
     * 12 MiB over TCP from the IPv6 server to the IPv4 host and 4 MiB back, byte-exact both ways. With offload
     * the kernel hands jclat 64 KiB super-packets, which must have been translated whole.
     */
    @Test
    void tcpTransfersBothWaysArriveByteExact() throws Exception {
        // Upload first, then download: both sides blocked in sendall would deadlock.
        String server = "import socket,hashlib\n"
                + "s=socket.socket(socket.AF_INET6,socket.SOCK_STREAM)\n"
                + "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                + "s.bind(('2001:db8:64::c633:640a',9001))\n"
                + "s.listen(1)\n"
                + "data=bytes((i*13+i//251)%256 for i in range(12*1024*1024))\n"
                + "c,a=s.accept()\n"
                + "h=hashlib.sha256()\n"
                + "n=0\n"
                + "while n<4*1024*1024:\n"
                + "    d=c.recv(65536)\n"
                + "    if not d: break\n"
                + "    h.update(d); n+=len(d)\n"
                + "print(n, h.hexdigest(), flush=True)\n"
                + "c.sendall(data)\n"
                + "c.close()\n";
        Process srv = new ProcessBuilder("ip", "netns", "exec", isp, "python3", "-c", server)
                .redirectErrorStream(true).start();
        try {
            Thread.sleep(2500); // the server builds its 12 MiB first
            String client = "import socket,hashlib\n"
                    + "c=socket.create_connection(('198.51.100.10',9001),timeout=20)\n"
                    + "up=bytes((i*5)%256 for i in range(4*1024*1024))\n"
                    + "c.sendall(up)\n"
                    + "h=hashlib.sha256()\n"
                    + "n=0\n"
                    + "while n<12*1024*1024:\n"
                    + "    d=c.recv(65536)\n"
                    + "    if not d: break\n"
                    + "    h.update(d); n+=len(d)\n"
                    + "print(n, h.hexdigest(), hashlib.sha256(up).hexdigest())\n";
            Netns.Result r = Netns.in(lan, 60, "python3", "-c", client);
            String expectedDown = java.util.HexFormat.of().formatHex(java.security.MessageDigest
                    .getInstance("SHA-256").digest(pattern(12 * 1024 * 1024)));
            String[] got = r.output().trim().split(" ");
            assertEquals(3, got.length, r.output() + describeCounters());
            assertEquals(12 * 1024 * 1024 + " " + expectedDown, got[0] + " " + got[1], describeCounters());
            assertTrue(srv.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "server did not finish");
            String serverSaw = new String(srv.getInputStream().readAllBytes()).trim();
            assertEquals(4 * 1024 * 1024 + " " + got[2], serverSaw, describeCounters());
            if (offload) {
                assertTrue(datapath.counters()[Counters.GSO_TRANSLATED_WHOLE] > 0,
                        "super-packets went through whole: " + describeCounters());
            } else {
                assertEquals(0, datapath.counters()[Counters.GSO_TRANSLATED_WHOLE]);
            }
        } finally {
            srv.destroyForcibly();
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((i * 13 + i / 251) % 256);
        }
        return b;
    }
}
