package net.jclat.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.Unbound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shaded jar on aarch64: Debian's arm64 JRE (unpacked into /opt/jclat-arm64 by bin/jclat-arm64-sysroot)
 * run by qemu user-mode emulation, so JNA's and Netty's linux-aarch64 natives are the ones loaded. The
 * arm64 run must agree byte for byte with this machine's, on a capture of real traffic and on the sample.
 */
class QemuAarch64IT {
    static final Path QEMU = Path.of("/usr/bin/qemu-aarch64-static");
    static final Path SYSROOT = Path.of("/opt/jclat-arm64");
    static final Path ARM64_JAVA = SYSROOT.resolve("usr/lib/jvm/java-17-openjdk-arm64/bin/java");
    static final Path JAR = Path.of("target/jclat.jar");
    private static Path capture;

    @TempDir
    Path dir;

    /** The arm64 java under qemu, then {@code args}. */
    static List<String> arm64(String... args) {
        List<String> cmd = new ArrayList<>(List.of(QEMU.toString(), "-L", SYSROOT.toString(), ARM64_JAVA.toString(),
                "-XX:+UseSerialGC", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static List<String> amd64(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Netns.Result run(List<String> cmd) throws IOException {
        return Netns.exec(300, cmd.toArray(new String[0]));
    }

    @BeforeAll
    static void needsQemuAndTheArm64Root() throws Exception {
        assumeTrue(Files.isExecutable(QEMU) && Files.isExecutable(ARM64_JAVA),
                "needs qemu-user-static and the arm64 root (bin/jclat-setup)");
        Netns.Result r = run(List.of(QEMU.toString(), "-L", SYSROOT.toString(), ARM64_JAVA.toString(),
                "-XshowSettings:properties", "-version"));
        assertTrue(r.output().contains("os.arch = aarch64"), r.output());
    }

    @AfterAll
    static void removeCapture() throws IOException {
        if (capture != null) {
            Files.deleteIfExists(capture);
        }
    }

    /**
     * Real traffic from 192.0.0.1 (the CLAT's IPv4 address) to 198.51.100.10 between two namespaces, captured
     * by dumpcap: pings, a 4000-byte UDP datagram (IPv4 fragments) and a TCP exchange, with their answers.
     */
    static Path realCapture() throws Exception {
        if (capture != null) {
            return capture;
        }
        assumeTrue(Netns.available() && Files.isExecutable(Path.of("/usr/bin/dumpcap")), "needs root and dumpcap");
        Path file = Files.createTempFile("jclat-real", ".pcap");
        try (Netns net = new Netns()) {
            String host = net.add("h");
            String server = net.add("s");
            Netns.run("ip", "link", "add", "jqh" + net.suffix, "type", "veth", "peer", "name", "jqs" + net.suffix);
            Netns.run("ip", "link", "set", "jqh" + net.suffix, "netns", host, "name", "eth0");
            Netns.run("ip", "link", "set", "jqs" + net.suffix, "netns", server, "name", "eth0");
            CpeLab.ip(host, "addr", "add", "192.0.0.1/32", "peer", "198.51.100.10/32", "dev", "eth0");
            CpeLab.ip(server, "addr", "add", "198.51.100.10/32", "peer", "192.0.0.1/32", "dev", "eth0");
            CpeLab.ip(host, "link", "set", "eth0", "up");
            CpeLab.ip(server, "link", "set", "eth0", "up");
            Process dump = new ProcessBuilder("ip", "netns", "exec", host, "dumpcap", "-q", "-i", "eth0", "-P",
                    "-w", file.toString()).redirectErrorStream(true).start();
            String echo = "import socket,threading\n"
                    + "u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind(('198.51.100.10',9000))\n"
                    + "t=socket.socket(); t.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                    + "t.bind(('198.51.100.10',8080)); t.listen(1)\n"
                    + "def udp():\n"
                    + "    d,a=u.recvfrom(65535); u.sendto(d,a)\n"
                    + "threading.Thread(target=udp).start()\n"
                    + "c,a=t.accept(); c.sendall(c.recv(100).upper()); c.close()\n";
            Process srv = new ProcessBuilder("ip", "netns", "exec", server, "python3", "-c", echo)
                    .redirectErrorStream(true).start();
            try {
                Thread.sleep(1500); // dumpcap and the server up
                Netns.Result ping = Netns.in(host, 20, "ping", "-n", "-c", "3", "-i", "0.2", "198.51.100.10");
                assertEquals(0, ping.code(), ping.output());
                String client = "import socket\n"
                        + "u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.settimeout(5)\n"
                        + "data=bytes((i*7)%251 for i in range(4000))\n"
                        + "u.sendto(data,('198.51.100.10',9000)); print(u.recvfrom(65535)[0]==data)\n"
                        + "t=socket.create_connection(('198.51.100.10',8080),5); t.sendall(b'hello clat')\n"
                        + "print(t.recv(100).decode()); t.close()\n";
                Netns.Result r = Netns.in(host, 20, "python3", "-c", client);
                assertEquals("True\nHELLO CLAT", r.output().strip(), r.output());
                Thread.sleep(500);
            } finally {
                srv.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                Netns.run("kill", "-INT", Long.toString(dump.pid()));
                dump.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertTrue(Files.size(file) > 8000, "the capture holds the traffic: " + Files.size(file) + " bytes");
        capture = file;
        return file;
    }

    /** {@code jclat translate} on both architectures; the outputs (text and pcap) must be identical. */
    private void translateOnBoth(Path in, String expectedSummary) throws Exception {
        String[] args = {"translate", "--pref64", "2001:db8:64::/96", "--clat-v4", "192.0.0.1", "--clat-v6",
            "2001:db8:1::c", "--in", in.toString(), "--explain", "--out"};
        List<String> onArm = arm64(args);
        onArm.add(dir.resolve("arm64.pcap").toString());
        List<String> onAmd = amd64(args);
        onAmd.add(dir.resolve("amd64.pcap").toString());
        long start = System.nanoTime();
        Netns.Result arm = run(onArm);
        System.out.printf("QemuAarch64IT: translate of %s under qemu-aarch64 took %d ms%n", in.getFileName(),
                (System.nanoTime() - start) / 1_000_000);
        Netns.Result amd = run(onAmd);
        assertEquals(0, arm.code(), arm.output());
        assertEquals(0, amd.code(), amd.output());
        assertEquals(amd.output(), arm.output());
        assertTrue(arm.output().contains(expectedSummary), arm.output());
        assertArrayEquals(Files.readAllBytes(dir.resolve("amd64.pcap")), Files.readAllBytes(dir.resolve("arm64.pcap")));
    }

    @Test
    void translateOfARealCaptureIsByteIdenticalOnAarch64() throws Exception {
        translateOnBoth(realCapture(), "translated IPv4 192.0.0.1 > 198.51.100.10 udp");
    }

    @Test
    void translateOfTheSampleIsByteIdenticalOnAarch64() throws Exception {
        translateOnBoth(Path.of("docs/examples/sample.pcap"), "12 packets in, 10 out");
    }

    @Test
    void discoverFindsThePrefixFromARealUnboundOnAarch64() throws Exception {
        assumeTrue(Unbound.available(), "needs /usr/sbin/unbound");
        try (Unbound u = Unbound.start(List.of("local-zone: \"ipv4only.arpa.\" static",
                "local-data: \"ipv4only.arpa. 300 IN AAAA 2001:db8:64::c000:aa\""))) {
            Netns.Result r = run(arm64("discover", "--dns", "127.0.0.1:" + u.port));
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("2001:db8:64::/96  source dns  length 96  lifetime 300 s"), r.output());
        }
    }

    /**
     * The daemon under qemu: TUN ioctls, rtnetlink, JNA and Netty's aarch64 natives, the control socket.
     * Prefix mode (RFC 6877 §6.3), because nat44 mode's proxy NDP entry is an RTM_NEWNEIGH message, which
     * qemu-user's netlink emulation refuses with EOPNOTSUPP (docs/runtime.md); on real aarch64 it is the
     * same code as on x86_64. Both packet I/O paths: FileChannel is the one a musl OpenWrt uses.
     */
    @ParameterizedTest(name = "tun-io {0}")
    @ValueSource(strings = {"netty", "filechannel"})
    void runTranslatesALanPingOnAarch64(String tunIo) throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (CpeLab lab = CpeLab.build()) {
            lab.launcher(arm64()).startTimeout(120); // every instruction emulated, on a shared machine
            lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--mode", "prefix", "--map",
                    "192.168.1.0/24=2001:db8:50::/96", "--tun-io", tunIo));
            lab.awaitStatus("\"state\":\"running\"", 120);
            Netns.Result ping = lab.lanPing();
            assertEquals(0, ping.code(), ping.output() + lab.log());
            Netns.Result status = run(arm64("status", "--socket", lab.controlSocket().toString()));
            assertEquals(0, status.code(), status.output() + lab.log());
            assertTrue(status.output().matches("(?s).*IPv4 -> IPv6: +[1-9][0-9]* packets in.*"), status.output());
            assertTrue(status.output().contains("TUN I/O:         " + tunIo), status.output());
            lab.stopDaemon();
        }
    }
}
