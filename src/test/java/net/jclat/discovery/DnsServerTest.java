package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DnsServerTest {
    private static final byte[] DB8_1 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    @Test
    void ipv4WithoutPortUses53() {
        DnsServer s = DnsServer.parse("192.0.2.1");
        assertInstanceOf(Inet4Address.class, s.address());
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, s.address().getAddress());
        assertEquals(53, s.port());
        assertEquals("192.0.2.1", s.toString());
    }

    @Test
    void ipv4WithPort() {
        DnsServer s = DnsServer.parse(" 192.0.2.1:5353 ");
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, s.address().getAddress());
        assertEquals(5353, s.port());
        assertEquals("192.0.2.1:5353", s.toString());
    }

    @Test
    void bareIpv6HasNoPort() {
        DnsServer s = DnsServer.parse("2001:db8::1");
        assertArrayEquals(DB8_1, s.address().getAddress());
        assertEquals(53, s.port());
        assertEquals("2001:db8::1", s.toString());
    }

    @Test
    void bracketedIpv6WithAndWithoutPort() {
        DnsServer s = DnsServer.parse("[2001:db8::1]:5353");
        assertArrayEquals(DB8_1, s.address().getAddress());
        assertEquals(5353, s.port());
        assertEquals("[2001:db8::1]:5353", s.toString());
        DnsServer t = DnsServer.parse("[2001:db8::1]");
        assertArrayEquals(DB8_1, t.address().getAddress());
        assertEquals(53, t.port());
    }

    @Test
    void ipv6EndingInAGroupThatLooksLikeAPortIsStillAnAddress() {
        DnsServer s = DnsServer.parse("2001:db8::53");
        assertEquals(53, s.port());
        assertEquals("2001:db8::53", s.toString());
    }

    @Test
    void zoneOfALinkLocalAddressIsKept() throws SocketException {
        // lo has no link-local address, so the JDK only takes its index as the zone
        DnsServer byName = DnsServer.parse("fe80::1%lo");
        Inet6Address a = assertInstanceOf(Inet6Address.class, byName.address());
        int lo = NetworkInterface.getByName("lo").getIndex();
        assertEquals(lo, a.getScopeId());
        assertEquals("fe80::1%" + lo, byName.toString());
        DnsServer byIndex = DnsServer.parse("[fe80::1%7]:5353");
        assertEquals(7, ((Inet6Address) byIndex.address()).getScopeId());
        assertEquals("[fe80::1%7]:5353", byIndex.toString());
    }

    @Test
    void zoneNamesAnInterfaceWhenItHasALinkLocalAddress() throws SocketException {
        String name = null;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet6Address && a.isLinkLocalAddress() && name == null) {
                    name = nif.getName();
                }
            }
        }
        assumeTrue(name != null, "no interface with a link-local address here");
        DnsServer s = DnsServer.parse("fe80::1%" + name);
        assertEquals(name, ((Inet6Address) s.address()).getScopedInterface().getName());
        assertEquals("fe80::1%" + name, s.toString());
    }

    @Test
    void zoneOfAGlobalAddressIsDropped() {
        Inet6Address a = (Inet6Address) DnsServer.parse("2001:db8::1%eth0").address();
        assertEquals(0, a.getScopeId());
        assertNull(a.getScopedInterface());
        assertArrayEquals(DB8_1, a.getAddress());
    }

    @Test
    void unknownInterfaceIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DnsServer.parse("fe80::1%nosuchif0"));
        assertTrue(e.getMessage().contains("nosuchif0"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "dns.example", "localhost", "192.0.2", "192.0.2.256", "192.0.2.1:0",
        "192.0.2.1:65536", "192.0.2.1:", "192.0.2.1:x", "[2001:db8::1", "[2001:db8::1]5353", "[192.0.2.1]:53",
        "2001:db8::1::2", "2001:db8::g", "[2001:db8::1]:", "1.2.3.4%eth0"})
    void badInputIsRejectedWithoutALookup(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsServer.parse(text));
        assertTrue(e.getMessage().startsWith("DNS server") || e.getMessage().startsWith("empty"), e.getMessage());
    }
}
