package net.jclat.testsupport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jclat.discovery.DnsServer;

/**
 * A real unbound, run as a child process in the foreground on 127.0.0.1 at a free port, serving only the
 * local zone lines it is given; it never recurses (iterator only, localhost not queried, no trust anchors).
 * Test scaffolding only.
 */
public final class Unbound implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/unbound");

    private final Path dir;
    private final Process process;
    public final int port;
    private final String ns;
    private final String address;

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts unbound with these {@code server:} clause lines added (local-zone, local-data, access-control). */
    public static Unbound start(List<String> serverLines) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken between probe and bind
            try {
                return new Unbound(serverLines, null, "127.0.0.1", freePort());
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts unbound in namespace {@code ns} on {@code [ipv6]:53} (e.g. the provider's DNS in a lab), answering
     * any IPv6 client, with these {@code server:} lines added.
     */
    public static Unbound startIn(String ns, String ipv6, List<String> serverLines)
            throws IOException, InterruptedException {
        List<String> lines = new java.util.ArrayList<>(List.of("do-ip4: no", "access-control: ::/0 allow"));
        lines.addAll(serverLines);
        return new Unbound(lines, ns, ipv6, 53);
    }

    private Unbound(List<String> serverLines, String ns, String address, int port)
            throws IOException, InterruptedException {
        this.port = port;
        this.ns = ns;
        this.address = address;
        this.dir = Files.createTempDirectory("jclat-unbound");
        StringBuilder conf = new StringBuilder("server:\n");
        for (String line : List.of(
                "interface: " + address + "@" + port, "port: " + port, ns == null ? "do-ip6: no" : "do-ip6: yes",
                "do-daemonize: no",
                "chroot: \"\"", "username: \"\"", "directory: \"" + dir + "\"", "pidfile: \"\"",
                "use-syslog: no", "logfile: \"\"", "verbosity: 1", "num-threads: 1", "outgoing-range: 16",
                "so-reuseport: no", "module-config: \"iterator\"", "do-not-query-localhost: yes",
                "rrset-roundrobin: no", "access-control: 127.0.0.0/8 allow")) {
            conf.append("  ").append(line).append('\n');
        }
        for (String line : serverLines) {
            conf.append("  ").append(line).append('\n');
        }
        conf.append("remote-control:\n  control-enable: no\n");
        Path file = Files.writeString(dir.resolve("unbound.conf"), conf.toString(), StandardCharsets.UTF_8);
        List<String> cmd = new java.util.ArrayList<>();
        if (ns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", ns));
        }
        cmd.addAll(List.of(BINARY.toString(), "-d", "-c", file.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            if (!process.isAlive()) {
                String log = log();
                deleteDir();
                throw new IOException("unbound exited " + process.exitValue() + ": " + log);
            }
            try {
                listening();
                return; // the TCP listener is opened together with the UDP one, before service starts
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IOException("unbound not listening after 5 s");
                }
                Thread.sleep(10);
            }
        }
    }

    private void listening() throws IOException {
        if (ns == null) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            }
        } else if (!Netns.in(ns, 5, "ss", "-Hltn").output().contains("[" + address + "]:" + port)) {
            throw new IOException("not listening yet");
        }
    }

    public DnsServer server() {
        return new DnsServer(InetAddress.getLoopbackAddress(), port);
    }

    public String log() throws IOException {
        Path log = dir.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    return udp.getLocalPort();
                } catch (IOException udpTaken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port on 127.0.0.1 for both UDP and TCP");
    }

    private void deleteDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** SIGKILL: the server dies as in a crash; {@link #close()} still cleans up after it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteDir();
    }
}
