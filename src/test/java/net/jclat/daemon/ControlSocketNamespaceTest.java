package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control socket of the real daemon: {@code jclat status} as text and JSON, root only, removed on stop. */
class ControlSocketNamespaceTest {
    private CpeLab lab;
    private Path socket;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        socket = Files.createTempDirectory("jclat-control").resolve("clat.sock");
        lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--clat-v6", "2001:db8:100::c",
                "--control-socket", socket.toString()));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (socket != null) {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
    }

    private static Netns.Result jclat(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(CpeLab.jclat(args));
        return Netns.exec(20, cmd.toArray(new String[0]));
    }

    @Test
    void statusAnswersAsTextAndJsonWithPrefixStateAndCounters() throws Exception {
        lab.warmUp();
        Netns.Result json = jclat("status", "--json", "--socket", socket.toString());
        assertEquals(0, json.code(), json.output());
        assertTrue(json.output().startsWith("{\"state\":\"running\"") && json.output().contains(
                "\"pref64\":\"2001:db8:64::/96\"") && json.output().contains("\"translated_4to6\":"), json.output());
        Netns.Result text = jclat("status", "--socket", socket.toString());
        assertEquals(0, text.code(), text.output());
        assertTrue(text.output().contains("state:           running"), text.output());
        assertTrue(text.output().contains("NAT64 prefix:    2001:db8:64::/96 from static, static"), text.output());
        assertTrue(text.output().matches("(?s).*IPv4 -> IPv6: +[1-9][0-9]* packets in.*"), text.output());
        // With Netty's native library loaded (it moves the TUN packets here), the socket is still the JDK's:
        // Netty's channels, pipeline and buffer pool would cost ~5 MB of RSS (docs/benchmarks.md).
        assertTrue(lab.log().contains("served by the JDK's AF_UNIX channels"), lab.log());
        assertTrue(lab.log().contains("TUN I/O: Netty's JNI"), lab.log());
    }

    @Test
    void theSocketIsRootOnlyByModeAndByPeerCredentials() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        String client = "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX)\n"
                + "try:\n"
                + "    s.connect(sys.argv[1])\n"
                + "except OSError as e:\n"
                + "    print('connect:', e.strerror); sys.exit(0)\n"
                + "s.sendall(b'status\\n')\n"
                + "print(s.recv(4096).decode().replace('\\n',' | '))\n";
        String[] asNobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", client,
            socket.toString()};
        Netns.Result r = Netns.exec(20, asNobody);
        assertEquals("connect: Permission denied", r.output().strip(), "mode 0600 keeps others out");
        // Even with the file opened up, the daemon checks who is calling (SO_PEERCRED).
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        r = Netns.exec(20, asNobody);
        assertTrue(r.output().startsWith("ERR 2 | permission denied: the control socket answers root only"),
                r.output());
        assertTrue(lab.log().contains("control socket: refused a caller running as user nobody"), lab.log());
    }

    @Test
    void noDaemonIsExitOneAndTheSocketGoesOnStop() throws Exception {
        lab.stopDaemon();
        assertFalse(Files.exists(socket), "socket removed on SIGTERM: " + lab.log());
        Netns.Result r = jclat("status", "--socket", socket.toString());
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("no daemon answers on " + socket), r.output());
    }

    @Test
    void jclatStatusRunByANonRootUserExitsTwoAndTheDaemonLogsTheRefusal() throws Exception {
        // A real non-root process: the jclat CLI itself, as nobody, from a copy of the classpath it can read.
        Path cp = Files.createTempDirectory("jclat-cp");
        try {
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path copy = cp.resolve(n++ + "-" + Path.of(e).getFileName());
                Netns.run("cp", "-r", e, copy.toString());
                entries.add(copy.toString());
            }
            Netns.run("chmod", "-R", "a+rX", cp.toString());
            String[] asNobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-cp",
                String.join(java.io.File.pathSeparator, entries), "net.jclat.cli.Main", "status", "--socket",
                socket.toString()};
            // Mode 0600 in a root-only directory: the file system refuses first.
            Netns.Result r = Netns.exec(30, asNobody);
            assertEquals(2, r.code(), r.output());
            assertTrue(r.output().contains("permission denied: the control socket " + socket + " answers root only"),
                    r.output());
            // Opened up by mistake: the daemon checks the caller itself (SO_PEERCRED) and says so in its log.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            r = Netns.exec(30, asNobody);
            assertEquals(2, r.code(), r.output());
            assertTrue(r.output().contains("permission denied: the control socket answers root only"), r.output());
            lab.awaitLog("control socket: refused a caller running as user nobody", 2);
            assertEquals(0, jclat("status", "--socket", socket.toString()).code(), "root is still answered");
        } finally {
            Netns.run("rm", "-rf", cp.toString());
        }
    }
}
