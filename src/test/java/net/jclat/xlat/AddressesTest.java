package net.jclat.xlat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address text: hand-written parsers (never a DNS lookup) and RFC 5952 canonical IPv6 output. */
class AddressesTest {

    @ParameterizedTest
    @CsvSource({"0.0.0.0, 0", "192.0.2.33, -1073741279", "255.255.255.255, -1", "10.0.0.1, 167772161",
        "1.2.3.4, 16909060"})
    void parsesIpv4(String text, int value) {
        assertEquals(value, Addresses.parseIpv4(text));
        assertEquals(text, Addresses.formatIpv4(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "1.2.3.+4", "a.b.c.d", "1..2.3",
        "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24", "1234.1.1.1", "localhost", "0x7f.0.0.1",
        "\u0661.2.3.4", "1.2.3.\u0664"})
    void rejectsBadIpv4(String text) {
        assertThrows(IllegalArgumentException.class, () -> Addresses.parseIpv4(text));
    }

    /** RFC 4291 §2.2 input forms. */
    @ParameterizedTest
    @CsvSource({
        "::,                                       0, 0",
        "::1,                                      0, 1",
        "2001:db8::,                               0x20010db800000000, 0",
        "2001:DB8:0:0:8:800:200C:417A,             0x20010db800000000, 0x00080800200c417a",
        "2001:db8::8:800:200c:417a,                0x20010db800000000, 0x00080800200c417a",
        "ff01::101,                                0xff01000000000000, 0x0000000000000101",
        "0:0:0:0:0:0:13.1.68.3,                    0, 0x000000000d014403",
        "::ffff:129.144.52.38,                     0, 0x0000ffff81903426",
        "64:ff9b::192.0.2.33,                      0x0064ff9b00000000, 0x00000000c0000221",
        "1:2:3:4:5:6:7::,                          0x0001000200030004, 0x0005000600070000",
        "::2:3:4:5:6:7:8,                          0x0000000200030004, 0x0005000600070008",
        "1:2:3:4:5:6:7:8,                          0x0001000200030004, 0x0005000600070008",
        "0001:0002:0003:0004:0005:0006:0007:0008,  0x0001000200030004, 0x0005000600070008",
    })
    void parsesIpv6(String text, String hi, String lo) {
        long[] a = Addresses.parseIpv6(text);
        assertArrayEquals(new long[] {Long.parseUnsignedLong(hex(hi), 16), Long.parseUnsignedLong(hex(lo), 16)}, a,
                text);
    }

    private static String hex(String s) {
        String t = s.replace(" ", "");
        return t.startsWith("0x") ? t.substring(2) : t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
        "g::", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "1::2:",
        "::1.2.3", "::1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0", "[::1]", "::-1", "::+1", "2001:db8::-ff",
        "1.2.3.4", "::1.2.3.4:5", "::\u0661"})
    void rejectsBadIpv6(String text) {
        assertThrows(IllegalArgumentException.class, () -> Addresses.parseIpv6(text), text);
    }

    /** RFC 5952 §4: leading zeros dropped, longest zero run of two or more compressed, lower case. */
    @ParameterizedTest
    @CsvSource({
        "2001:0db8:0000:0000:0000:0000:0002:0001,  2001:db8::2:1",       // §4.1, §4.2.1
        "2001:db8:0:1:1:1:1:1,                     2001:db8:0:1:1:1:1:1", // §4.2.2: one 0 group stays
        "2001:0:0:1:0:0:0:1,                       2001:0:0:1::1",       // §4.2.3: the longest run
        "2001:db8:0:0:1:0:0:1,                     2001:db8::1:0:0:1",   // §4.2.3: the first of equals
        "2001:DB8::AbCd,                           2001:db8::abcd",      // §4.3: lower case
        "0:0:0:0:0:0:0:0,                          ::",
        "0:0:0:0:0:0:0:1,                          ::1",
        "1:0:0:0:0:0:0:0,                          1::",
        "1:0:0:0:0:0:0:2,                          1::2",
        "0:1:0:1:0:1:0:1,                          0:1:0:1:0:1:0:1",
        "64:ff9b::192.0.2.33,                      64:ff9b::c000:221",
        "2001:db8:122:344:c0:2:2100:0,             2001:db8:122:344:c0:2:2100:0",
        "fe80:0:0:0:0:0:0:0,                       fe80::",
    })
    void formatsIpv6AsRfc5952(String input, String canonical) {
        long[] a = Addresses.parseIpv6(input);
        assertEquals(canonical, Addresses.formatIpv6(a[0], a[1]));
        ByteBuffer b = ByteBuffer.allocate(20).putLong(4, a[0]).putLong(12, a[1]);
        assertEquals(canonical, Addresses.formatIpv6(b, 4));
        assertArrayEquals(a, Addresses.parseIpv6(canonical), "canonical text parses back");
    }

    @Test
    void formatParseRoundTripOnRandomAddresses() {
        java.util.Random r = new java.util.Random(5952);
        for (int i = 0; i < 20_000; i++) {
            long hi = r.nextLong();
            long lo = r.nextLong();
            // sprinkle zero groups so compression is exercised
            for (int g = 0; g < 4; g++) {
                if (r.nextInt(3) == 0) {
                    hi &= ~(0xFFFFL << (16 * g));
                }
                if (r.nextInt(3) == 0) {
                    lo &= ~(0xFFFFL << (16 * g));
                }
            }
            String text = Addresses.formatIpv6(hi, lo);
            assertArrayEquals(new long[] {hi, lo}, Addresses.parseIpv6(text), text);
            assertEquals(text.toLowerCase(java.util.Locale.ROOT), text);
            assertEquals(-1, text.indexOf(":::"), text);
            assertEquals(text.indexOf("::"), text.lastIndexOf("::"), text);
        }
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.0/24, 192.0.2.0/24", "10.0.0.1, 10.0.0.1/32", "0.0.0.0/0, 0.0.0.0/0"})
    void parsesIpv4Prefixes(String text, String shown) {
        assertEquals(shown, Ipv4Prefix.parse(text).toString());
    }

    @ParameterizedTest
    @CsvSource({"2001:DB8::/32, 2001:db8::/32", "2001:db8::1, 2001:db8::1/128", "::/0, ::/0",
        "64:ff9b::/96, 64:ff9b::/96"})
    void parsesIpv6Prefixes(String text, String shown) {
        assertEquals(shown, Ipv6Prefix.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1/24", "192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/", "192.0.2.0/x",
        "2001:db8::1/64", "2001:db8::/129", "2001:db8::/", "::/a"})
    void rejectsBadPrefixes(String text) {
        assertThrows(IllegalArgumentException.class,
                () -> {
                    if (text.contains(":")) {
                        Ipv6Prefix.parse(text);
                    } else {
                        Ipv4Prefix.parse(text);
                    }
                });
    }
}
