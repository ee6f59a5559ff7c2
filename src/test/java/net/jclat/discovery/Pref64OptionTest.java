package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 8781 §4/§4.1/§5.1 PREF64 options and the RFC 4861 §6.1.2 checks on the RA that carries them. Every
 * message is written out byte by byte here, in hex, never produced by the code under test.
 */
class Pref64OptionTest {
    private static final String ROUTER = "fe80::1";

    /** RA header, RFC 4861 §4.2: type 134, code 0, checksum 0 (unchecked here), hop limit 64, no flags. */
    private static byte[] ra(String routerLifetimeHex, String... options) {
        return message("86", "00", routerLifetimeHex, options);
    }

    private static byte[] message(String type, String code, String routerLifetimeHex, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex(type + code + "0000" + "40" + "00" + routerLifetimeHex + "00000000" + "00000000"));
        for (String o : options) {
            out.writeBytes(hex(o));
        }
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** A PREF64 option: type 0x26, length 2, the 16-bit lifetime/PLC word, 12 prefix bytes. */
    private static String pref64(String word, String prefix96) {
        return "26 02 " + word + " " + prefix96;
    }

    private static Pref64Option.Parsed parse(byte[] ra) throws MalformedRaException {
        return Pref64Option.parse(ra, ROUTER);
    }

    @ParameterizedTest(name = "PLC {0} is /{2}")
    @CsvSource({
        // plc, lifetime|plc word, prefix length, 96 prefix bits, expected prefix
        "0, 0708, 96, 20010db8 00640000 00000000, 2001:db8:64::/96",
        "1, 0709, 64, 20010db8 00010002 00000000, 2001:db8:1:2::/64",
        "2, 070a, 56, 20010db8 00010200 00000000, 2001:db8:1:200::/56",
        "3, 070b, 48, 20010db8 00010000 00000000, 2001:db8:1::/48",
        "4, 070c, 40, 20010db8 01000000 00000000, 2001:db8:100::/40",
        "5, 070d, 32, 20010db8 00000000 00000000, 2001:db8::/32",
    })
    void rfc8781Section4PrefixLengthCodes(int plc, String word, int length, String bits, String expected)
            throws Exception {
        Pref64Option.Parsed p = parse(ra("0708", pref64(word, bits)));
        assertEquals(1, p.prefixes().size(), p.toString());
        DiscoveredPrefix d = p.prefixes().get(0);
        assertEquals(Pref64.parse(expected), d.prefix());
        assertEquals(length, d.prefix().length());
        assertEquals(length, Pref64Option.prefixLength(plc));
        assertEquals(1800, d.lifetimeSeconds(), "0x0708 >> 3 = 225 units of 8 s");
        assertEquals(PrefixSource.RA, d.source());
        assertEquals(ROUTER, d.origin());
        assertEquals(List.of(), p.ignored());
    }

    @ParameterizedTest(name = "word {0} is {1} s")
    @CsvSource({
        "fff8, 65528", // 8191 x 8, the largest the 13 bits carry
        "0008, 8", // 1 x 8
        "0010, 16",
        "8000, 32768", // top bit of the 13: 4096 x 8
        "0000, 0", // withdrawal
    })
    void rfc8781Section4_1ScaledLifetimeIsMultipliedBy8(String word, long seconds) throws Exception {
        Pref64Option.Parsed p = parse(ra("0000", pref64(word, "0064ff9b 00000000 00000000")));
        assertEquals(1, p.prefixes().size());
        assertEquals(seconds, p.prefixes().get(0).lifetimeSeconds());
        assertEquals(Pref64.WELL_KNOWN, p.prefixes().get(0).prefix().prefix());
    }

    @Test
    void rfc8781Section4_1ZeroLifetimeIsReportedAsAWithdrawalNotDropped() throws Exception {
        Pref64Option.Parsed p = parse(ra("0708", pref64("0000", "20010db8 00640000 00000000")));
        assertEquals(1, p.prefixes().size(), "a withdrawal must reach the caller so it can stop using the prefix");
        assertEquals(0, p.prefixes().get(0).lifetimeSeconds());
        assertEquals(Pref64.parse("2001:db8:64::/96"), p.prefixes().get(0).prefix());
    }

