package net.jclat.discovery;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A raw ICMPv6 socket bound to one interface, reading the hop limit of each packet from its ancillary data.
 * For IPPROTO_ICMPV6 raw sockets the kernel computes the checksum of what we send and drops what arrives
 * with a bad one (RFC 3542 §3.1), so neither is done here. One thread receives; sending (the RS) happens
 * before that thread starts.
 */
final class Icmp6Socket implements AutoCloseable {
    /** {@code struct sockaddr_in6}: family, port, flowinfo, 16-byte address, scope id. */
    private static final int SOCKADDR_IN6 = 28;
    private static final int CONTROL = 128;
    /** Larger than any IPv6 payload without jumbograms, so an RA is never cut. */
    static final int MAX_MESSAGE = 65535;

    // struct msghdr and struct cmsghdr offsets for this platform's pointer and size_t widths (Linux LP64 or
    // ILP32; musl's padded fields land on the same offsets on little-endian 64-bit).
    private static final int P = Native.POINTER_SIZE;
    private static final int S = Native.SIZE_T_SIZE;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = P;
    private static final int MSG_IOV = align(P + 4, P);
    private static final int MSG_IOVLEN = MSG_IOV + P;
    private static final int MSG_CONTROL = MSG_IOVLEN + S;
    private static final int MSG_CONTROLLEN = MSG_CONTROL + P;
    private static final int MSG_FLAGS = MSG_CONTROLLEN + S;
    private static final int MSGHDR = align(MSG_FLAGS + 4, P);
    private static final int CMSG_HDR = align(S + 8, S);

    /** What one {@code recvmsg} brought. */
    record Received(int length, byte[] source, int hopLimit, boolean truncated) {
        static final int NO_HOP_LIMIT = -1;
    }

    private final int fd;
    /** Written by {@link #wake}: ends a blocked {@link #awaitReadable} without a timeout to poll on. */
    private final int wakeFd;
    private final String ifname;
    private final int ifindex;
    private final Memory msghdr = new Memory(MSGHDR);
    private final Memory iov = new Memory(2L * P);
    private final Memory name = new Memory(SOCKADDR_IN6);
    private final Memory control = new Memory(CONTROL);
    private final Memory data = new Memory(MAX_MESSAGE);
    /** Two struct pollfd: the socket, then the wake-up descriptor. */
    private final byte[] pollfd = new byte[16];
    private volatile boolean closed;

