package net.jclat.lan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import net.jclat.discovery.DiscoveredPrefix;
import net.jclat.discovery.Pref64Option;
import net.jclat.xlat.Checksum;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;

/** The RA jclat sends on an IPv6-mostly LAN, byte for byte against RFC 8781 §4 and RFC 4861 §4.2. */
class Pref64AdvertisementTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SRC = HEX.parseHex("fe80000000000000686300aabbccddee");
    private static final byte[] MAC = HEX.parseHex("020000aabbcc");

    @Test
    void optionLaysOutTypeLengthScaledLifetimePlcAndTheTop96BitsAsRfc8781Section4Draws() {
        // 2001:db8:64::/96, lifetime 1800 s: scaled 225 = 0b0000011100001, PLC 0 -> 0x0708.
        assertEquals("26020708" + "20010db8006400000000000" + "0",
                HEX.formatHex(Pref64Advertisement.option(Pref64.parse("2001:db8:64::/96"), 1800)));
        // /32 (PLC 5), lifetime 65528 (scaled 8191 = 0x1fff): 0x1fff << 3 | 5 = 0xfffd.
        assertEquals("2602fffd" + "20010db8" + "0000000000000000",
                HEX.formatHex(Pref64Advertisement.option(Pref64.parse("2001:db8::/32"), 65528)));
    }

    @Test
    void everyPrefixLengthCodeOfRfc8781Section4() {
        String[] prefixes = {"2001:db8:1:2:3:4::/96", "2001:db8:1:2::/64", "2001:db8:1:200::/56", "2001:db8:1::/48",
            "2001:db8:100::/40", "2001:db8::/32"};
        for (int plc = 0; plc < prefixes.length; plc++) {
            byte[] o = Pref64Advertisement.option(Pref64.parse(prefixes[plc]), 600);
            assertEquals(plc, o[3] & 7, prefixes[plc]);
            assertEquals(75, (o[2] & 0xFF) << 5 | (o[3] & 0xFF) >>> 3, "600 s is 75 units of 8 s");
            List<DiscoveredPrefix> back = parse(o);
            assertEquals(prefixes[plc], back.get(0).prefix().toString(), "our own receiver reads it back");
        }
        assertThrows(IllegalArgumentException.class, () -> Pref64Advertisement.plc(80));
    }

    @Test
    void lifetimeIsRoundedUpToUnitsOf8CappedAndZeroStaysZero() {
        assertEquals(0, Pref64Advertisement.scaledLifetime(0), "0 withdraws (RFC 8781 §4.1)");
        assertEquals(1, Pref64Advertisement.scaledLifetime(1), "under 8 s is 1, not a withdrawal");
        assertEquals(1, Pref64Advertisement.scaledLifetime(8));
        assertEquals(2, Pref64Advertisement.scaledLifetime(9), "rounded up");
        assertEquals(225, Pref64Advertisement.scaledLifetime(1800));
        assertEquals(8191, Pref64Advertisement.scaledLifetime(65528));
        assertEquals(8191, Pref64Advertisement.scaledLifetime(65529), "65536 would overflow 13 bits");
        assertEquals(8191, Pref64Advertisement.scaledLifetime(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> Pref64Advertisement.scaledLifetime(-1));
    }

    @Test
    void packetIsAnRaFromOurAddressWithRouterLifetimeZeroSllaAndPref64AndAValidChecksum() {
        byte[] p = Pref64Advertisement.packet(SRC, MAC, List.of(
                new Pref64Advertisement.Announced(Pref64.parse("2001:db8:65::/96"), 1800),
                new Pref64Advertisement.Announced(Pref64.parse("2001:db8:64::/96"), 0)));
        String expected = "60000000" + "0038" + "3a" + "ff" + HEX.formatHex(SRC) + "ff020000000000000000000000000001"
                + "8600" + "cccc" + "00" + "00" + "0000" + "00000000" + "00000000" // RFC 4861 §4.2, all zero
                + "0101" + "020000aabbcc" // SLLA
                + "26020708" + "20010db8006500000000000" + "0"
                + "26020000" + "20010db8006400000000000" + "0";
        String actual = HEX.formatHex(p);
        assertEquals(expected.substring(0, 84), actual.substring(0, 84), "IPv6 header, RA type and code");
        assertEquals(expected.substring(88), actual.substring(88), "RA header after the checksum and options");
        ByteBuffer b = ByteBuffer.wrap(p);
        long sum = Checksum.sum(b, 8, 32) + (p.length - 40) + 58 + Checksum.sum(b, 40, p.length - 40);
        assertEquals(0xFFFF, Checksum.fold(sum), "checksum verifies (RFC 4443 §2.3)");

        byte[] icmp = java.util.Arrays.copyOfRange(p, 40, p.length);
        Pref64Option.Parsed parsed = parseRa(icmp);
        assertEquals(0, parsed.routerLifetime());
        assertEquals(1800, parsed.prefixes().get(0).lifetimeSeconds());
        assertEquals(0, parsed.prefixes().get(1).lifetimeSeconds());
    }

    @Test
    void refusesWhatCannotBeSent() {
        assertThrows(IllegalArgumentException.class, () -> Pref64Advertisement.packet(SRC, MAC, List.of()));
        assertThrows(IllegalArgumentException.class, () -> Pref64Advertisement.packet(new byte[4], MAC,
                List.of(new Pref64Advertisement.Announced(Pref64.parse("64:ff9b::/96"), 8))));
        assertArrayEquals(HEX.parseHex("ff020000000000000000000000000001"), Pref64Advertisement.allNodes());
    }

    private static List<DiscoveredPrefix> parse(byte[] option) {
        byte[] ra = new byte[16 + option.length];
        ra[0] = (byte) 134;
        System.arraycopy(option, 0, ra, 16, option.length);
        return parseRa(ra).prefixes();
    }

    private static Pref64Option.Parsed parseRa(byte[] ra) {
        try {
            return Pref64Option.parse(ra, "fe80::1");
        } catch (net.jclat.discovery.MalformedRaException e) {
            throw new AssertionError(e);
        }
    }
}