    @Test
    void rfc8781Section4BitsBeyondThePrefixLengthAreIgnored() throws Exception {
        // PLC 5 (/32) followed by 64 bits of ones; PLC 1 (/64) with ones in bits 64-95 (incl. the u octet).
        Pref64Option.Parsed p = parse(ra("0708",
                pref64("070d", "20010db8 ffffffff ffffffff"),
                pref64("0709", "20010db8 00010002 ffffffff"),
                pref64("070c", "20010db8 01ffffff ffffffff")));
        assertEquals(List.of(Pref64.parse("2001:db8::/32"), Pref64.parse("2001:db8:1:2::/64"),
                Pref64.parse("2001:db8:100::/40")), p.prefixes().stream().map(DiscoveredPrefix::prefix).toList());
        assertEquals(List.of(), p.ignored());
    }

    @Test
    void rfc8781Section4InvalidPlc6And7AreIgnoredAndOtherOptionsStillParse() throws Exception {
        Pref64Option.Parsed p = parse(ra("0708",
                pref64("070e", "20010db8 00000000 00000000"), // PLC 6
                pref64("0708", "20010db8 00640000 00000000"),
                pref64("070f", "20010db8 00000000 00000000"))); // PLC 7
        assertEquals(List.of(Pref64.parse("2001:db8:64::/96")),
                p.prefixes().stream().map(DiscoveredPrefix::prefix).toList());
        assertEquals(2, p.ignored().size(), p.ignored().toString());
        assertTrue(p.ignored().get(0).contains("code 6"), p.ignored().toString());
        assertTrue(p.ignored().get(1).contains("code 7"), p.ignored().toString());
        assertEquals(-1, Pref64Option.prefixLength(6));
        assertEquals(-1, Pref64Option.prefixLength(7));
    }

    @Test
    void rfc8781Section4LengthOtherThan2IsIgnoredNotFatal() throws Exception {
        // Length 1 (8 bytes) and length 3 (24 bytes) are well-formed ND options, so the walk goes on past them.
        Pref64Option.Parsed p = parse(ra("0708",
                "26 01 0708 00640000",
                "26 03 0708 20010db8 00650000 00000000 00000000 00000000",
                "05 01 0000 000005dc", // MTU 1500
                pref64("0708", "20010db8 00640000 00000000")));
        assertEquals(List.of(Pref64.parse("2001:db8:64::/96")),
                p.prefixes().stream().map(DiscoveredPrefix::prefix).toList());
        assertEquals(2, p.ignored().size(), p.ignored().toString());
        assertTrue(p.ignored().get(0).contains("length 1"), p.ignored().toString());
        assertTrue(p.ignored().get(1).contains("length 3"), p.ignored().toString());
    }

    @Test
    void rfc8781Section5_1MultipleOptionsInOneRaAreAllReportedInOrder() throws Exception {
        // Graceful renumbering: the old prefix withdrawn, the new one announced, in the same RA.
        Pref64Option.Parsed p = parse(ra("0708",
                pref64("0000", "0064ff9b 00000000 00000000"),
                pref64("0709", "20010db8 00aa00bb 00000000")));
        assertEquals(2, p.prefixes().size());
        assertEquals(Pref64.WELL_KNOWN, p.prefixes().get(0).prefix().prefix());
        assertEquals(0, p.prefixes().get(0).lifetimeSeconds());
        assertEquals(Pref64.parse("2001:db8:aa:bb::/64"), p.prefixes().get(1).prefix());
        assertEquals(1800, p.prefixes().get(1).lifetimeSeconds());
    }

    @Test
    void rfc4861Section6_1_2OtherOptionsAreSkipped() throws Exception {
        Pref64Option.Parsed p = parse(ra("0708",
                "01 01 020000000001", // SLLAO 02:00:00:00:00:01
                "03 04 40c0 00278d00 00093a80 00000000 20010db8 00010000 00000000 00000000", // PIO /64
                "05 01 0000 000005dc", // MTU
                "19 03 0000 00000e10 20010db8 00000000 00000000 00000053", // RDNSS
                "fe 01 000000000000", // unknown type
                pref64("0709", "20010db8 00010002 00000000")));
        assertEquals(List.of(Pref64.parse("2001:db8:1:2::/64")),
                p.prefixes().stream().map(DiscoveredPrefix::prefix).toList());
        assertEquals(List.of(), p.ignored());
    }

