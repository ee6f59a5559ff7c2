package net.jclat.netlink;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tells whether the kernel announced a change of links, IPv4 addresses or routes since the last look: an
 * rtnetlink socket that only listens to those multicast groups. A caller that checks the kernel's state
 * once a second can skip the check while nothing changed, and still see a change within that second. Every
 * change is announced (RTM_NEWLINK/DELLINK, NEWADDR/DELADDR, NEWROUTE/DELROUTE) except what the kernel
 * flushes with a link going down, whose link message then stands for it; proxy neighbour entries are never
 * announced (net/core/neighbour.c, pneigh_*), so those must still be looked at directly.
 */
public final class RtNetlinkEvents implements AutoCloseable {
    /** Legacy multicast groups (linux/rtnetlink.h RTMGRP_*): links, tc, IPv4 addresses, IPv4 and IPv6 routes. */
    public static final int LINKS = 0x1;
    public static final int TC = 0x8;
    public static final int IPV4_ADDRESSES = 0x10;
    public static final int IPV4_ROUTES = 0x40;
    public static final int IPV6_ROUTES = 0x400;

    private static final int POLLIN = 1;
    private static final int MSG_DONTWAIT = 0x40;
    /** More announcements than this in one look are a storm: the caller checks anyway, the rest waits. */
    private static final int MAX_READS = 256;

    private final int fd;
    private final byte[] pollFd = new byte[8];
    private final byte[] buffer = new byte[8192];

    public RtNetlinkEvents(int groups) throws IOException {
        try {
            fd = NetlinkLibC.socket(NetlinkLibC.AF_NETLINK, NetlinkLibC.SOCK_RAW | NetlinkLibC.SOCK_CLOEXEC,
                    NetlinkLibC.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new NetlinkException("opening an rtnetlink event socket", e.getErrorCode());
        }
        byte[] sa = new byte[12]; // sockaddr_nl: family, pad, pid (0: the kernel picks), groups
        ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder()).putShort((short) NetlinkLibC.AF_NETLINK).putShort((short) 0)
                .putInt(0).putInt(groups);
        try {
            NetlinkLibC.bind(fd, sa, sa.length);
        } catch (LastErrorException e) {
            NetlinkLibC.close(fd);
            throw new NetlinkException("subscribing to rtnetlink events", e.getErrorCode());
        }
        ByteBuffer.wrap(pollFd).order(ByteOrder.nativeOrder()).putInt(fd).putShort((short) POLLIN);
    }

    /**
     * True when anything was announced since the last call, or announcements were lost (the socket's buffer
     * overflowed: ENOBUFS), so the caller cannot know. Reads what is queued; never blocks. Nothing queued costs
     * one poll(2).
     */
    public synchronized boolean changed() {
        boolean any = false;
        for (int i = 0; i < MAX_READS; i++) {
            pollFd[6] = 0; // revents
            pollFd[7] = 0;
            int ready = NetlinkLibC.poll(pollFd, 1, 0);
            if (ready == 0) {
                return any;
            }
            any = true;
            if (ready < 0) {
                return true;
            }
            try {
                NetlinkLibC.recv(fd, buffer, buffer.length, MSG_DONTWAIT);
            } catch (LastErrorException e) {
                // ENOBUFS: announcements were dropped; the error is cleared by reporting it. Anything else: a
                // change is assumed, which costs one check.
                if (e.getErrorCode() != NetlinkException.ENOBUFS) {
                    return true;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            NetlinkLibC.close(fd);
        } catch (LastErrorException ignored) {
            // nothing left to release
        }
    }
}
