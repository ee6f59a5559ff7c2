package net.jclat.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/** libc socket calls for rtnetlink (JNA direct mapping; control plane only, never per packet). */
final class NetlinkLibC {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private NetlinkLibC() {
    }

    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

    static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int if_nametoindex(String name);

    /** No LastErrorException: a poll that finds nothing (the usual answer) must not cost an exception. */
    static native int poll(byte[] fds, long nfds, int timeoutMillis);

    static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;
}
