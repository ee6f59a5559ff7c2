package net.jclat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import net.jclat.control.ControlServer.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The control socket's protocol, its root-only rule and ownership of its path, in-process, on both
 * transports: Netty's epoll and the JDK's AF_UNIX channels (the fallback without Netty's native library).
 */
class ControlServerTest {
    private static Path tempSocket() throws IOException {
        return Files.createTempDirectory("jclat-ctl").resolve("t.sock");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void oneRequestLineGetsOneReplyWithItsCode(Transport transport) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the server answers root only");
        Path p = tempSocket();
        try (ControlServer s = ControlServer.start(p, req -> req.equals("ping")
                ? new ControlServer.Reply(0, "pong") : new ControlServer.Reply(2, "unknown " + req), transport)) {
            assertEquals(transport, s.transport());
            assertEquals(new ControlServer.Reply(0, "pong\n"), ControlClient.ask(p, "ping"));
            assertEquals(new ControlServer.Reply(2, "unknown pang\n"), ControlClient.ask(p, "pang"));
            assertEquals(new ControlServer.Reply(2, "request too long\n"), ControlClient.ask(p, "x".repeat(300)));
            assertEquals(new ControlServer.Reply(0, "pong\n"), ControlClient.ask(p, "ping"), "still serving");
        }
        assertFalse(Files.exists(p), "the socket file goes with the server");
        Files.delete(p.getParent());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aLiveSocketIsNotTakenOverButAStaleFileIs(Transport transport) throws Exception {
        Path p = tempSocket();
        try (ControlServer first = ControlServer.start(p, req -> new ControlServer.Reply(0, "first"), transport)) {
            IOException e = assertThrows(IOException.class,
                    () -> ControlServer.start(p, req -> new ControlServer.Reply(0, "second"), transport));
            assertTrue(e.getMessage().contains("another jclat answers on " + p), e.getMessage());
            assertTrue(ControlClient.answers(p), "the first one still answers");
        }
        Files.writeString(p, "left over by a killed daemon");
        try (ControlServer again = ControlServer.start(p, req -> new ControlServer.Reply(0, "again"), transport)) {
            assertTrue(ControlClient.answers(p));
        }
        Files.delete(p.getParent());
    }

    /**
     * Mode 0600 keeps other users out; with the mode opened up, the peer's credentials (SO_PEERCRED) still
     * refuse them. The caller is a real process running as nobody (setpriv), not a simulated uid.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void onlyRootIsAnsweredByModeAndByPeerCredentials(Transport transport) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a caller as nobody");
        Path p = tempSocket();
        try (ControlServer s = ControlServer.start(p, req -> new ControlServer.Reply(0, "secret"), transport)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            Files.setPosixFilePermissions(p.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            assertEquals("connect: Permission denied", asNobody(p), "mode 0600 keeps others out");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
            String answer = asNobody(p);
            assertTrue(answer.startsWith("ERR 2 | permission denied: the control socket answers root only"), answer);
            assertFalse(answer.contains("secret"), answer);
            assertEquals(new ControlServer.Reply(0, "secret\n"), ControlClient.ask(p, "status"), "root still is");
        }
        Files.delete(p.getParent());
    }

    /** {@code status} sent by a process running as nobody; what it got back, or why it could not connect. */
    private static String asNobody(Path socket) throws Exception {
        String client = "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX)\n"
                + "try:\n"
                + "    s.connect(sys.argv[1])\n"
                + "except OSError as e:\n"
                + "    print('connect:', e.strerror); sys.exit(0)\n"
                + "s.sendall(b'status\\n')\n"
                + "d=b''\n"
                + "while True:\n"
                + "    b=s.recv(4096)\n"
                + "    if not b: break\n"
                + "    d+=b\n"
                + "print(d.decode().replace('\\n',' | '))\n";
        Process proc = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/python3", "-c", client, socket.toString()).redirectErrorStream(true).start();
        assertTrue(proc.waitFor(20, TimeUnit.SECONDS), "the caller finished");
        return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
