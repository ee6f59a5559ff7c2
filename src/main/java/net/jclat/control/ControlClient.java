package net.jclat.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends one request to a daemon's control socket and returns its reply (the JDK's own AF_UNIX support). */
public final class ControlClient {
    private ControlClient() {
    }

    /** Whether a live server accepts connections on {@code socket} (a stale file does not). */
    public static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends the request; the daemon's reply, or code 2 when the file system already refuses this caller (the
     * socket is mode 0600, root's): that is a refusal, not a missing daemon.
     */
    public static ControlServer.Reply ask(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                if (notAllowed(socket)) {
                    return new ControlServer.Reply(2, "permission denied: the control socket " + socket
                            + " answers root only\n");
                }
                throw e;
            }
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

    /** The socket is there but we may not write it, or its directory is there but we may not enter it. */
    private static boolean notAllowed(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        return Files.exists(socket) && !Files.isWritable(socket)
                || dir != null && Files.isDirectory(dir) && !Files.isExecutable(dir);
    }
}
