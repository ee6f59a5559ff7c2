package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.pcap.PcapPacket;
import net.jclat.pcap.PcapReader;
import net.jclat.pcap.PcapWriter;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.Tayga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Large pings through the real daemon and a real PLAT (issue 13 item 4): the LAN host's 3000-byte ping leaves
 * as IPv4 fragments, TAYGA in the provider translates it to the IPv4-only server 198.51.100.10 and the reply
 * comes back as IPv6 fragments, which jclat must reassemble (RFC 7915 §5.2) where it used to drop them. The
 * provider side then sends crafted ICMPv6 fragments with scapy (in order, out of order, a flood of datagrams
 * that never complete) to the CLAT address, which the CPE itself answers.
 */
class FragmentedIcmpNamespaceTest {
    private static final String PREFIX = "2001:db8:64::/96";
    private static final String CLAT6 = "2001:db8:100::c";
    private static final String PYTHON = "/usr/bin/python3"; // Debian's, which has python3-scapy

    /** Sends crafted ICMPv6 from the provider to the CLAT address and reports what came back. */
    private static final String SCAPY = """
            import random, sys, time
            from scapy.all import *
            conf.verb = 0
            S, C = '2001:db8:64::c633:640a', '2001:db8:100::c'
            mode, cpe = sys.argv[1], sys.argv[3]  # cpe: the MAC of the CPE's uplink, which answers for C

            def send6(ps):
                sendp([Ether(dst=cpe) / p for p in ps], iface='down0')

            if mode == 'flood':
                n = int(sys.argv[2])
                ps = [IPv6(src=S, dst=C) / IPv6ExtHdrFragment(id=random.getrandbits(32), m=1, offset=0, nh=58)
                      / Raw(bytes([128, 0]) + bytes(1230)) for _ in range(n)]
                send6(ps)
                print('sent', n)
                sys.exit(0)
            order = [int(x) for x in sys.argv[2].split(',')]
            data = bytes(random.getrandbits(8) for _ in range(3000))
            whole = IPv6(src=S, dst=C) / IPv6ExtHdrFragment(id=random.getrandbits(32)) / ICMPv6EchoRequest(
                id=0x77, seq=random.getrandbits(15), data=data)
            frags = fragment6(whole, 1280)
            assert len(frags) == len(order), len(frags)
            sn = AsyncSniffer(iface='down0', timeout=4,
                              lfilter=lambda p: IPv6 in p and p[IPv6].src == C and p[IPv6].dst == S)
            sn.start()
            time.sleep(0.5)
            send6([frags[i] for i in order])
            sn.join()
            got = [p[IPv6] for p in sn.results]
            if not got:
                print('no reply')
                sys.exit(1)
            reply = defragment6(got) if IPv6ExtHdrFragment in got[0] else got[0]
            icmp = bytes(reply.payload)
            echo = ICMPv6EchoReply(icmp)
            # the checksum over the pseudo-header and the whole message verifies (sums to zero)
            ok = icmp[0] == 129 and echo.id == 0x77 and bytes(echo.data) == data and in6_chksum(58, reply, icmp) == 0
            print('reply fragments', len(got), 'ok' if ok else 'WRONG ' + icmp[:8].hex())
            sys.exit(0 if ok else 1)
            """;

