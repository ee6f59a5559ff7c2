package net.jclat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The control socket's protocol and ownership of its path, in-process (root: the peer check passes). */
class ControlServerTest {
    private static Path tempSocket() throws IOException {
        return Files.createTempDirectory("jclat-ctl").resolve("t.sock");
    }

    @Test
    void oneRequestLineGetsOneReplyWithItsCode() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the server answers root only");
        Path p = tempSocket();
        try (ControlServer s = ControlServer.start(p, req -> req.equals("ping")
                ? new ControlServer.Reply(0, "pong") : new ControlServer.Reply(2, "unknown " + req))) {
            assertEquals(new ControlServer.Reply(0, "pong\n"), ControlClient.ask(p, "ping"));
            assertEquals(new ControlServer.Reply(2, "unknown pang\n"), ControlClient.ask(p, "pang"));
            assertEquals(new ControlServer.Reply(2, "request too long\n"), ControlClient.ask(p, "x".repeat(300)));
        }
        assertFalse(Files.exists(p), "the socket file goes with the server");
        Files.delete(p.getParent());
    }

    @Test
    void aLiveSocketIsNotTakenOverButAStaleFileIs() throws Exception {
        Path p = tempSocket();
        try (ControlServer first = ControlServer.start(p, req -> new ControlServer.Reply(0, "first"))) {
            IOException e = assertThrows(IOException.class,
                    () -> ControlServer.start(p, req -> new ControlServer.Reply(0, "second")));
            assertTrue(e.getMessage().contains("another jclat answers on " + p), e.getMessage());
            assertTrue(ControlClient.answers(p), "the first one still answers");
        }
        Files.writeString(p, "left over by a killed daemon");
        try (ControlServer again = ControlServer.start(p, req -> new ControlServer.Reply(0, "again"))) {
            assertTrue(ControlClient.answers(p));
        }
        Files.delete(p.getParent());
    }
}
