package net.jclat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CPE in network namespaces for tests of the real {@code jclat run} process: an IPv4-only LAN host
 * (192.168.1.2), the CPE (LAN 192.168.1.1, uplink {@code wan0} 2001:db8:100::2/64), an IPv6-only provider
 * router (2001:db8:100::1, and 2001:db8:200::1 toward the server with a 1400-byte MTU) and a server holding
 * the address of 198.51.100.10 synthesized under 2001:db8:64::/96. Test scaffolding only.
 */
public final class CpeLab implements AutoCloseable {
    public static final String SERVER6 = "2001:db8:64::c633:640a";

    public final Netns net;
    public final String lan;
    public final String cpe;
    public final String isp;
    public final String srv;
    public final Path status;
    private Process daemon;
    private List<String> jvmOptions = List.of();
    private List<String> launcher;
    private int startSeconds = 15;

    private CpeLab() throws IOException {
        net = new Netns();
        lan = net.add("l");
        cpe = net.add("c");
        isp = net.add("i");
        srv = net.add("s");
        String s = net.suffix;
        link("a" + s, lan, "eth0", "b" + s, cpe, "lan0");
        link("c" + s, cpe, "wan0", "d" + s, isp, "down0");
        link("e" + s, isp, "up0", "f" + s, srv, "eth0");
        ip(lan, "addr", "add", "192.168.1.2/24", "dev", "eth0");
        ip(lan, "route", "add", "default", "via", "192.168.1.1");
        ip(cpe, "addr", "add", "192.168.1.1/24", "dev", "lan0");
        ip(cpe, "-6", "addr", "add", "2001:db8:100::2/64", "dev", "wan0", "nodad");
        ip(cpe, "-6", "route", "add", "default", "via", "2001:db8:100::1");
        ip(isp, "-6", "addr", "add", "2001:db8:100::1/64", "dev", "down0", "nodad");
        ip(isp, "-6", "addr", "add", "2001:db8:200::1/64", "dev", "up0", "nodad");
        ip(isp, "link", "set", "up0", "mtu", "1400");
        ip(isp, "-6", "route", "add", "2001:db8:64::/96", "via", "2001:db8:200::2");
        ip(isp, "-6", "route", "add", "2001:db8:50::/64", "via", "2001:db8:100::2");
        ip(srv, "link", "set", "eth0", "mtu", "1400");
        ip(srv, "-6", "addr", "add", "2001:db8:200::2/64", "dev", "eth0", "nodad");
        ip(srv, "-6", "addr", "add", SERVER6 + "/128", "dev", "lo");
        ip(srv, "-6", "route", "add", "default", "via", "2001:db8:200::1");
        for (String ns : List.of(cpe, isp)) {
            Netns.in(ns, 5, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        }
        Path st = Files.createTempFile("jclat-status", ".json");
        Files.delete(st);
        status = st;
    }

    public static CpeLab build() throws IOException {
        return new CpeLab();
    }

    /** A veth pair {@code a}/{@code b}, moved into two namespaces as {@code nameA}/{@code nameB} and up. */
    public static void link(String a, String nsA, String nameA, String b, String nsB, String nameB)
            throws IOException {
        Netns.run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        Netns.run("ip", "link", "set", a, "netns", nsA, "name", nameA);
        Netns.run("ip", "link", "set", b, "netns", nsB, "name", nameB);
        ip(nsA, "link", "set", nameA, "up");
        ip(nsB, "link", "set", nameB, "up");
    }

    /**
     * A second NAT64 prefix, 2001:db8:65::/96: the server also holds 198.51.100.10 under it and the
     * provider routes it there, so a switch between the two prefixes can be seen working.
     */
    public void serveSecondPrefix() throws IOException {
        ip(srv, "-6", "addr", "add", "2001:db8:65::c633:640a/128", "dev", "lo");
        ip(isp, "-6", "route", "add", "2001:db8:65::/96", "via", "2001:db8:200::2");
    }

    /**
     * An IPv4-only host 198.51.100.10 behind the provider router (its interface inet0, 198.51.100.1/24), for
     * a real PLAT in the provider to reach; returns its namespace. The server's synthesized address stays.
     */
    public String addIpv4Server() throws IOException {
        String v4 = net.add("v");
        Netns.run("ip", "link", "add", "g" + net.suffix, "type", "veth", "peer", "name", "h" + net.suffix);
        Netns.run("ip", "link", "set", "g" + net.suffix, "netns", isp, "name", "inet0");
        Netns.run("ip", "link", "set", "h" + net.suffix, "netns", v4, "name", "eth0");
        ip(isp, "addr", "add", "198.51.100.1/24", "dev", "inet0");
        ip(isp, "link", "set", "inet0", "up");
        ip(v4, "addr", "add", "198.51.100.10/24", "dev", "eth0");
        ip(v4, "link", "set", "eth0", "up");
        ip(v4, "route", "add", "default", "via", "198.51.100.1");
        return v4;
    }

    /** {@code ip -n NS ARGS...}; fails with the command's output. */
    public static void ip(String ns, String... args) throws IOException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = ns;
        System.arraycopy(args, 0, cmd, 3, args.length);
        Netns.run(cmd);
    }

