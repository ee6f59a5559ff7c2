package net.jclat.discovery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Objects;
import net.jclat.xlat.Addresses;

/**
 * A DNS server to ask: an address literal and a port. Parsing never resolves a name: the forms are
 * {@code 192.0.2.1}, {@code 192.0.2.1:5353}, {@code 2001:db8::1}, {@code [2001:db8::1]} and
 * {@code [2001:db8::1]:5353}; an IPv6 address may carry a zone ({@code fe80::1%wan}).
 */
public record DnsServer(InetAddress address, int port) {
    public static final int DEFAULT_PORT = 53;

    public DnsServer {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("DNS server port must be 1..65535, got " + port);
        }
    }

    public DnsServer(InetAddress address) {
        this(address, DEFAULT_PORT);
    }

    /** Parses {@code SERVER[:PORT]}; see the class comment for the forms. */
    public static DnsServer parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty DNS server");
        }
        String host;
        int port = DEFAULT_PORT;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("DNS server '" + text + "': missing ']'");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("DNS server '" + text + "': expected ':PORT' after ']'");
                }
                port = parsePort(rest.substring(1), text);
            }
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("DNS server '" + text + "': brackets are for IPv6 addresses");
            }
        } else {
            int colon = t.indexOf(':');
            if (colon >= 0 && t.indexOf(':', colon + 1) < 0) {
                host = t.substring(0, colon); // IPv4:PORT; two or more colons make a bare IPv6 address
                port = parsePort(t.substring(colon + 1), text);
            } else {
                host = t;
            }
        }
        return new DnsServer(literal(host, text), port);
    }

    private static int parsePort(String s, String whole) {
        if (!s.isEmpty() && s.length() <= 5 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        }
        throw new IllegalArgumentException("DNS server '" + whole + "': bad port '" + s + "' (must be 1..65535)");
    }

    /** An address literal; hand-parsed so that a host name is an error, never a DNS lookup. */
    private static InetAddress literal(String host, String whole) {
        int pct = host.indexOf('%');
        byte[] bytes;
        long hi = 0;
        try {
            if (host.indexOf(':') < 0) {
                int v4 = Addresses.parseIpv4(host);
                bytes = new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
            } else {
                long[] a = Addresses.parseIpv6(pct < 0 ? host : host.substring(0, pct));
                hi = a[0];
                bytes = new byte[16];
                for (int i = 0; i < 8; i++) {
                    bytes[i] = (byte) (a[0] >>> (56 - 8 * i));
                    bytes[i + 8] = (byte) (a[1] >>> (56 - 8 * i));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DNS server '" + whole + "': " + e.getMessage(), e);
        }
        String zone = pct < 0 ? "" : host.substring(pct + 1);
        try {
            // A zone only means something for a link-local address (RFC 4007 §6, §11); elsewhere it is dropped.
            boolean linkLocal = bytes.length == 16 && (hi >>> 54) == 0x3FA; // fe80::/10
            if (zone.isEmpty() || !linkLocal) {
                return InetAddress.getByAddress(bytes);
            }
            if (zone.length() <= 9 && zone.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Inet6Address.getByAddress(null, bytes, Integer.parseInt(zone));
            }
            NetworkInterface nif = NetworkInterface.getByName(zone);
            if (nif == null) {
                throw new IllegalArgumentException("DNS server '" + whole + "': no interface named '" + zone + "'");
            }
            try {
                return Inet6Address.getByAddress(null, bytes, nif);
            } catch (UnknownHostException e) {
                // The JDK binds a zone to an interface only if it has a link-local address; the index always works.
                return Inet6Address.getByAddress(null, bytes, nif.getIndex());
            }
        } catch (UnknownHostException | SocketException e) {
            throw new IllegalArgumentException("DNS server '" + whole + "': " + e.getMessage(), e);
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** {@code 192.0.2.1}, {@code 2001:db8::1}, {@code fe80::1%wan}; the port is shown only when not 53. */
    @Override
    public String toString() {
        String host;
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = hi << 8 | (b[i] & 0xFF);
                lo = lo << 8 | (b[i + 8] & 0xFF);
            }
            host = Addresses.formatIpv6(hi, lo);
            if (v6.getScopedInterface() != null) {
                host += "%" + v6.getScopedInterface().getName();
            } else if (v6.getScopeId() != 0) {
                host += "%" + v6.getScopeId();
            }
            return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
        }
        host = address.getHostAddress();
        return port == DEFAULT_PORT ? host : host + ":" + port;
    }
}