    private Icmp6Socket(int fd, int wakeFd, String ifname, int ifindex) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.ifname = ifname;
        this.ifindex = ifindex;
        ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, SocketLibC.POLLIN)
                .putInt(8, wakeFd).putShort(12, SocketLibC.POLLIN);
    }

    /**
     * Opens a raw ICMPv6 socket on {@code ifname} that receives only the given ICMPv6 types, with hop limits.
     *
     * @throws IOException naming the interface and the errno text when the interface is missing, the socket
     *     cannot be created (no CAP_NET_RAW, IPv6 disabled) or an option is refused
     */
    static Icmp6Socket open(String ifname, int... passTypes) throws IOException {
        int ifindex = SocketLibC.if_nametoindex(ifname);
        if (ifindex == 0) {
            throw new IOException("no network interface named '" + ifname + "' to listen for Router Advertisements on");
        }
        int fd;
        try {
            fd = SocketLibC.socket(SocketLibC.AF_INET6, SocketLibC.SOCK_RAW | SocketLibC.SOCK_CLOEXEC,
                    SocketLibC.IPPROTO_ICMPV6);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a raw ICMPv6 socket to listen for Router Advertisements on " + ifname
                    + ": " + e.getMessage() + hint(e.getErrorCode()), e);
        }
        int wakeFd;
        try {
            wakeFd = SocketLibC.eventfd(0, SocketLibC.SOCK_NONBLOCK | SocketLibC.SOCK_CLOEXEC);
        } catch (LastErrorException e) {
            SocketLibC.close(fd);
            throw new IOException("cannot create an eventfd for the Router Advertisement listener on " + ifname + ": "
                    + e.getMessage(), e);
        }
        Icmp6Socket s = new Icmp6Socket(fd, wakeFd, ifname, ifindex);
        try {
            s.option(SocketLibC.IPPROTO_ICMPV6, SocketLibC.ICMP6_FILTER, Icmp6Filter.passing(passTypes), "ICMP6_FILTER");
            byte[] dev = (ifname + "\0").getBytes(StandardCharsets.US_ASCII);
            s.option(SocketLibC.SOL_SOCKET, SocketLibC.SO_BINDTODEVICE, dev, "SO_BINDTODEVICE");
            s.option(SocketLibC.IPPROTO_IPV6, SocketLibC.IPV6_RECVHOPLIMIT, intValue(1), "IPV6_RECVHOPLIMIT");
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static String hint(int errno) {
        return switch (errno) {
            case 1, 13 -> " (needs root or CAP_NET_RAW)";
            case 97 -> " (is IPv6 disabled in this kernel?)";
            default -> "";
        };
    }

    private static byte[] intValue(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private void option(int level, int name, byte[] value, String what) throws IOException {
        try {
            SocketLibC.setsockopt(fd, level, name, value, value.length);
        } catch (LastErrorException e) {
            throw new IOException("raw ICMPv6 socket on " + ifname + ": setsockopt " + what + " failed: "
                    + e.getMessage() + hint(e.getErrorCode()), e);
        }
    }

    int ifindex() {
        return ifindex;
    }

    String ifname() {
        return ifname;
    }

    /** Sends with hop limit 255 to a link-local or multicast {@code destination} on this interface. */
    void sendLinkLocal(byte[] message, byte[] destination) throws IOException {
        // RFC 4861 §4.1/§6.1.1: ND messages go out with hop limit 255 so receivers can tell they were not routed.
        option(SocketLibC.IPPROTO_IPV6, SocketLibC.IPV6_MULTICAST_HOPS, intValue(255), "IPV6_MULTICAST_HOPS");
        option(SocketLibC.IPPROTO_IPV6, SocketLibC.IPV6_UNICAST_HOPS, intValue(255), "IPV6_UNICAST_HOPS");
        option(SocketLibC.IPPROTO_IPV6, SocketLibC.IPV6_MULTICAST_IF, intValue(ifindex), "IPV6_MULTICAST_IF");
        option(SocketLibC.IPPROTO_IPV6, SocketLibC.IPV6_MULTICAST_LOOP, intValue(0), "IPV6_MULTICAST_LOOP");
        ByteBuffer sa = ByteBuffer.allocate(SOCKADDR_IN6).order(ByteOrder.nativeOrder());
        sa.putShort(0, (short) SocketLibC.AF_INET6); // family: host order; port and flowinfo 0
        sa.put(8, destination);
        sa.putInt(24, ifindex); // scope id: host order
        try {
            SocketLibC.sendto(fd, message, message.length, 0, sa.array(), SOCKADDR_IN6);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == SocketLibC.EADDRNOTAVAIL) {
                throw new NoSourceAddress("sending ICMPv6 on " + ifname + ": " + e.getMessage(), e);
            }
            throw new IOException("sending ICMPv6 on " + ifname + ": " + e.getMessage(), e);
        }
    }

    /**
     * The kernel has no source address to send from on the interface: its link-local address is missing (the
     * link has just come up) or still tentative, and RFC 4862 §5.4 forbids using a tentative address until
     * Duplicate Address Detection has finished. Worth trying again shortly.
     */
    static final class NoSourceAddress extends IOException {
        private static final long serialVersionUID = 1L;

        NoSourceAddress(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: no limit) for a packet; false on timeout, after {@link #wake}, or
     * interruption by a signal.
     */
    boolean awaitReadable(int timeoutMillis) throws IOException {
        try {
            return SocketLibC.poll(pollfd, 2, timeoutMillis) > 0
                    && ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).getShort(6) != 0; // the socket's revents
        } catch (LastErrorException e) {
            if (e.getErrorCode() == SocketLibC.EINTR) {
                return false;
            }
            throw new IOException("poll on the raw ICMPv6 socket of " + ifname + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads one ICMPv6 message (starting at its type byte; raw ICMPv6 sockets carry no IPv6 header) into
     * {@code buf}, which must hold {@link #MAX_MESSAGE} bytes. Returns null when nothing was waiting.
     */
    Received receive(byte[] buf) throws IOException {
        iov.setPointer(0, data);
        setSize(iov, P, MAX_MESSAGE);
        msghdr.clear();
        msghdr.setPointer(MSG_NAME, name);
        msghdr.setInt(MSG_NAMELEN, SOCKADDR_IN6);
        msghdr.setPointer(MSG_IOV, iov);
        setSize(msghdr, MSG_IOVLEN, 1);
        msghdr.setPointer(MSG_CONTROL, control);
        setSize(msghdr, MSG_CONTROLLEN, CONTROL);
        long n;
        try {
            n = SocketLibC.recvmsg(fd, msghdr, SocketLibC.MSG_DONTWAIT);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == SocketLibC.EAGAIN || e.getErrorCode() == SocketLibC.EINTR) {
                return null;
            }
            throw new IOException("recvmsg on the raw ICMPv6 socket of " + ifname + ": " + e.getMessage(), e);
        }
        int flags = msghdr.getInt(MSG_FLAGS);
        int length = (int) Math.min(n, MAX_MESSAGE);
        data.read(0, buf, 0, length);
        byte[] source = new byte[16];
        if (msghdr.getInt(MSG_NAMELEN) >= SOCKADDR_IN6) {
            name.read(8, source, 0, 16);
        }
        return new Received(length, source, hopLimit(), (flags & SocketLibC.MSG_TRUNC) != 0);
    }

    /** Walks the control messages for IPPROTO_IPV6/IPV6_HOPLIMIT; {@link Received#NO_HOP_LIMIT} if absent. */
    private int hopLimit() {
        long controlLength = Math.min(getSize(msghdr, MSG_CONTROLLEN), CONTROL);
        long at = 0;
        while (at + CMSG_HDR <= controlLength) {
            long len = getSize(control, at);
            if (len < CMSG_HDR || at + len > controlLength) {
                break;
            }
            int level = control.getInt(at + S);
            int type = control.getInt(at + S + 4);
            if (level == SocketLibC.IPPROTO_IPV6 && type == SocketLibC.IPV6_HOPLIMIT && len >= CMSG_HDR + 4) {
                return control.getInt(at + CMSG_HDR);
            }
            at += align((int) len, S);
        }
        return Received.NO_HOP_LIMIT;
    }

    private static void setSize(Memory m, long offset, long value) {
        if (S == 8) {
            m.setLong(offset, value);
        } else {
            m.setInt(offset, (int) value);
        }
    }

    private static long getSize(Memory m, long offset) {
        return S == 8 ? m.getLong(offset) : m.getInt(offset) & 0xFFFF_FFFFL;
    }

    private static int align(int value, int to) {
        return (value + to - 1) & -to;
    }

    /** Ends a thread's {@link #awaitReadable}, now or at its next call (the descriptor stays readable). */
    void wake() {
        byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array();
        try {
            SocketLibC.write(wakeFd, one, one.length);
        } catch (LastErrorException e) {
            // only EAGAIN is possible (the counter is full): it is readable already
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int d : new int[] {fd, wakeFd}) {
            try {
                SocketLibC.close(d);
            } catch (LastErrorException e) {
                // nothing left to do with a descriptor that will not close
            }
        }
    }
}
