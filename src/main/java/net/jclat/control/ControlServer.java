package net.jclat.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;
import org.tinylog.Logger;

/**
 * The daemon's control socket: a Unix domain socket (mode 0600, and only root callers, checked by the
 * peer's credentials) where one line asks and one reply answers, then the connection closes. The reply's
 * first line is {@code OK} or {@code ERR <exit code>}, the rest is the body. One event-loop thread; the
 * handler must be quick (it reads prepared state, it never waits on the datapath).
 */
public final class ControlServer implements AutoCloseable {
    /** Longest request line accepted; requests are single words. */
    private static final int MAX_REQUEST = 256;

    /** What a request gets: exit code 0 for success, and the text to print. */
    public record Reply(int code, String body) {
    }

    private final Path path;
    private final EventLoopGroup group;
    private final Channel server;

    private ControlServer(Path path, EventLoopGroup group, Channel server) {
        this.path = path;
        this.group = group;
        this.server = server;
    }

    /** Binds {@code path} (replacing a stale socket file) and serves requests with {@code handler}. */
    public static ControlServer start(Path path, Function<String, Reply> handler) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (ControlClient.answers(path)) {
            throw new IOException("another jclat answers on " + path + "; stop it, or give this one its own"
                    + " control-socket");
        }
        Files.deleteIfExists(path); // a socket left by a killed predecessor
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("jclat-control", true),
                EpollIoHandler.newFactory());
        try {
            Channel ch = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                        @Override
                        protected void initChannel(EpollDomainSocketChannel c) {
                            c.pipeline().addLast(new RequestHandler(handler));
                        }
                    })
                    .bind(new DomainSocketAddress(path.toString())).sync().channel();
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(path, group, ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IOException("interrupted while binding " + path);
        } catch (RuntimeException | IOException e) {
            group.shutdownGracefully();
            throw new IOException("cannot open the control socket " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** Reads one line, refuses non-root peers, answers, closes. */
    private static final class RequestHandler extends ChannelInboundHandlerAdapter {
        private final Function<String, Reply> handler;
        private final StringBuilder line = new StringBuilder();
        private Reply refusal;

        RequestHandler(Function<String, Reply> handler) {
            this.handler = handler;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            try {
                int uid = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid();
                if (uid != 0) {
                    Logger.warn("control socket: refused a caller with uid {}", uid);
                    // Answered once its request is read: closing with it unread would reset the connection
                    // and the caller would never see why. A caller that sends nothing is closed anyway.
                    refusal = new Reply(2, "permission denied: the control socket answers root only");
                    ctx.executor().schedule(() -> ctx.close(), 2, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                answer(ctx, new Reply(1, "cannot read the caller's credentials: " + e.getMessage()));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!ctx.channel().isOpen()) {
                    return;
                }
                if (refusal != null) {
                    answer(ctx, refusal);
                    refusal = null;
                    return;
                }
                while (in.isReadable()) {
                    char c = (char) in.readByte();
                    if (c == '\n') {
                        Reply r;
                        try {
                            r = handler.apply(line.toString().strip());
                        } catch (RuntimeException e) {
                            r = new Reply(1, "internal error: " + e);
                        }
                        answer(ctx, r);
                        return;
                    }
                    if (line.length() >= MAX_REQUEST) {
                        answer(ctx, new Reply(2, "request too long"));
                        return;
                    }
                    line.append(c);
                }
            } finally {
                in.release();
            }
        }

        private static void answer(ChannelHandlerContext ctx, Reply r) {
            String head = r.code() == 0 ? "OK\n" : "ERR " + r.code() + "\n";
            ByteBuf out = Unpooled.copiedBuffer(head + r.body() + (r.body().endsWith("\n") ? "" : "\n"),
                    StandardCharsets.UTF_8);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2000);
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(3000);
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
