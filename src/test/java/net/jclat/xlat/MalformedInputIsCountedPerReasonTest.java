package net.jclat.xlat;

import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static net.jclat.xlat.PacketBuilder.put16;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Hostile or broken input — truncated, oversized, inconsistent — is dropped silently, under its own reason,
 * and counted once under its direction, so the status shows what arrived and in = translated + dropped
 * holds each way. (Lengths: RFC 791 §3.1 and RFC 8200 §3; the header checksum: RFC 1812 §5.2.2; fragments:
 * RFC 791 §3.2 and RFC 8200 §4.5.)
 */
class MalformedInputIsCountedPerReasonTest {
    private static final String CLAT6 = "2001:db8:1::c";
    private static final String REMOTE6 = "2001:db8:64::c633:640a";

    private static XlatConfig clat() {
        return XlatConfig.builder().pref64("2001:db8:64::/96").clat("192.0.0.1", CLAT6).pref64ForLocal(false)
                .build();
    }

    private static byte[] goodIpv4() {
        return ipv4("192.0.0.1", "198.51.100.10").udp(40000, 53, new byte[] {1, 2, 3, 4}).build();
    }

    private static byte[] goodIpv6() {
        return ipv6(REMOTE6, CLAT6).udp(53, 40000, new byte[] {1, 2, 3, 4}).build();
    }

    /** Runs the packet; it must be dropped silently for {@code reason} and counted under its direction. */
    private static void assertCounted(Drop reason, byte[] packet, int droppedIndex) {
        XlatRun r = XlatRun.run(clat(), packet);
        r.assertSilentDrop(reason);
        assertEquals(1, r.counters.dropped(reason), reason.label());
        assertEquals(1, r.counters.droppedTotal(), "one reason per packet");
        assertEquals(1, r.counters.get(droppedIndex), "counted under its direction");
    }

    @Test
    void ipv4ShorterThanItsTotalLengthIsIpv4Truncated() {
        byte[] p = goodIpv4();
        assertCounted(Drop.IPV4_TRUNCATED, Arrays.copyOf(p, p.length - 2), Counters.DROPPED_4TO6);
    }

    @Test
    void ipv4ShorterThanAHeaderIsIpv4Truncated() {
        assertCounted(Drop.IPV4_TRUNCATED, Arrays.copyOf(goodIpv4(), 12), Counters.DROPPED_4TO6);
    }

    @Test
    void ipv4WithATotalLengthBelowItsHeaderIsIpv4BadHeader() {
        byte[] p = ipv4("192.0.0.1", "198.51.100.10").totalLength(12).udp(1, 2, new byte[4]).build();
        assertCounted(Drop.IPV4_BAD_HEADER, p, Counters.DROPPED_4TO6);
    }

    @Test
    void ipv4WithAnIhlBelowFiveIsIpv4BadHeader() {
        byte[] p = goodIpv4();
        p[0] = 0x44;
        assertCounted(Drop.IPV4_BAD_HEADER, p, Counters.DROPPED_4TO6);
    }

    @Test
    void ipv4WithAWrongHeaderChecksumIsIpv4BadChecksum() {
        byte[] p = ipv4("192.0.0.1", "198.51.100.10").corruptChecksum().udp(1, 2, new byte[4]).build();
        assertCounted(Drop.IPV4_BAD_CHECKSUM, p, Counters.DROPPED_4TO6);
    }

    @Test
    void ipv4UdpShorterThanItsHeaderIsL4Truncated() {
        byte[] p = ipv4("192.0.0.1", "198.51.100.10").payload(17, new byte[] {0, 1, 0, 2}).build();
        assertCounted(Drop.L4_TRUNCATED, p, Counters.DROPPED_4TO6);
    }

    @Test
    void ipv4FragmentBeyond65535IsFragmentBad() {
        byte[] p = ipv4("192.0.0.1", "198.51.100.10").offset(65528).payload(17, new byte[16]).build();
        assertCounted(Drop.FRAGMENT_BAD, p, Counters.DROPPED_4TO6);
    }