    private CpeLab lab;
    private Path plat;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
    }

    /** The daemon with the lab's prefix, whose 198.51.100.10 is the IPv6-only server (or TAYGA's IPv4 one). */
    private void startDaemon() throws Exception {
        lab.startTimeout(40); // two CPUs shared with other test runs: a JVM may take a while to start
        lab.startDaemon(List.of("--pref64", PREFIX, "--clat-v6", CLAT6));
        lab.awaitStatus("\"state\":\"running\"", 10);
        lab.warmUp();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (plat != null) {
            Tayga.stopAll(plat, "t");
        }
    }

    @Test
    void aPingWhoseReplyTaygaFragmentsIsAnswered() throws Exception {
        // The case: a 1400-byte ping leaves whole (DF set, it fits), the real PLAT translates the IPv4
        // server's DF-clear reply and fragments it for the IPv6 minimum MTU (RFC 7915 §4.1), and those ICMPv6
        // fragments used to be dropped here (icmp-fragmented).
        assumeTrue(Netns.exec(10, "sh", "-c", "command -v tayga").code() == 0, "needs tayga");
        lab.addIpv4Server();
        CpeLab.ip(lab.isp, "-6", "route", "del", PREFIX);
        plat = Files.createTempDirectory("jclat-plat");
        Tayga.start(lab.isp, plat.resolve("t"), "plat64", PREFIX, "100.64.1");
        startDaemon();
        for (int size : new int[] {1232, 1400, 1452}) {
            Netns.Result r = Netns.in(lab.lan, 20, "ping", "-n", "-c", "3", "-i", "0.3", "-w", "8", "-s",
                    Integer.toString(size), "198.51.100.10");
            assertEquals(0, r.code(), size + ": " + r.output() + lab.statusJson() + lab.log());
        }
        // 1232 bytes of data make exactly 1280 bytes of IPv6: only the two larger sizes come back fragmented.
        assertTrue(counter("reassembled") >= 6, lab.statusJson());
        assertEquals(0, drops("reassembly-overlap") + drops("reassembly-timeout"), lab.statusJson());
    }

    @Test
    void a3000BytePingEachWayIsAnsweredAndJclatTranslateGivesTheDaemonsPackets() throws Exception {
        // TAYGA 0.9.2 does not translate fragmented ICMPv6 (it has no reassembly), so a request too large for one
        // packet cannot pass it; here the far end is the lab's IPv6-only server, a real kernel that reassembles
        // and fragments its replies at its 1400-byte MTU.
        startDaemon();
        Path dir = Files.createTempDirectory("jclat-frag");
        Path capture = dir.resolve("tun.pcap");
        // What enters and leaves the TUN, as the kernel sees it: jclat's input and its output.
        Process dumpcap = new ProcessBuilder("ip", "netns", "exec", lab.cpe, "dumpcap", "-q", "-i", "clat", "-P",
                "-w", capture.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("dumpcap.log").toFile()).start();
        try {
            awaitFile(capture, dumpcap);
            Thread.sleep(500);
            Netns.Result r = Netns.in(lab.lan, 20, "ping", "-n", "-c", "3", "-i", "0.3", "-w", "8", "-s", "3000",
                    "198.51.100.10");
            assertEquals(0, r.code(), r.output() + lab.statusJson() + lab.log());
            assertTrue(r.output().contains("3 received"), r.output());
            // The other way: the server pings the CLAT address (from its address under the prefix), which the CPE
            // answers as 192.0.0.1.
            r = Netns.in(lab.srv, 20, "ping", "-6", "-n", "-c", "3", "-i", "0.3", "-w", "8", "-s", "3000", "-I",
                    CpeLab.SERVER6, CLAT6);
            assertEquals(0, r.code(), r.output() + lab.statusJson() + lab.log());
            Thread.sleep(500);
        } finally {
            Netns.run("kill", "-INT", Long.toString(dumpcap.pid()));
            dumpcap.waitFor(5, TimeUnit.SECONDS);
        }
        // Both directions were reassembled: the request's IPv4 fragments and the reply's IPv6 fragments.
        assertTrue(counter("reassembled") >= 12, lab.statusJson());
        assertEquals(0, counter("reassembly_pending_4to6") + counter("reassembly_pending_6to4"), lab.statusJson());

        // jclat translate on what went into the TUN writes exactly what the daemon wrote back.
        List<byte[]> in = new ArrayList<>();
        List<String> daemonOut = new ArrayList<>();
        try (PcapReader reader = new PcapReader(capture); PcapWriter w = new PcapWriter(dir.resolve("in.pcap"))) {
            PcapPacket p;
            while ((p = reader.next()) != null) {
                byte[] d = p.data();
                if (!isIcmp(d)) {
                    // e.g. the daemon's own DNS queries: with offload their UDP checksum field holds a partial
                    // sum that the virtio-net header (not in the capture) marks as such.
                    continue;
                }
                if (isJclatInput(d)) {
                    in.add(d);
                    w.write(p.timestampNanos(), java.nio.ByteBuffer.wrap(d), 0, d.length);
                } else {
                    daemonOut.add(HexFormat.of().formatHex(d));
                }
            }
        }
        assertTrue(in.size() >= 6 * 2 * 2, "fragments of six requests and six replies went in: " + in.size());
        Netns.Result t = Netns.exec(60, CpeLab.jclat("translate", "--pref64", PREFIX, "--clat-v4", "192.0.0.1",
                "--clat-v6", CLAT6, "--lowest-ipv6-mtu", "1280", "--ipv4-mtu", ipv4Mtu(), "--ipv6-mtu", tunMtu(),
                "--in", dir.resolve("in.pcap").toString(), "--out", dir.resolve("out.pcap").toString())
                .toArray(new String[0]));
        assertEquals(0, t.code(), t.output());
        List<String> offline = new ArrayList<>();
        try (PcapReader reader = new PcapReader(dir.resolve("out.pcap"))) {
            PcapPacket p;
            while ((p = reader.next()) != null) {
                offline.add(HexFormat.of().formatHex(p.data()));
            }
        }
        // Two workers may interleave their output; the packets themselves must be the same, byte for byte.
        daemonOut.sort(null);
        offline.sort(null);
        assertEquals(daemonOut, offline, t.output());
        Netns.run("rm", "-rf", dir.toString());
    }

    @Test
    void crafted3000ByteIpv6FragmentsInAndOutOfOrderAreAnswered() throws Exception {
        startDaemon();
        for (String order : List.of("0,1,2", "2,1,0", "1,2,0", "2,0,1")) {
            Netns.Result r = scapy("order", order);
            assertEquals(0, r.code(), "order " + order + ": " + r.output() + lab.statusJson());
        }
        assertTrue(counter("reassembled") >= 8, lab.statusJson());
    }

    @Test
    void aFloodOfIncompleteDatagramsStaysWithinTheBufferAndLargePingsStillWork() throws Exception {
        startDaemon();
        long fixed = counter("reassembly_buffer_bytes");
        Netns.Result flood = scapy("flood", "3000");
        assertEquals(0, flood.code(), flood.output());
        // Every datagram of the flood was either evicted at the cap or is still held: never more than the cap.
        long held = counter("reassembly_datagrams");
        assertTrue(held <= 2L * 8, "datagrams held " + held + ": " + lab.statusJson());
        long bytes = counter("reassembly_buffer_bytes");
        assertTrue(bytes <= 2L * ReassemblyBudget.PER_WORKER && bytes >= fixed, "buffer bytes " + bytes);
        assertTrue(drops("reassembly-full") > 0, lab.statusJson());
        // Normal traffic and large pings go on: the flood evicts only datagrams that never complete.
        assertEquals(0, lab.lanPing().code(), lab.log());
        assertEquals(0, scapy("order", "2,0,1").code(), lab.statusJson());
        Netns.Result big = Netns.in(lab.lan, 20, "ping", "-n", "-c", "2", "-i", "0.3", "-w", "8", "-s", "3000",
                "198.51.100.10");
        assertEquals(0, big.code(), big.output() + lab.statusJson());
        // After the timeout the flood's leftovers are gone (the idle workers expire them).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter("reassembly_datagrams") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, counter("reassembly_datagrams"), lab.statusJson());
        assertEquals(0, counter("reassembly_pending_6to4"), lab.statusJson());
        assertTrue(drops("reassembly-timeout") > 0, lab.statusJson());
        lab.stopDaemon();
    }

    /** What the daemon's workers allocate for reassembly: the default limits, once each. */
    static final class ReassemblyBudget {
        static final long PER_WORKER = Datapath.REASSEMBLY.bufferBytes();
    }

    /** ICMP or ICMPv6, whole or a fragment. */
    private static boolean isIcmp(byte[] d) {
        if ((d[0] & 0xF0) == 0x40) {
            return d[9] == 1;
        }
        return d[6] == 58 || d[6] == 44 && d[40] == 58;
    }

    /**
     * Packets the kernel sends into the TUN (jclat's input): IPv4 from the CLAT address (after NAT44), IPv6 to
     * the CLAT IPv6 address. What jclat writes goes the other way.
     */
    private static boolean isJclatInput(byte[] d) {
        if ((d[0] & 0xF0) == 0x40) {
            return (d[12] & 0xFF) == 192 && d[13] == 0 && d[14] == 0 && d[15] == 1; // from 192.0.0.1
        }
        byte[] clat6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c};
        return java.util.Arrays.equals(d, 24, 40, clat6, 0, 16); // to 2001:db8:100::c
    }

    private String ipv4Mtu() throws IOException {
        return field("ipv4_mtu");
    }

    private String tunMtu() throws IOException {
        return field("tun_mtu");
    }

    private String field(String name) throws IOException {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(lab.statusJson());
        assertTrue(m.find(), name + " in " + lab.statusJson());
        return m.group(1);
    }

    /** A counter from the status file, which the daemon rewrites every second. */
    private long counter(String name) throws Exception {
        Thread.sleep(1200);
        return Long.parseLong(field(name));
    }

    private long drops(String reason) throws IOException {
        Matcher m = Pattern.compile("\"" + reason + "\":(\\d+)").matcher(lab.statusJson());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Runs {@link #SCAPY} in the provider namespace: a mode, its argument, and the CPE uplink's MAC. */
    private Netns.Result scapy(String mode, String arg) throws IOException {
        Matcher m = Pattern.compile("link/ether (\\S+)").matcher(Netns.in(lab.cpe, 5, "ip", "link", "show", "wan0")
                .output());
        assertTrue(m.find(), "the CPE uplink's MAC");
        return Netns.in(lab.isp, 60, PYTHON, "-c", SCAPY, mode, arg, m.group(1));
    }

    private static void awaitFile(Path p, Process proc) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(p)) {
            assertTrue(proc.isAlive(), "dumpcap exited");
            assertTrue(System.nanoTime() < deadline, "dumpcap did not start");
            Thread.sleep(100);
        }
    }
}
