package net.jclat.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import net.jclat.control.ControlServer.Reply;
import net.jclat.log.Log;

/**
 * The control socket on the JDK's own AF_UNIX channels (Java 16+), for when Netty's native library cannot
 * load: one thread, one selector, non-blocking connections. The caller's user comes from SO_PEERCRED
 * ({@link ExtendedSocketOptions#SO_PEERCRED}); only root is answered. A connection that has not finished
 * within a few seconds is dropped, so a stalled caller cannot hold the socket. A refusal is sent once the
 * request line is in: closing a Unix socket with unread data resets it, and the caller would see only that.
 */
final class JdkControlListener implements ControlServer.Listener {
    private static final long CONNECTION_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Function<String, Reply> handler;
    private final UserPrincipal root;
    private final Thread thread;
    private volatile boolean open = true;

    /** One caller: its request bytes so far, then the reply being written. */
    private static final class Connection {
        final SocketChannel channel;
        final long deadline = System.nanoTime() + CONNECTION_TIMEOUT_NANOS;
        final ByteBuffer request = ByteBuffer.allocate(ControlServer.MAX_REQUEST + 1);
        /** Set for a caller that is not root: the answer once its request line is in (see below). */
        Reply refusal;
        ByteBuffer reply;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private JdkControlListener(ServerSocketChannel server, Selector selector, Function<String, Reply> handler,
            UserPrincipal root) {
        this.server = server;
        this.selector = selector;
        this.handler = handler;
        this.root = root;
        this.thread = new Thread(this::serve, "jclat-control");
        thread.setDaemon(true);
    }

    static JdkControlListener bind(Path path, Function<String, Reply> handler) throws IOException {
        // By number, not by name: uid 0 is root whatever /etc/passwd calls it.
        UserPrincipal root = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("0");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
        JdkControlListener l = new JdkControlListener(server, selector, handler, root);
        l.thread.start();
        return l;
    }

    private void serve() {
        while (open) {
            try {
                // Idle (only the listening socket registered): block until a client or close()'s wakeup, no
                // wake-ups twice a second (issue 15). With clients: every 500 ms, for their deadlines.
                selector.select(selector.keys().size() > 1 ? 500 : 0);
            } catch (IOException e) {
                Log.warn("control socket: {}", e.getMessage());
                continue;
            }
            for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                SelectionKey key = it.next();
                it.remove();
                try {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key);
                    } else if (key.isWritable()) {
                        write(key);
                    }
                } catch (IOException | RuntimeException e) {
                    drop(key);
                }
            }
            long now = System.nanoTime();
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Connection c && now - c.deadline > 0) {
                    drop(key);
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) {
            return;
        }
        ch.configureBlocking(false);
        Connection c = new Connection(ch);
        ch.register(selector, SelectionKey.OP_READ, c);
        UnixDomainPrincipal peer;
        try {
            peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            c.refusal = new Reply(1, "cannot read the caller's credentials: " + e.getMessage());
            return;
        }
        if (!peer.user().equals(root)) {
            Log.warn("control socket: refused a caller running as user {}", peer.user().getName());
            c.refusal = ControlServer.NOT_ROOT;
        }
    }

    private void read(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        if (c.channel.read(c.request) < 0) {
            drop(key);
            return;
        }
        byte[] bytes = c.request.array();
        for (int i = 0; i < c.request.position(); i++) {
            if (bytes[i] == '\n') {
                respond(key, c.refusal != null ? c.refusal
                        : ControlServer.answer(handler, new String(bytes, 0, i, StandardCharsets.UTF_8)));
                return;
            }
        }
        if (!c.request.hasRemaining()) {
            respond(key, c.refusal != null ? c.refusal : ControlServer.TOO_LONG);
        }
    }

    private void respond(SelectionKey key, Reply r) throws IOException {
        Connection c = (Connection) key.attachment();
        c.reply = ByteBuffer.wrap(ControlServer.encode(r));
        key.interestOps(SelectionKey.OP_WRITE);
        write(key);
    }

    private void write(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        c.channel.write(c.reply);
        if (!c.reply.hasRemaining()) {
            // One request, one reply: the caller reads to end of stream. What it sent beyond the request is
            // read first, since closing with unread data would reset the connection under the reply.
            c.request.clear();
            while (c.channel.read(c.request) > 0) {
                c.request.clear();
            }
            drop(key);
        }
    }

    private static void drop(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing a connection that is already gone
        }
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort on the way out
        }
    }
}