    @Test
    void ipv4NonLastFragmentNotAMultipleOf8IsFragmentBad() {
        byte[] p = ipv4("192.0.0.1", "198.51.100.10").mf(true).payload(17, new byte[13]).build();
        assertCounted(Drop.FRAGMENT_BAD, p, Counters.DROPPED_4TO6);
    }

    @Test
    void ipv6ShorterThanItsPayloadLengthIsIpv6Truncated() {
        byte[] p = goodIpv6();
        assertCounted(Drop.IPV6_TRUNCATED, Arrays.copyOf(p, p.length - 1), Counters.DROPPED_6TO4);
    }

    @Test
    void ipv6ShorterThanAHeaderIsIpv6Truncated() {
        assertCounted(Drop.IPV6_TRUNCATED, Arrays.copyOf(goodIpv6(), 39), Counters.DROPPED_6TO4);
    }

    @Test
    void ipv6WithAnExtensionHeaderRunningPastTheEndIsIpv6BadExtension() {
        byte[] hopByHop = new byte[8];
        hopByHop[1] = 5; // claims 48 bytes
        byte[] p = ipv6(REMOTE6, CLAT6).payload(0, hopByHop).build();
        p[6] = 0;
        assertCounted(Drop.IPV6_BAD_EXTENSION, p, Counters.DROPPED_6TO4);
    }

    @Test
    void ipv6UdpShorterThanItsHeaderIsL4Truncated() {
        byte[] p = ipv6(REMOTE6, CLAT6).payload(17, new byte[] {0, 53, 0, 1}).build();
        assertCounted(Drop.L4_TRUNCATED, p, Counters.DROPPED_6TO4);
    }

    @Test
    void ipv6NonLastFragmentNotAMultipleOf8IsFragmentBad() {
        byte[] p = ipv6(REMOTE6, CLAT6).fragment(0, true, 7).payload(17, new byte[13]).build();
        assertCounted(Drop.FRAGMENT_BAD, p, Counters.DROPPED_6TO4);
    }

    @Test
    void ipv6WhoseIpv4FormWouldExceed65535IsOversize() {
        // The largest IPv6 payload (65535) plus a 20-byte IPv4 header does not fit an IPv4 packet.
        byte[] udp = new byte[65535];
        put16(udp, 0, 53);
        put16(udp, 2, 40000);
        put16(udp, 4, 65535);
        byte[] p = ipv6(REMOTE6, CLAT6).payload(17, udp).build();
        assertCounted(Drop.OVERSIZE, p, Counters.DROPPED_6TO4);
    }

    @Test
    void neitherVersionIsNotIpAndBelongsToNoDirection() {
        XlatRun r = XlatRun.run(clat(), new byte[] {0x20, 0, 0, 0});
        r.assertSilentDrop(Drop.NOT_IP);
        assertEquals(0, r.counters.get(Counters.DROPPED_4TO6) + r.counters.get(Counters.DROPPED_6TO4));
    }

    @Test
    void everyInputIsCountedOnceInEachDirection() {
        Translator t = new Translator(clat(), new Counters());
        byte[][] inputs = {goodIpv4(), goodIpv6(), Arrays.copyOf(goodIpv4(), 10), Arrays.copyOf(goodIpv6(), 50),
            ipv4("10.9.9.9", "198.51.100.10").udp(1, 2, new byte[4]).build(),
            ipv6("2001:db8:200::2", CLAT6).udp(1, 2, new byte[4]).build()};
        for (byte[] in : inputs) {
            XlatRun.run(t, in);
        }
        Counters c = t.counters();
        assertEquals(3, c.get(Counters.IN4_PACKETS));
        assertEquals(c.get(Counters.IN4_PACKETS), c.get(Counters.TRANSLATED_4TO6) + c.get(Counters.DROPPED_4TO6));
        assertEquals(3, c.get(Counters.IN6_PACKETS));
        assertEquals(c.get(Counters.IN6_PACKETS), c.get(Counters.TRANSLATED_6TO4) + c.get(Counters.DROPPED_6TO4));
        assertEquals(1, c.get(Counters.TRANSLATED_4TO6));
        assertEquals(1, c.get(Counters.TRANSLATED_6TO4));
    }
}
