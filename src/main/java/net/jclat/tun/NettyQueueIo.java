package net.jclat.tun;

import com.sun.jna.LastErrorException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Packet I/O through Netty's JNI {@link FileDescriptor} (~45 ns a call, DESIGN.md). The buffer goes down as
 * its memory address where Netty can read it (Unsafe): handing the ByteBuffer itself makes the native side
 * ask the JVM for the address (JNI GetDirectBufferAddress: a type check and a field read through the JVM's
 * handles), ~5 µs a packet with cold caches at one ping per 50 ms (perf, docs/benchmarks.md "The TUN path's
 * wait").
 */
final class NettyQueueIo implements QueueIo {
    static {
        // Netty registers the JNI methods of FileDescriptor when its epoll native library loads.
        Epoll.ensureAvailability();
    }

    private static final boolean BY_ADDRESS = PlatformDependent.hasUnsafe();

    private final int fd;
    private final FileDescriptor io;

    NettyQueueIo(int fd) {
        this.fd = fd;
        this.io = new FileDescriptor(fd);
    }

    @Override
    public int read(ByteBuffer buf, int pos, int limit) throws IOException {
        if (BY_ADDRESS && buf.isDirect()) {
            return io.readAddress(PlatformDependent.directBufferAddress(buf), pos, limit);
        }
        return io.read(buf, pos, limit);
    }

    @Override
    public int write(ByteBuffer buf, int pos, int limit) throws IOException {
        if (BY_ADDRESS && buf.isDirect()) {
            return io.writeAddress(PlatformDependent.directBufferAddress(buf), pos, limit);
        }
        return io.write(buf, pos, limit);
    }

    /** Whether packets go down as addresses (Netty can read a buffer's address), for tests. */
    static boolean byAddress() {
        return BY_ADDRESS;
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
