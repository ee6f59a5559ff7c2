package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls the TUN device needs, by JNA direct mapping. None of them moves a packet: packets move
 * through Netty's JNI or the JDK's FileChannel. With the FileChannel a worker polls here once per wake-up, at
 * ~1.5 µs a JNA call (docs/benchmarks.md, "The TUN path's sparse pings, continued"); with Netty's I/O it waits
 * in Netty's epoll ({@link EpollWait}).
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

    /**
     * {@code struct pollfd} is {int fd; short events; short revents}: 8 bytes per entry. In native memory, not
     * a byte[]: JNA copies an array in and out (a malloc and two copies) on every call, and a sparse worker
     * polls once per packet.
     */
    static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

    static final int O_RDONLY = 0;
    /** eventfd(2) flags: the values of O_NONBLOCK and O_CLOEXEC (MIPS differs for the first). */
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = 0x80000;

    static native int eventfd(int initval, int flags) throws LastErrorException;

    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    /** Reads from offset {@code offset} without moving the file position: a /proc file re-read in place. */
    static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;
}
