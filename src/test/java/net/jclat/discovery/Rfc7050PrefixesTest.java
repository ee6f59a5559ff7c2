package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 7050 §3 prefix extraction. Every expected prefix and address below was worked out by hand from the
 * RFC 6052 §2.2 layout (the prefixes are those of the RFC 6052 §2.4 example table), not by the code.
 */
class Rfc7050PrefixesTest {

    static byte[] a(String ipv6) {
        try {
            byte[] b = InetAddress.getByName(ipv6).getAddress(); // a literal: never a lookup
            assertEquals(16, b.length, ipv6);
            return b;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static List<byte[]> answer(String... addresses) {
        List<byte[]> out = new ArrayList<>();
        for (String s : addresses) {
            out.add(a(s));
        }
        return out;
    }

    @ParameterizedTest(name = "/{2}: {0}")
    @CsvSource({
        "2001:db8:c000:aa::,             2001:db8::/32,          32",
        "2001:db8:c000:ab::,             2001:db8::/32,          32",
        "2001:db8:1c0:0:aa::,            2001:db8:100::/40,      40",
        "2001:db8:1c0:0:ab::,            2001:db8:100::/40,      40",
        "2001:db8:122:c000:0:aa00::,     2001:db8:122::/48,      48",
        "2001:db8:122:c000:0:ab00::,     2001:db8:122::/48,      48",
        "2001:db8:122:3c0:0:aa::,        2001:db8:122:300::/56,  56",
        "2001:db8:122:3c0:0:ab::,        2001:db8:122:300::/56,  56",
        "2001:db8:122:344:c0:0:aa00:0,   2001:db8:122:344::/64,  64",
        "2001:db8:122:344:c0:0:ab00:0,   2001:db8:122:344::/64,  64",
        "2001:db8:122:344::c000:aa,      2001:db8:122:344::/96,  96",
        "2001:db8:122:344::c000:ab,      2001:db8:122:344::/96,  96",
        "64:ff9b::c000:aa,               64:ff9b::/96,           96",
    })
    void eachRfc6052PositionGivesItsPrefixForBothWellKnownAddresses(String address, String prefix, int length) {
        assertEquals(Optional.of(Pref64.parse(prefix)), Rfc7050Prefixes.prefixOf(a(address)));
        assertEquals(length, Pref64.parse(prefix).length());
        assertTrue(Rfc7050Prefixes.suffixConforms(a(address), length));
    }

    @Test
    void searchOrderIsLongestFirst() {
        assertEquals(List.of(96, 64, 56, 48, 40, 32), Rfc7050Prefixes.SEARCH_ORDER);
    }

    @Test
    void theWellKnownAddressIsFoundOnlyWithTheUOctetSkipped() {
        // 192.0.0.170 written contiguously over bits 40-71 (no skip) puts 0xaa in the u octet.
        assertEquals(Optional.empty(), Rfc7050Prefixes.prefixOf(a("2001:db8:1c0:0:aa00::")));
        // The same over bits 64-95 for /64: 0xc0 lands in the u octet.
        assertEquals(Optional.empty(), Rfc7050Prefixes.prefixOf(a("2001:db8:122:344:c000:aa::")));
    }

    @Test
    void aNonZeroUOctetDisqualifiesTheAddressAtEveryLength() {
        // RFC 6052 §2.2: bits 64-71 MUST be zero; here 0x01 at /96 and 0xff behind a /32 embedding.
        assertEquals(Optional.empty(), Rfc7050Prefixes.prefixOf(a("2001:db8:122:344:100::c000:aa")));
        assertEquals(Optional.empty(), Rfc7050Prefixes.prefixOf(a("2001:db8:c000:aa:ff00::")));
        assertFalse(Rfc7050Prefixes.suffixConforms(a("2001:db8:c000:aa:ff00::"), 32));
        assertFalse(Rfc7050Prefixes.suffixConforms(a("2001:db8:122:344:100::c000:aa"), 96));
    }

    @Test
    void otherSuffixBitsAreOnlyShouldBeZeroAndDoNotDisqualify() {
        // bits 72-127 behind a /32 embedding are suffix, "SHOULD be zero" (RFC 6052 §2.2), ignored by translators
        assertTrue(Rfc7050Prefixes.suffixConforms(a("2001:db8:c000:aa:1::1"), 32));
        assertEquals(Optional.of(Pref64.parse("2001:db8::/32")), Rfc7050Prefixes.prefixOf(a("2001:db8:c000:aa:1::1")));
    }

    @Test
    void suffixConformsRejectsLengthsRfc6052DoesNotHave() {
        assertThrows(IllegalArgumentException.class, () -> Rfc7050Prefixes.suffixConforms(a("64:ff9b::c000:aa"), 80));
    }

    @Test
    void twoPrefixesInOneAnswerAreBothKeptInAnswerOrder() {
        List<byte[]> answer = answer("2001:db8:122:344::c000:aa", "64:ff9b::c000:aa",
                "2001:db8:122:344::c000:ab", "64:ff9b::c000:ab");
        assertEquals(List.of(Pref64.parse("2001:db8:122:344::/96"), Pref64.parse("64:ff9b::/96")),
                Rfc7050Prefixes.find(answer));
    }

    @Test
    void orderFollowsTheAnswerNotTheAddressValue() {
        List<byte[]> answer = answer("64:ff9b::c000:ab", "2001:db8:c000:aa::", "2001:db8:122:344::c000:aa");
        assertEquals(List.of(Pref64.parse("64:ff9b::/96"), Pref64.parse("2001:db8::/32"),
                Pref64.parse("2001:db8:122:344::/96")), Rfc7050Prefixes.find(answer));
    }

    @Test
    void bothWellKnownAddressesUnderOnePrefixCollapseToOne() {
        assertEquals(List.of(Pref64.parse("2001:db8:122::/48")),
                Rfc7050Prefixes.find(answer("2001:db8:122:c000:0:aa00::", "2001:db8:122:c000:0:ab00::",
                        "2001:db8:122:c000:0:aa00::")));
    }

    @Test
    void aSpoofedAnswerWithoutTheWellKnownAddressesGivesNothing() {
        assertEquals(List.of(), Rfc7050Prefixes.find(answer("2001:db8::1", "2001:db8:122:344::c000:ac",
                "2001:db8:122:344::c000:a9", "::")));
    }

    @Test
    void addressesWithoutAWellKnownAddressAreSkippedAndTheRestKept() {
        assertEquals(List.of(Pref64.parse("2001:db8:122:344::/64")),
                Rfc7050Prefixes.find(answer("2001:db8::1", "2001:db8:122:344:c0:0:ab00:0", "2001:db8::2")));
    }

    @Test
    void aWellKnownAddressFoundAtTwoPositionsIsNotUsedFromThatAddress() {
        // Prefix 2001:db8:c000:aa::/64 holds 192.0.0.170 itself at the /32 position. The record made from
        // 192.0.0.170 has it at /32 and at /64: ambiguous, so RFC 7050 §3 has the other WKA decide.
        byte[] from170 = a("2001:db8:c000:aa:c0:0:aa00:0");
        byte[] from171 = a("2001:db8:c000:aa:c0:0:ab00:0");
        assertEquals(Optional.empty(), Rfc7050Prefixes.prefixOf(from170));
        // In the 192.0.0.171 record, .171 is at /64 only; .170 (at /32, inside the prefix) is shorter and loses.
        assertEquals(Optional.of(Pref64.parse("2001:db8:c000:aa::/64")), Rfc7050Prefixes.prefixOf(from171));
        assertEquals(List.of(Pref64.parse("2001:db8:c000:aa::/64")), Rfc7050Prefixes.find(List.of(from170, from171)));
        // Alone, the ambiguous record yields nothing rather than a guess.
        assertEquals(List.of(), Rfc7050Prefixes.find(List.of(from170)));
    }

    @Test
    void aWellKnownAddressInsideAPrefixDoesNotShortenIt() {
        // 2001:db8:c000:ab::/96 holds 192.0.0.171 at /32. The record made from 192.0.0.170 holds .170 once
        // (at /96) and .171 once (at /32); the longest wins.
        assertEquals(Optional.of(Pref64.parse("2001:db8:c000:ab::/96")),
                Rfc7050Prefixes.prefixOf(a("2001:db8:c000:ab::c000:aa")));
    }

    @Test
    void anAddressMustHaveSixteenBytes() {
        assertThrows(IllegalArgumentException.class, () -> Rfc7050Prefixes.prefixOf(new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> Rfc7050Prefixes.find(List.of(new byte[15])));
    }
}
