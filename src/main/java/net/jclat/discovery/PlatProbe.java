package net.jclat.discovery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Pref64;

/**
 * Asks whether the PLAT behind a NAT64 prefix forwards: a TCP connection from this host to an IPv4
 * target's address synthesized with the prefix (RFC 6052). An answer of any kind from the IPv4 side — the
 * connection accepted or refused — proves the PLAT translated both ways; a time-out or an unreachable
 * does not. A prefix is up when any target answers. Blocking; run it off the datapath.
 */
public final class PlatProbe {
    /** One IPv4 host and TCP port to reach through the prefix. */
    public record Target(int ipv4, int port) {
        /** Parses {@code A.B.C.D:PORT}. */
        public static Target parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected IPV4:PORT, got '" + text + "'");
            }
            Ipv4Prefix a = Ipv4Prefix.parse(text.substring(0, colon));
            if (a.length() != 32) {
                throw new IllegalArgumentException("expected one IPv4 address, got '" + text + "'");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1-65535 in '" + text + "'");
            }
            return new Target(a.address(), port);
        }

        @Override
        public String toString() {
            return Addresses.formatIpv4(ipv4) + ":" + port;
        }
    }

    private final List<Target> targets;
    private final int timeoutMillis;
    private final String uplink;

    public PlatProbe(List<Target> targets, int timeoutMillis) {
        this(targets, timeoutMillis, null);
    }

    /**
     * @param uplink the interface the probes leave through (SO_BINDTODEVICE), so that each of several CLATs
     *     on one host probes its own provider's PLAT; null: wherever the host's routes send them
     */
    public PlatProbe(List<Target> targets, int timeoutMillis, String uplink) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a PLAT probe needs at least one target");
        }
        this.targets = List.copyOf(targets);
        this.timeoutMillis = timeoutMillis;
        this.uplink = uplink;
    }

    public List<Target> targets() {
        return targets;
    }

    /** True when any target answers through {@code prefix}. */
    public boolean reachable(Pref64 prefix) {
        for (Target t : targets) {
            if (answers(synthesize(prefix, t.ipv4()), t.port())) {
                return true;
            }
        }
        return false;
    }

    private boolean answers(InetAddress address, int port) {
        if (uplink != null) {
            return UplinkTcpConnect.answers(uplink, address.getAddress(), port, timeoutMillis);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), timeoutMillis);
            return true;
        } catch (ConnectException e) {
            // "Connection refused" is a TCP RST from the IPv4 host, translated: the PLAT works.
            return e.getMessage() != null && e.getMessage().contains("refused");
        } catch (IOException e) {
            return false;
        }
    }

    static InetAddress synthesize(Pref64 prefix, int ipv4) {
        byte[] a = ByteBuffer.allocate(16).putLong(prefix.embedHi(ipv4)).putLong(prefix.embedLo(ipv4)).array();
        try {
            return Inet6Address.getByAddress(a);
        } catch (IOException e) {
            throw new IllegalStateException(e); // 16 bytes are always a valid IPv6 address
        }
    }
}
