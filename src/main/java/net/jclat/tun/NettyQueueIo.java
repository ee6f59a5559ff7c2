package net.jclat.tun;

import com.sun.jna.LastErrorException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Packet I/O through Netty's JNI {@link FileDescriptor} (~45 ns a call, DESIGN.md). */
final class NettyQueueIo implements QueueIo {
    static {
        // Netty registers the JNI methods of FileDescriptor when its epoll native library loads.
        Epoll.ensureAvailability();
    }

    private final int fd;
    private final FileDescriptor io;

    NettyQueueIo(int fd) {
        this.fd = fd;
        this.io = new FileDescriptor(fd);
    }

    @Override
    public int read(ByteBuffer buf, int pos, int limit) throws IOException {
        return io.read(buf, pos, limit);
    }

    @Override
    public int write(ByteBuffer buf, int pos, int limit) throws IOException {
        return io.write(buf, pos, limit);
    }

    @Override
    public void close() {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // already gone: nothing more to release
        }
    }
}
