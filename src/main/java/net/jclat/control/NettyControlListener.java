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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.jclat.control.ControlServer.Reply;
import net.jclat.log.Log;

/** The control socket on Netty's epoll domain-socket transport: one event-loop thread. */
final class NettyControlListener implements ControlServer.Listener {
    private final EventLoopGroup group;
    private final Channel server;

    private NettyControlListener(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    static NettyControlListener bind(java.nio.file.Path path, Function<String, Reply> handler) throws IOException {
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
            return new NettyControlListener(group, ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IOException("interrupted while binding " + path);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /**
     * Reads one line, answers (refusing non-root peers), closes. A refusal also waits for the request line:
     * closing a Unix socket with unread data resets it, and the caller would see that instead of the reason.
     */
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
                    Log.warn("control socket: refused a caller with uid {}", uid);
                    refusal = ControlServer.NOT_ROOT;
                }
            } catch (IOException e) {
                refusal = new Reply(1, "cannot read the caller's credentials: " + e.getMessage());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!ctx.channel().isOpen()) {
                    return;
                }
                while (in.isReadable()) {
                    char c = (char) in.readByte();
                    if (c == '\n') {
                        answer(ctx, refusal != null ? refusal : ControlServer.answer(handler, line.toString()));
                        return;
                    }
                    if (line.length() >= ControlServer.MAX_REQUEST) {
                        answer(ctx, refusal != null ? refusal : ControlServer.TOO_LONG);
                        return;
                    }
                    line.append(c);
                }
            } finally {
                in.release();
            }
        }

        private static void answer(ChannelHandlerContext ctx, Reply r) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ControlServer.encode(r))).addListener(ChannelFutureListener.CLOSE);
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
