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
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The optional Prometheus endpoint: {@code GET /metrics} on a loopback TCP address. A deliberately small
 * HTTP/1.x responder on Netty's epoll transport (already in the jar) instead of netty-codec-http (~670 KB
 * more for one read-only URL): it reads the request head, answers once with {@code Connection: close} and
 * closes. One event-loop thread; rendering reads prepared state and never waits on the datapath.
 */
public final class MetricsServer implements AutoCloseable {
    /** Longest request head accepted (request line and headers); a scraper sends a few hundred bytes. */
    static final int MAX_HEAD = 8192;
    /** A connection that has not sent a whole request head by then is closed (slow or idle clients). */
    private static final long REQUEST_TIMEOUT_SECONDS = 10;

    /** One HTTP answer: status line code and reason, content type, body, and extra header lines. */
    record Response(int status, String reason, String contentType, String body, String extraHeaders) {
        byte[] bytes(boolean withBody) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                    + "Content-Type: " + contentType + "\r\n"
                    + "Content-Length: " + b.length + "\r\n"
                    + extraHeaders
                    + "Connection: close\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            if (!withBody) {
                return h;
            }
            byte[] all = new byte[h.length + b.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(b, 0, all, h.length, b.length);
            return all;
        }
    }

    private final InetSocketAddress address;
    private final EventLoopGroup group;
    private final Channel server;

    private MetricsServer(InetSocketAddress address, EventLoopGroup group, Channel server) {
        this.address = address;
        this.group = group;
        this.server = server;
    }

    /** Listens on {@code address}, which must be loopback: the metrics carry no authentication. */
    public static MetricsServer start(InetSocketAddress address, Supplier<String> metrics) throws IOException {
        if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new IOException("the metrics endpoint listens on loopback only, not "
                    + (address.getAddress() == null ? address.toString() : format(address)));
        }
        // Without Netty's native library (musl, see docs/runtime.md) the JDK's NIO serves the same handler.
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("jclat-metrics", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Channel ch = new ServerBootstrap().group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new RequestHandler(metrics));
                        }
                    })
                    .bind(address).sync().channel();
            return new MetricsServer((InetSocketAddress) ch.localAddress(), group, ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IOException("interrupted while binding " + address);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IOException("cannot open the metrics endpoint on " + format(address) + ": " + e.getMessage(), e);
        }
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code 127.0.0.1:9464} or {@code [::1]:9464}. */
    public static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * The answer to one request head (request line and headers, without the blank line). Only
     * {@code GET} and {@code HEAD} of {@code /metrics} (any query string ignored) succeed.
     */
    static Response answer(String head, Supplier<String> metrics) {
        int eol = head.indexOf('\n');
        String line = (eol < 0 ? head : head.substring(0, eol)).strip();
        String[] parts = line.split(" ");
        if (parts.length != 3 || !parts[2].matches("HTTP/1\\.[01]")) {
            return text(400, "Bad Request", "expected an HTTP/1.x request line\n", "");
        }
        String method = parts[0];
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return text(405, "Method Not Allowed", "only GET and HEAD\n", "Allow: GET, HEAD\r\n");
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        if (!path.equals("/metrics")) {
            return text(404, "Not Found", "jclat serves its metrics at /metrics\n", "");
        }
        return new Response(200, "OK", PrometheusText.CONTENT_TYPE, metrics.get(), "");
    }

    private static Response text(int status, String reason, String body, String extra) {
        return new Response(status, reason, "text/plain; charset=utf-8", body, extra);
    }

    /** Collects the request head, answers once, closes. */
    private static final class RequestHandler extends ChannelInboundHandlerAdapter {
        private final Supplier<String> metrics;
        private final StringBuilder head = new StringBuilder();
        private boolean answered;

        RequestHandler(Supplier<String> metrics) {
            this.metrics = metrics;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> ctx.close(), REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (answered) {
                    return;
                }
                // Request heads are ASCII (RFC 9112 section 2.2); anything else only has to be rejected.
                head.append(in.toString(StandardCharsets.ISO_8859_1));
                int end = endOfHead(head);
                if (end >= 0) {
                    Response r;
                    try {
                        r = answer(head.substring(0, end), metrics);
                    } catch (RuntimeException e) {
                        r = text(500, "Internal Server Error", "cannot render the metrics: " + e + "\n", "");
                    }
                    send(ctx, r, !head.toString().startsWith("HEAD "));
                } else if (head.length() > MAX_HEAD) {
                    send(ctx, text(431, "Request Header Fields Too Large", "request head over " + MAX_HEAD
                            + " bytes\n", ""), true);
                }
            } finally {
                in.release();
            }
        }

        /** Index of the blank line that ends the head (CRLF CRLF, or bare LF LF, which RFC 9112 tolerates). */
        private static int endOfHead(CharSequence s) {
            String t = s.toString();
            int crlf = t.indexOf("\r\n\r\n");
            int lf = t.indexOf("\n\n");
            if (crlf < 0) {
                return lf;
            }
            return lf < 0 ? crlf : Math.min(crlf, lf);
        }

        private void send(ChannelHandlerContext ctx, Response r, boolean withBody) {
            answered = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(r.bytes(withBody))).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }
}
