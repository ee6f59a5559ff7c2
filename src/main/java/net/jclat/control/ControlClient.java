package net.jclat.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Sends one request to a daemon's control socket and returns its reply (the JDK's own AF_UNIX support). */
public final class ControlClient {
    private ControlClient() {
    }

    /** Whether a live server accepts connections on {@code socket} (a stale file does not). */
    public static boolean answers(Path socket) {
        if (!java.nio.file.Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    public static ControlServer.Reply ask(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (ch.read(buf) >= 0) {
                buf.flip();
                all.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            if (nl < 0) {
                throw new IOException("the daemon closed the connection without an answer");
            }
            String head = text.substring(0, nl);
            String body = text.substring(nl + 1);
            if (head.equals("OK")) {
                return new ControlServer.Reply(0, body);
            }
            if (head.startsWith("ERR ")) {
                try {
                    return new ControlServer.Reply(Integer.parseInt(head.substring(4).strip()), body);
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
            throw new IOException("unexpected answer from the daemon: " + head);
        }
    }
}
