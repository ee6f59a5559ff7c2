package net.jclat.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

/**
 * The daemon's control socket: a Unix domain socket (mode 0600, and only root callers, checked by the
 * peer's credentials) where one line asks and one reply answers, then the connection closes. The reply's
 * first line is {@code OK} or {@code ERR <exit code>}, the rest is the body. The daemon serves it with the
 * JDK's own AF_UNIX channels (smaller than Netty's epoll transport, which tests still exercise); the handler
 * must be quick (it reads prepared state, it never waits on the datapath).
 */
public final class ControlServer implements AutoCloseable {
    /** Longest request line accepted; requests are single words. */
    static final int MAX_REQUEST = 256;

    /** What a request gets: exit code 0 for success, and the text to print. */
    public record Reply(int code, String body) {
    }

    /** Who serves the socket. */
    public enum Transport {
        /** Netty's epoll domain-socket channels (needs its native library). */
        NETTY,
        /** The JDK's {@code ServerSocketChannel} for AF_UNIX (Java 16+), peer checked with SO_PEERCRED. */
        JDK;

        /**
         * The daemon's choice: the JDK's. A socket asked a few lines a minute does not need Netty's event loop,
         * pipeline and buffer pool, and not loading them keeps ~600 classes and ~5 MB out of the process
         * (docs/benchmarks.md, "Footprint with the fast path"); Netty's native library still does the TUN I/O.
         */
        public static Transport forDaemon() {
            return JDK;
        }
    }

    /** A bound, serving socket of either transport. */
    interface Listener {
        void close();
    }

    private final Path path;
    private final Transport transport;
    private final Listener listener;

    private ControlServer(Path path, Transport transport, Listener listener) {
        this.path = path;
        this.transport = transport;
        this.listener = listener;
    }

    /** Binds {@code path} (replacing a stale socket file) and serves requests with {@code handler}. */
    public static ControlServer start(Path path, Function<String, Reply> handler) throws IOException {
        return start(path, handler, Transport.forDaemon());
    }

    /** As {@link #start(Path, Function)} on the given transport (tests use both). */
    static ControlServer start(Path path, Function<String, Reply> handler, Transport transport)
            throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (ControlClient.answers(path)) {
            throw new IOException("another jclat answers on " + path + "; stop it, or give this one its own"
                    + " control-socket");
        }
        Files.deleteIfExists(path); // a socket left by a killed predecessor
        Listener listener;
        try {
            listener = transport == Transport.NETTY ? NettyControlListener.bind(path, handler)
                    : JdkControlListener.bind(path, handler);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot open the control socket " + path + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            listener.close();
            Files.deleteIfExists(path);
            throw new IOException("cannot restrict the control socket " + path + " to root: " + e.getMessage(), e);
        }
        return new ControlServer(path, transport, listener);
    }

    public Path path() {
        return path;
    }

    public Transport transport() {
        return transport;
    }

    /** The handler's reply to one request line; a handler that throws gets an internal-error reply. */
    static Reply answer(Function<String, Reply> handler, String line) {
        try {
            return handler.apply(line.strip());
        } catch (RuntimeException e) {
            return new Reply(1, "internal error: " + e);
        }
    }

    /** A caller that is not root gets this (and is logged by the transport, naming who it was). */
    static final Reply NOT_ROOT = new Reply(2, "permission denied: the control socket answers root only");

    static final Reply TOO_LONG = new Reply(2, "request too long");

    /** The wire form: {@code OK} or {@code ERR <code>}, newline, the body ending in a newline. */
    static byte[] encode(Reply r) {
        String head = r.code() == 0 ? "OK\n" : "ERR " + r.code() + "\n";
        return (head + r.body() + (r.body().endsWith("\n") ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        listener.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
