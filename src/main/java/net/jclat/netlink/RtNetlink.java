package net.jclat.netlink;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A small rtnetlink client (linux/rtnetlink.h): link up and MTU, addresses, routes with metrics, proxy
 * neighbours. One request at a time, each acknowledged. jclat never shells out to {@code ip}.
 */
public final class RtNetlink implements AutoCloseable {
    /** Routes jclat adds carry this protocol number, so they can be told apart from anyone else's. */
    public static final int RTPROT_JCLAT = 190;

    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELADDR = 21;
    private static final int RTM_NEWROUTE = 24;
    private static final int RTM_DELROUTE = 25;
    private static final int RTM_GETROUTE = 26;
    private static final int NLMSG_DONE = 3;
    private static final int RTA_TABLE = 15;
    private static final int RTM_NEWNEIGH = 28;
    private static final int RTM_DELNEIGH = 29;
    private static final int RTM_GETNEIGH = 30;
    private static final int NLMSG_ERROR = 2;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int IFF_UP = 1;
    private static final int IFLA_MTU = 4;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_F_NODAD = 0x02;
    private static final int RTA_DST = 1;
    private static final int RTA_SRC = 2;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PRIORITY = 6;
    private static final int RTA_METRICS = 8;
    private static final int RTAX_MTU = 2;
    private static final int RTAX_ADVMSS = 8;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_LINK = 253;
    private static final int RTN_UNICAST = 1;
    private static final int NDA_DST = 1;
    private static final int NUD_PERMANENT = 0x80;
    private static final int NTF_PROXY = 0x08;

    private final int fd;
    private final byte[] reply = new byte[16384];
    private int seq;

    public RtNetlink() throws IOException {
        try {
            fd = NetlinkLibC.socket(NetlinkLibC.AF_NETLINK, NetlinkLibC.SOCK_RAW | NetlinkLibC.SOCK_CLOEXEC,
                    NetlinkLibC.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new NetlinkException("opening an rtnetlink socket", e.getErrorCode());
        }
        byte[] sa = new byte[12];
        ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder()).putShort((short) NetlinkLibC.AF_NETLINK);
        try {
            NetlinkLibC.bind(fd, sa, sa.length);
        } catch (LastErrorException e) {
            NetlinkLibC.close(fd);
            throw new NetlinkException("binding the rtnetlink socket", e.getErrorCode());
        }
    }

    public static int ifIndex(String name) throws NetlinkException {
        int index = NetlinkLibC.if_nametoindex(name);
        if (index == 0) {
            throw new NetlinkException("interface " + name, NetlinkException.ENODEV);
        }
        return index;
    }

