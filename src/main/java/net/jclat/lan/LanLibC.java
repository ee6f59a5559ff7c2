package net.jclat.lan;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc calls of the LAN side (JNA direct mapping; control plane, a few calls a minute): raw sockets for
 * the Router Advertisements and {@code kill} for the DHCP server's SIGHUP. Linux constants for x86_64 and
 * aarch64, as in the rest of jclat.
 */
final class LanLibC {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LanLibC() {
    }

    static final int AF_INET6 = 10;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    /** A raw IPv6 socket of this protocol sends whole packets, header included (IPV6_HDRINCL). */
    static final int IPPROTO_RAW = 255;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPPROTO_IPV6 = 41;
    static final int SOL_SOCKET = 1;
    static final int SO_BINDTODEVICE = 25;
    static final int ICMP6_FILTER = 1;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int MSG_DONTWAIT = 0x40;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    static final int ESRCH = 3;
    static final int SIGHUP = 1;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen)
            throws LastErrorException;

    static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int kill(int pid, int signal) throws LastErrorException;

    /** 0 when there is no such interface. */
    static native int if_nametoindex(String name);
}