    /** The {@code java ... Main} command line from the test classpath. */
    public static List<String> jclat(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "net.jclat.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** JVM options for the daemons this lab starts from now on (e.g. to run without Netty's native library). */
    public CpeLab jvmOptions(String... options) {
        jvmOptions = List.of(options);
        return this;
    }

    /**
     * Runs the daemons this lab starts with another Java command instead of the test classpath: e.g.
     * {@code [jre/bin/java, -jar, target/jclat.jar]} to test a runtime built for OpenWrt.
     */
    public CpeLab launcher(List<String> javaCommand) {
        launcher = List.copyOf(javaCommand);
        return this;
    }

    /** How long {@link #startDaemon} waits for the status file (an emulated JVM needs longer). */
    public CpeLab startTimeout(int seconds) {
        startSeconds = seconds;
        return this;
    }

    /**
     * Starts {@code jclat run --uplink wan0 --workers 2 --status-file ... --fast-path off} plus {@code flags} in the CPE
     * namespace and waits for its status file.
     */
    public Process startDaemon(List<String> flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cpe));
        List<String> java = jclat("run", "--uplink", "wan0", "--workers", "2", "--status-file", status.toString());
        if (launcher != null) {
            java.subList(0, 5).clear(); // java, -XX:+UseSerialGC, -cp, CLASSPATH, Main
            java.addAll(0, launcher);
        }
        java.addAll(1, jvmOptions);
        // The suites on this lab test the TUN path, which the kernel fast path (default auto) would bypass for
        // most packets; a test's own --fast-path (or config file key) comes later and wins.
        // FastPathDaemonNamespaceTest runs the same scenarios with the fast path on.
        java.addAll(List.of("--fast-path", "off"));
        cmd.addAll(java);
        if (!flags.contains("--control-socket") && !flags.contains("--config")) {
            // Its own socket, so a test never meets a jclat running elsewhere on this machine (the lab).
            cmd.addAll(List.of("--control-socket", controlSocket().toString()));
        }
        cmd.addAll(flags);
        daemon = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logFile().toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startSeconds);
        while (!Files.exists(status)) {
            assertTrue(daemon.isAlive(), "jclat exited early: " + log());
            assertTrue(System.nanoTime() < deadline, "no status file after " + startSeconds + " s: " + log());
            Thread.sleep(100);
        }
        return daemon;
    }

    public Process daemon() {
        return daemon;
    }

    public Path controlSocket() {
        return status.resolveSibling(status.getFileName() + ".sock");
    }

    private Path logFile() {
        return status.resolveSibling(status.getFileName() + ".log");
    }

    public String log() throws IOException {
        return Files.exists(logFile()) ? Files.readString(logFile()) : "";
    }

    public String statusJson() throws IOException {
        return Files.exists(status) ? Files.readString(status) : "(no status file)";
    }

    /** Waits up to {@code seconds} for the status file to contain {@code needle}; fails with status and log. */
    public void awaitStatus(String needle, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!statusJson().contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status never contained " + needle + ": " + statusJson() + "\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** Waits up to {@code seconds} for the daemon's log to contain {@code needle}; fails with the log. */
    public void awaitLog(String needle, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!log().contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the log never contained " + needle + ":\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** SIGTERM (to "ip netns exec", which execs java: the same process); expects exit 0 within 10 s. */
    public void stopDaemon() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            Netns.run("kill", "-TERM", Long.toString(daemon.pid()));
            assertTrue(daemon.waitFor(10, TimeUnit.SECONDS), "jclat did not stop on SIGTERM");
            assertEquals(0, daemon.exitValue(), log());
        }
    }

    /**
     * A 4000-byte UDP datagram from the LAN host to an echo server at the synthesized address and back,
     * byte-exact: IPv4 fragments translated to IPv6 fragments and back (RFC 7915 §4.1, §5.1.1).
     */
    public void assertLargeUdpDatagramEchoes() throws Exception {
        String server = "import socket\n"
                + "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
                + "s.bind(('" + SERVER6 + "',9000))\n"
                + "d,a=s.recvfrom(65535)\n"
                + "s.sendto(d,a)\n";
        Process echo = new ProcessBuilder("ip", "netns", "exec", srv, "python3", "-c", server).start();
        try {
            Thread.sleep(500);
            String client = "import socket\n"
                    + "c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                    + "c.settimeout(5)\n"
                    + "data=bytes((i*7)%251 for i in range(4000))\n"
                    + "c.sendto(data,('198.51.100.10',9000))\n"
                    + "d,a=c.recvfrom(65535)\n"
                    + "print(len(d), d==data)\n";
            Netns.Result r = Netns.in(lan, 20, "python3", "-c", client);
            assertEquals("4000 True", r.output().strip(), r.output() + log());
        } finally {
            echo.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Two pings from the LAN host to 198.51.100.10, allowing 6 s (proxy NDP may delay the first). */
    public Netns.Result lanPing(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ping", "-n", "-c", "2", "-i", "0.3", "-w", "6"));
        cmd.addAll(List.of(args));
        cmd.add("198.51.100.10");
        return Netns.in(lan, 20, cmd.toArray(new String[0]));
    }

    /**
     * One ordinary ping first, so neighbour discovery (incl. proxy NDP for the CLAT address) is done
     * before a test depends on a single ICMPv6 error, which routers rate-limit (net.ipv6.icmp.ratelimit).
     */
    public void warmUp() throws IOException {
        Netns.Result r = lanPing();
        assertEquals(0, r.code(), r.output() + log() + statusJson()
                + Netns.in(isp, 5, "ip", "-6", "neigh").output() + Netns.in(cpe, 5, "ip", "-6", "neigh").output());
    }

    @Override
    public void close() throws IOException {
        if (daemon != null && daemon.isAlive()) {
            try {
                daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        net.close();
        Files.deleteIfExists(status);
        Files.deleteIfExists(logFile());
        Files.deleteIfExists(controlSocket());
    }
}