    /** Sets the link up with the given MTU. */
    public void linkUp(int ifIndex, int mtu) throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK, 0)
                .u8(0).u8(0).u16(0).u32(ifIndex).u32(IFF_UP).u32(IFF_UP) // ifinfomsg
                .attrU32(IFLA_MTU, mtu);
        request(m, "setting link " + ifIndex + " up with MTU " + mtu);
    }

    /**
     * The link's flags ({@code IFF_UP} is bit 0), or -1 when no link has this index. One RTM_GETLINK for that
     * index, not a dump: the JDK's NetworkInterface.getByIndex enumerates every interface (and parses
     * /proc/net/if_inet6) to answer the same question, which the watchdog asked every second.
     */
    public synchronized int linkFlags(int ifIndex) throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_GETLINK, 0)
                .u8(0).u8(0).u16(0).u32(ifIndex).u32(0).u32(0); // ifinfomsg
        int[] flags = {-1};
        exchange(m, "reading link " + ifIndex, NetlinkException.ENODEV, (type, b, pos, len) -> {
            if (type == RTM_NEWLINK && len >= 32) {
                flags[0] = b.getInt(pos + 24);
            }
            return type == NLMSG_ERROR; // the acknowledgement follows the answer
        });
        return flags[0];
    }

    /** Adds (or replaces) an address; IPv6 addresses skip DAD since jclat owns them by configuration. */
    public void addAddress(int ifIndex, byte[] addr, int prefixLength) throws IOException {
        request(address(RTM_NEWADDR, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_REPLACE, ifIndex, addr,
                prefixLength, true), "adding address to link " + ifIndex);
    }

    /** Adds an IPv6 address with Duplicate Address Detection (RFC 4862 §5.4), to test that it is free. */
    public void addAddressWithDad(int ifIndex, byte[] addr, int prefixLength) throws IOException {
        request(address(RTM_NEWADDR, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_REPLACE, ifIndex, addr,
                prefixLength, false), "adding address to link " + ifIndex);
    }

    /**
     * Adds an address only if the link lacks it (NLM_F_EXCL): true when it was missing and is now there,
     * false when it was there already. For checking that what jclat set up is still in place.
     */
    public synchronized boolean addAddressIfMissing(int ifIndex, byte[] addr, int prefixLength) throws IOException {
        return created(address(RTM_NEWADDR, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL,
                ifIndex, addr, prefixLength, true), "adding address to link " + ifIndex);
    }

    public void deleteAddress(int ifIndex, byte[] addr, int prefixLength) throws IOException {
        request(address(RTM_DELADDR, 0, ifIndex, addr, prefixLength, true), "deleting address from link " + ifIndex);
    }

    private static NetlinkMessage address(int type, int flags, int ifIndex, byte[] addr, int prefixLength,
            boolean noDad) {
        boolean v6 = addr.length == 16;
        return new NetlinkMessage(type, flags)
                .u8(v6 ? AF_INET6 : AF_INET).u8(prefixLength).u8(v6 && noDad ? IFA_F_NODAD : 0).u8(RT_SCOPE_UNIVERSE)
                .u32(ifIndex)
                .attr(IFA_LOCAL, addr).attr(IFA_ADDRESS, addr);
    }

    public synchronized void addRoute(Route r) throws IOException {
        request(route(RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_REPLACE, r), "adding route");
    }

    /** Adds a route only if it is missing (NLM_F_EXCL): true when it was missing and is now there. */
    public synchronized boolean addRouteIfMissing(Route r) throws IOException {
        return created(route(RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, r), "adding route");
    }

    /**
     * Sends an NLM_F_EXCL request: true when it created something, false on EEXIST. EEXIST is the answer the
     * watchdog gets every second when nothing is missing, so it is an errno here, not an exception (filling
     * in a stack trace each round was the status thread's largest single cost).
     */
    private boolean created(NetlinkMessage m, String what) throws IOException {
        return exchange(m, what, NetlinkException.EEXIST, (type, b, pos, len) -> type == NLMSG_ERROR) == 0;
    }

    public synchronized void deleteRoute(Route r) throws IOException {
        request(route(RTM_DELROUTE, 0, r), "deleting route");
    }

    private static NetlinkMessage route(int type, int flags, Route r) {
        NetlinkMessage m = new NetlinkMessage(type, flags)
                .u8(r.isIpv6() ? AF_INET6 : AF_INET).u8(r.prefixLength()).u8(0).u8(0)
                .u8(RT_TABLE_MAIN).u8(RTPROT_JCLAT).u8(RT_SCOPE_LINK).u8(RTN_UNICAST).u32(0);
        if (r.prefixLength() > 0) {
            m.attr(RTA_DST, r.destination());
        }
        m.attrU32(RTA_OIF, r.ifIndex()).attrU32(RTA_PRIORITY, r.metric());
        if (r.mtu() > 0 || r.advmss() > 0) {
            m.beginNested(RTA_METRICS);
            if (r.mtu() > 0) {
                m.attrU32(RTAX_MTU, r.mtu());
            }
            if (r.advmss() > 0) {
                m.attrU32(RTAX_ADVMSS, r.advmss());
            }
            m.endNested();
        }
        return m;
    }

    /**
     * An IPv6 default route for one source prefix only (a source-specific route, CONFIG_IPV6_SUBTREES): what
     * jclat translates leaves through its own uplink even where the host's default route is another one.
     *
     * @param gateway 16 bytes, or null for a point-to-point uplink
     */
    public record SourceRoute(byte[] source, int sourceLength, byte[] gateway, int ifIndex, int metric) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SourceRoute r && java.util.Arrays.equals(source, r.source)
                    && sourceLength == r.sourceLength && java.util.Arrays.equals(gateway, r.gateway)
                    && ifIndex == r.ifIndex && metric == r.metric;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(java.util.Arrays.hashCode(source), sourceLength,
                    java.util.Arrays.hashCode(gateway), ifIndex, metric);
        }
    }

    public synchronized void replaceSourceRoute(SourceRoute r) throws IOException {
        request(sourceRoute(RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_REPLACE, r),
                "adding source route");
    }

    public synchronized void deleteSourceRoute(SourceRoute r) throws IOException {
        request(sourceRoute(RTM_DELROUTE, 0, r), "deleting source route");
    }

    private static NetlinkMessage sourceRoute(int type, int flags, SourceRoute r) {
        NetlinkMessage m = new NetlinkMessage(type, flags)
                .u8(AF_INET6).u8(0).u8(r.sourceLength()).u8(0)
                .u8(RT_TABLE_MAIN).u8(RTPROT_JCLAT).u8(RT_SCOPE_UNIVERSE).u8(RTN_UNICAST).u32(0)
                .attr(RTA_SRC, r.source());
        if (r.gateway() != null) {
            m.attr(RTA_GATEWAY, r.gateway());
        }
        return m.attrU32(RTA_OIF, r.ifIndex()).attrU32(RTA_PRIORITY, r.metric());
    }

    /**
     * One route of a dump: what the standby check and the uplink's gateway look-up need to know of it.
     *
     * @param source null when the route has no source prefix
     * @param gateway null when the route has none
     */
    public record RouteEntry(int family, int dstLength, int srcLength, int table, int protocol, int oif,
            int metric, byte[] source, byte[] gateway) {
    }

    /** Every route of one family ({@code 4} or {@code 6}) in every table. */
    public synchronized java.util.List<RouteEntry> routes(int ipVersion) throws IOException {
        int family = ipVersion == 6 ? AF_INET6 : AF_INET;
        NetlinkMessage m = new NetlinkMessage(RTM_GETROUTE, NetlinkMessage.NLM_F_DUMP)
                .u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
        java.util.List<RouteEntry> out = new java.util.ArrayList<>();
        dump(m, "listing routes", RTM_NEWROUTE, (b, pos, len) -> out.add(routeEntry(b, pos + 16, pos + len)));
        return out;
    }

    /** Reads {@code struct rtmsg} and the attributes jclat cares about (OIF, TABLE, PRIORITY, GATEWAY). */
    private static RouteEntry routeEntry(ByteBuffer b, int at, int end) {
        int family = b.get(at) & 0xFF;
        int dstLength = b.get(at + 1) & 0xFF;
        int srcLength = b.get(at + 2) & 0xFF;
        int table = b.get(at + 4) & 0xFF;
        int protocol = b.get(at + 5) & 0xFF;
        int oif = 0;
        int metric = 0;
        byte[] source = null;
        byte[] gateway = null;
        for (int a = at + 12; a + 4 <= end;) {
            int alen = b.getShort(a) & 0xFFFF;
            int atype = b.getShort(a + 2) & 0x3FFF;
            if (alen < 4) {
                break;
            }
            if (atype == RTA_OIF && alen >= 8) {
                oif = b.getInt(a + 4);
            } else if (atype == RTA_TABLE && alen >= 8) {
                table = b.getInt(a + 4);
            } else if (atype == RTA_PRIORITY && alen >= 8) {
                metric = b.getInt(a + 4);
            } else if (atype == RTA_GATEWAY && alen >= 4 + (family == AF_INET6 ? 16 : 4)) {
                gateway = new byte[family == AF_INET6 ? 16 : 4];
                b.get(a + 4, gateway);
            } else if (atype == RTA_SRC && alen >= 4 + (family == AF_INET6 ? 16 : 4)) {
                source = new byte[family == AF_INET6 ? 16 : 4];
                b.get(a + 4, source);
            }
            a += (alen + 3) & ~3;
        }
        return new RouteEntry(family, dstLength, srcLength, table, protocol, oif, metric, source, gateway);
    }

    /** A permanent proxy neighbour entry: the kernel answers Neighbor Solicitations for it on that link. */
    public void addProxyNeighbour(int ifIndex, byte[] ipv6) throws IOException {
        request(neighbour(RTM_NEWNEIGH, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_REPLACE, ifIndex, ipv6),
                "adding proxy NDP entry");
    }

    public void deleteProxyNeighbour(int ifIndex, byte[] ipv6) throws IOException {
        request(neighbour(RTM_DELNEIGH, 0, ifIndex, ipv6), "deleting proxy NDP entry");
    }

    /**
     * The IPv6 addresses with a proxy neighbour entry on this link. The kernel answers "add" for an existing
     * proxy entry with success, so the only way to know one was lost (a link going down flushes them) is to
     * list them.
     */
    public synchronized java.util.List<byte[]> proxyNeighbours(int ifIndex) throws IOException {
        // ndmsg with ndm_flags == NTF_PROXY asks for the proxy table (net/core/neighbour.c, neigh_dump_info).
        NetlinkMessage m = new NetlinkMessage(RTM_GETNEIGH, NetlinkMessage.NLM_F_DUMP)
                .u8(AF_INET6).u8(0).u16(0).u32(0).u16(0).u8(NTF_PROXY).u8(0);
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        dump(m, "listing proxy NDP entries", RTM_NEWNEIGH, (b, pos, len) -> {
            if (len >= 28 && b.getInt(pos + 20) == ifIndex) {
                for (int a = pos + 28; a + 4 <= pos + len;) {
                    int alen = b.getShort(a) & 0xFFFF;
                    if (alen < 4) {
                        break;
                    }
                    if ((b.getShort(a + 2) & 0x3FFF) == NDA_DST && alen == 20) {
                        byte[] ip = new byte[16];
                        b.get(a + 4, ip);
                        out.add(ip);
                    }
                    a += (alen + 3) & ~3;
                }
            }
        });
        return out;
    }

    private static NetlinkMessage neighbour(int type, int flags, int ifIndex, byte[] ipv6) {
        return new NetlinkMessage(type, flags)
                .u8(AF_INET6).u8(0).u16(0).u32(ifIndex).u16(NUD_PERMANENT).u8(NTF_PROXY).u8(0)
                .attr(NDA_DST, ipv6);
    }

    /** One message of a dump: its bytes from the netlink header at {@code pos}, {@code len} long. */
    @FunctionalInterface
    interface DumpEntry {
        void accept(ByteBuffer b, int pos, int len);
    }

    /** A dump request (NLM_F_DUMP): each answer of {@code type} goes to {@code each}, until NLMSG_DONE. */
    synchronized void dump(NetlinkMessage m, String what, int type, DumpEntry each) throws IOException {
        exchange(m, what, 0, (t, b, pos, len) -> {
            if (t == type) {
                each.accept(b, pos, len);
            }
            return t == NLMSG_DONE;
        });
    }

    /** Sends a request and waits for its acknowledgement; a negative one becomes an exception. */
    synchronized void request(NetlinkMessage m, String what) throws IOException {
        exchange(m, what, 0, (type, b, pos, len) -> type == NLMSG_ERROR);
    }

    /** Handles one message answering our request; returns true when the answer is complete. */
    @FunctionalInterface
    private interface AnswerHandler {
        boolean accept(int type, ByteBuffer b, int pos, int len);
    }

    /**
     * Sends one request and passes each message answering it (same sequence number) to the handler until
     * it says the answer is complete. An error message (NLMSG_ERROR with a non-zero code) ends it with an
     * exception, except the {@code tolerated} errno, which ends it by being returned (0: none tolerated; the
     * answer is complete: 0 is returned). Answers to earlier requests still queued are skipped.
     */
    private int exchange(NetlinkMessage m, String what, int tolerated, AnswerHandler handler) throws IOException {
        int mySeq = ++seq;
        byte[] msg = m.bytes(mySeq);
        try {
            NetlinkLibC.send(fd, msg, msg.length, 0);
        } catch (LastErrorException e) {
            throw new NetlinkException(what, e.getErrorCode());
        }
        while (true) {
            ByteBuffer b = receive(what);
            int n = b.limit();
            for (int pos = 0; pos + 16 <= n;) {
                int len = b.getInt(pos);
                if (len < 16 || pos + len > n) {
                    break;
                }
                int type = b.getShort(pos + 4) & 0xFFFF;
                if (b.getInt(pos + 8) == mySeq) {
                    int errno = type == NLMSG_ERROR ? -b.getInt(pos + 16) : 0;
                    if (errno != 0 && tolerated != 0 && errno == tolerated) {
                        return errno;
                    }
                    if (errno != 0) {
                        throw new NetlinkException(what, errno);
                    }
                    if (handler.accept(type, b, pos, len)) {
                        return 0;
                    }
                }
                pos += (len + 3) & ~3;
            }
        }
    }

    /** One datagram of answers from the kernel, in host byte order. */
    private ByteBuffer receive(String what) throws NetlinkException {
        long n;
        try {
            n = NetlinkLibC.recv(fd, reply, reply.length, 0);
        } catch (LastErrorException e) {
            throw new NetlinkException(what + " (reading the answer)", e.getErrorCode());
        }
        return ByteBuffer.wrap(reply, 0, (int) n).order(ByteOrder.nativeOrder());
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
