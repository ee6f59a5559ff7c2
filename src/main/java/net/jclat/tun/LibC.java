package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few libc calls the TUN device needs, by JNA direct mapping. None of them is on the per-packet path:
 * packets move through Netty's JNI or the JDK's FileChannel (DESIGN.md: JNA costs ~180 ns a call).
 */
final class LibC {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static final int O_RDWR = 2;
    static final int O_NONBLOCK = Platform.isMIPS() ? 0x80 : 0x800;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final short POLLIN = 1;

    static native int open(String path, int flags) throws LastErrorException;

    static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static final int PRIO_PROCESS = 0;

    /** Linux: with {@code who} 0 this sets the calling thread's nice value only (setpriority(2), NOTES). */
    static native int setpriority(int which, int who, int prio) throws LastErrorException;

    /** {@code struct pollfd} is {int fd; short events; short revents}: 8 bytes per entry. */
    static native int poll(byte[] fds, long nfds, int timeoutMillis) throws LastErrorException;
}
