package net.jclat.discovery;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * libc socket calls for the raw ICMPv6 socket (JNA direct mapping; control plane only, a few calls per RA).
 * Constants are Linux's for x86_64 and aarch64 (SOL_SOCKET and SO_BINDTODEVICE differ on MIPS, which jclat
 * does not support).
 */
final class SocketLibC {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private SocketLibC() {
    }

    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;

    static final int SOL_SOCKET = 1;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_ERROR = 4;

    /** Level IPPROTO_ICMPV6: {@code struct icmp6_filter}, eight 32-bit words, a set bit BLOCKS that type. */
    static final int ICMP6_FILTER = 1;

    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_RECVHOPLIMIT = 51;
    /** cmsg type carrying the received hop limit (an int) when IPV6_RECVHOPLIMIT is on. */
    static final int IPV6_HOPLIMIT = 52;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;

    static final short POLLIN = 1;
    static final short POLLOUT = 4;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    /** No usable source address: on a link, the link-local one is missing or still tentative (DAD). */
    static final int EADDRNOTAVAIL = 99;
    static final int ECONNREFUSED = 111;
    static final int EINPROGRESS = 115;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    static native int connect(int fd, byte[] addr, int addrLen) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, byte[] value, int[] len) throws LastErrorException;

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen)
            throws LastErrorException;

    /** {@code msg} points at a {@code struct msghdr} laid out by {@link Icmp6Socket}. */
    static native long recvmsg(int fd, Pointer msg, int flags) throws LastErrorException;

    /** {@code struct pollfd} is {int fd; short events; short revents}: 8 bytes per entry. */
    static native int poll(byte[] fds, long nfds, int timeoutMillis) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** A wake-up descriptor for a thread blocked in poll (eventfd(2)); flags as SOCK_NONBLOCK/SOCK_CLOEXEC. */
    static native int eventfd(int initval, int flags) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    /** 0 when there is no such interface. */
    static native int if_nametoindex(String name);
}