    @Test
    void rfc4861Section4_2RouterLifetimeIsExposed() throws Exception {
        assertEquals(1800, parse(ra("0708")).routerLifetime());
        assertEquals(65535, parse(ra("ffff")).routerLifetime());
        assertEquals(0, parse(ra("0000")).routerLifetime());
    }

    @Test
    void raWithoutPref64IsValidAndReportsNoPrefix() throws Exception {
        Pref64Option.Parsed p = parse(ra("0708", "05 01 0000 000005dc"));
        assertEquals(List.of(), p.prefixes());
        assertEquals(1800, p.routerLifetime());
    }

    @Test
    void rfc4861Section6_1_2ZeroLengthOptionRejectsTheWholeRa() {
        MalformedRaException e = assertThrows(MalformedRaException.class, () -> parse(ra("0708",
                pref64("0708", "20010db8 00640000 00000000"), "05 00 0000 000005dc")));
        assertTrue(e.reason().contains("length 0"), e.reason());
        // a zero-length PREF64 too: not "ignored", the RA is gone
        assertThrows(MalformedRaException.class, () -> parse(ra("0708", "26 00 0708 00000000")));
    }

    @Test
    void rfc4861Section4_6TruncatedOptionRejectsTheWholeRa() {
        // A PREF64 that claims 16 bytes with 8 present.
        MalformedRaException e = assertThrows(MalformedRaException.class,
                () -> parse(ra("0708", "26 02 0708 20010db8")));
        assertTrue(e.reason().contains("truncated") || e.reason().contains("left"), e.reason());
        // One stray byte after the last option: not even an option header.
        assertThrows(MalformedRaException.class,
                () -> parse(ra("0708", pref64("0708", "20010db8 00640000 00000000"), "26")));
    }

    @Test
    void rfc4861Section6_1_2ShortMessageIsRejected() {
        byte[] full = ra("0708");
        byte[] short15 = java.util.Arrays.copyOf(full, 15);
        MalformedRaException e = assertThrows(MalformedRaException.class, () -> parse(short15));
        assertTrue(e.reason().contains("16"), e.reason());
        assertThrows(MalformedRaException.class, () -> parse(new byte[0]));
    }

    @Test
    void rfc4861Section6_1_2NonZeroCodeIsRejected() {
        assertThrows(MalformedRaException.class,
                () -> parse(message("86", "01", "0708", pref64("0708", "20010db8 00640000 00000000"))));
    }

    @Test
    void aMessageThatIsNotAnRaIsRejected() {
        assertThrows(MalformedRaException.class, () -> parse(message("85", "00", "0000"))); // RS
    }

    @Test
    void rfc6052Section2_2SlashNinetySixWithTheUOctetSetIsIgnored() throws Exception {
        Pref64Option.Parsed p = parse(ra("0708",
                pref64("0708", "20010db8 00000000 01000000"),
                pref64("0708", "20010db8 00000000 00000000")));
        assertEquals(List.of(Pref64.parse("2001:db8::/96")),
                p.prefixes().stream().map(DiscoveredPrefix::prefix).toList());
        assertEquals(1, p.ignored().size(), p.ignored().toString());
    }

    @Test
    void parsesAtAnOffsetInsideALargerBuffer() throws Exception {
        byte[] msg = ra("0708", pref64("0708", "20010db8 00640000 00000000"));
        byte[] buf = new byte[msg.length + 20];
        System.arraycopy(msg, 0, buf, 7, msg.length);
        buf[7 + msg.length] = 0x26; // garbage after the message must not be read as an option
        Pref64Option.Parsed p = Pref64Option.parse(buf, 7, msg.length, ROUTER);
        assertEquals(1, p.prefixes().size());
    }

    @Test
    void hostileBytesNeverRaiseAnUncheckedException() {
        Random r = new Random(8781);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length > 1) {
                b[0] = (byte) 134;
                b[1] = 0;
            }
            // bias towards PREF64-looking options
            for (int at = 16; at + 1 < b.length; at += 8) {
                if (r.nextInt(3) == 0) {
                    b[at] = 38;
                    b[at + 1] = (byte) r.nextInt(4);
                }
            }
            try {
                Pref64Option.parse(b, ROUTER);
            } catch (MalformedRaException e) {
                rejected++;
            } catch (RuntimeException e) {
                fail("unchecked " + e + " on " + HexFormat.of().formatHex(b), e);
            }
        }
        assertTrue(rejected > 0 && rejected < 20_000, "the random input should hit both outcomes: " + rejected);
    }
}
