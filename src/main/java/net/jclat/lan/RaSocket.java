package net.jclat.lan;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import net.jclat.discovery.Icmp6Filter;

/**
 * Sends whole IPv6 packets (built by {@link Pref64Advertisement}) to ff02::1 on one LAN interface, and hears
 * the Router Solicitations that arrive there. The packets are sent through a header-including raw socket
 * (IPPROTO_RAW), so their source can be jclat's own link-local address without that address ever being
 * configured on the interface: a configured one could be picked by the LAN's real RA daemon (radvd takes the
 * first link-local address it sees) or by the kernel's source address selection, and an RA with Router
 * Lifetime 0 from the real router's source would withdraw the default router (RFC 4861 §6.3.4).
 * Needs CAP_NET_RAW. Not thread-safe: one thread uses it.
 */
final class RaSocket implements AutoCloseable {
    private static final int SOCKADDR_IN6 = 28;
    private static final int ROUTER_SOLICITATION = 133;

    private final String ifname;
    private final int ifindex;
    private final int sendFd;
    private final int solicitFd;
    private final byte[] receive = new byte[1500];

    private RaSocket(String ifname, int ifindex, int sendFd, int solicitFd) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.sendFd = sendFd;
        this.solicitFd = solicitFd;
    }

    static RaSocket open(String ifname) throws IOException {
        int ifindex = LanLibC.if_nametoindex(ifname);
        if (ifindex == 0) {
            throw new IOException("no network interface named '" + ifname + "'");
        }
        int send = socket(ifname, LanLibC.IPPROTO_RAW);
        int solicit;
        try {
            solicit = socket(ifname, LanLibC.IPPROTO_ICMPV6);
        } catch (IOException e) {
            close(send);
            throw e;
        }
        RaSocket s = new RaSocket(ifname, ifindex, send, solicit);
        try {
            byte[] dev = (ifname + "\0").getBytes(StandardCharsets.US_ASCII);
            s.option(send, LanLibC.SOL_SOCKET, LanLibC.SO_BINDTODEVICE, dev, "SO_BINDTODEVICE");
            s.option(send, LanLibC.IPPROTO_IPV6, LanLibC.IPV6_MULTICAST_IF, intValue(ifindex), "IPV6_MULTICAST_IF");
            // The LAN's own RA daemon on this box must not hear ours as another router's.
            s.option(send, LanLibC.IPPROTO_IPV6, LanLibC.IPV6_MULTICAST_LOOP, intValue(0), "IPV6_MULTICAST_LOOP");
            s.option(solicit, LanLibC.SOL_SOCKET, LanLibC.SO_BINDTODEVICE, dev, "SO_BINDTODEVICE");
            s.option(solicit, LanLibC.IPPROTO_ICMPV6, LanLibC.ICMP6_FILTER, Icmp6Filter.passing(ROUTER_SOLICITATION),
                    "ICMP6_FILTER");
            // Solicitations go to all-routers, ff02::2 (RFC 4861 §6.3.7); a forwarding interface is in that
            // group already, joining again is harmless.
            ByteBuffer mreq = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
            mreq.put(0, (byte) 0xff).put(1, (byte) 2).put(15, (byte) 2).putInt(16, ifindex);
            try {
                LanLibC.setsockopt(solicit, LanLibC.IPPROTO_IPV6, LanLibC.IPV6_ADD_MEMBERSHIP, mreq.array(), 20);
            } catch (LastErrorException e) {
                // EADDRINUSE: a member already
            }
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static int socket(String ifname, int protocol) throws IOException {
        try {
            return LanLibC.socket(LanLibC.AF_INET6, LanLibC.SOCK_RAW | LanLibC.SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a raw IPv6 socket for Router Advertisements on " + ifname + ": "
                    + e.getMessage() + (e.getErrorCode() == 1 || e.getErrorCode() == 13
                            ? " (needs root or CAP_NET_RAW)" : ""), e);
        }
    }

    private static byte[] intValue(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private void option(int fd, int level, int name, byte[] value, String what) throws IOException {
        try {
            LanLibC.setsockopt(fd, level, name, value, value.length);
        } catch (LastErrorException e) {
            throw new IOException("raw socket on " + ifname + ": setsockopt " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends one whole IPv6 packet to ff02::1 on this interface. */
    void send(byte[] packet) throws IOException {
        ByteBuffer sa = ByteBuffer.allocate(SOCKADDR_IN6).order(ByteOrder.nativeOrder());
        sa.putShort(0, (short) LanLibC.AF_INET6);
        sa.put(8, Pref64Advertisement.allNodes());
        sa.putInt(24, ifindex);
        try {
            LanLibC.sendto(sendFd, packet, packet.length, 0, sa.array(), SOCKADDR_IN6);
        } catch (LastErrorException e) {
            throw new IOException("sending a Router Advertisement on " + ifname + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a Router Solicitation arrived since the last call (all waiting ones are read). The kernel checks
     * the ICMPv6 checksum; the hop limit is not checked: a forged one can only bring an RA forward, at most one
     * per MIN_DELAY_BETWEEN_RAS.
     */
    boolean solicited() throws IOException {
        boolean any = false;
        while (true) {
            try {
                long n = LanLibC.recv(solicitFd, receive, receive.length, LanLibC.MSG_DONTWAIT);
                // RFC 4861 §6.1.1: ICMP code 0 and at least 8 octets.
                any |= n >= 8 && (receive[0] & 0xFF) == ROUTER_SOLICITATION && receive[1] == 0;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LanLibC.EAGAIN || e.getErrorCode() == LanLibC.EINTR) {
                    return any;
                }
                throw new IOException("receiving Router Solicitations on " + ifname + ": " + e.getMessage(), e);
            }
        }
    }

    String ifname() {
        return ifname;
    }

    private static void close(int fd) {
        try {
            LanLibC.close(fd);
        } catch (LastErrorException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() {
        close(sendFd);
        close(solicitFd);
    }
}
