package net.jclat.tun;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Packet I/O through the JDK's own {@link FileChannel} on {@code /dev/net/tun} (~120 ns a call): the path
 * when Netty's native library is missing. The fd underneath is non-blocking, so a read of an empty queue
 * returns 0 like Netty's. The buffer's position and limit are borrowed for the call and put back.
 */
final class FileChannelQueueIo implements QueueIo {
    private final FileChannel channel;

    FileChannelQueueIo(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer buf, int pos, int limit) throws IOException {
        int oldLimit = buf.limit();
        int oldPosition = buf.position();
        try {
            buf.limit(limit).position(pos);
            return Math.max(channel.read(buf), 0);
        } finally {
            buf.limit(oldLimit).position(oldPosition);
        }
    }

    @Override
    public int write(ByteBuffer buf, int pos, int limit) throws IOException {
        int oldLimit = buf.limit();
        int oldPosition = buf.position();
        try {
            buf.limit(limit).position(pos);
            return channel.write(buf);
        } finally {
            buf.limit(oldLimit).position(oldPosition);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already gone: nothing more to release
        }
    }
}
