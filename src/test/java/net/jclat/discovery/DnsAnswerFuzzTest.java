package net.jclat.discovery;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.WireParseException;

/**
 * Coverage-guided fuzzing of RFC 7050 prefix discovery on what a DNS server (or a spoofer) can send: the wire
 * bytes go through dnsjava's parser ({@code new Message(bytes)}, as {@code SimpleResolver} does with an answer)
 * and then through {@link DnsDiscovery#interpret}, the path that turns a response into prefixes. Allowed: dnsjava's
 * documented {@link WireParseException} (an {@link IOException}) for bytes that are not a DNS message, or a
 * {@link DnsResult}. Every prefix found must have an RFC 6052 §2.2 length and come from an AAAA record of the
 * answer that holds 192.0.0.170 or 192.0.0.171 at that length's position (RFC 7050 §3), checked by this test's
 * own RFC 6052 reading; its lifetime is the TTL of such a record. Also fuzzes {@link Rfc7050Prefixes#prefixOf} on
 * bare 16-byte addresses.
 *
 * <p>Seeds: {@code src/test/resources/net/jclat/discovery/DnsAnswerFuzzTestInputs/}, answers captured from a
 * real unbound with DNS64 and built with dnsjava by {@link DiscoveryFuzzSeeds}.
 */
class DnsAnswerFuzzTest {
    private static final Set<Integer> LENGTHS = Set.of(32, 40, 48, 56, 64, 96);
    private static final int WKA_170 = 0xC000_00AA;
    private static final int WKA_171 = 0xC000_00AB;

    @FuzzTest(maxDuration = "30s")
    void ipv4onlyArpaAnswer(byte[] wire) {
        Message response;
        try {
            response = new Message(wire);
        } catch (IOException e) {
            return; // WireParseException: not a DNS message; SimpleResolver reports it as an I/O error
        }
        DnsResult r = DnsDiscovery.interpret(response, "192.0.2.53");
        if (r.outcome() == DnsResult.Outcome.FOUND) {
            List<Record> answer = response.getSection(Section.ANSWER);
            for (DiscoveredPrefix p : r.prefixes()) {
                if (p.source() != PrefixSource.DNS || !"192.0.2.53".equals(p.origin())) {
                    throw new AssertionError("source/origin wrong: " + p);
                }
                if (!derivedFromAWka(p, answer)) {
                    throw new AssertionError(p + " comes from no AAAA record with a WKA at its position: " + response);
                }
            }
        } else if (!r.prefixes().isEmpty()) {
            throw new AssertionError(r.outcome() + " with prefixes");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void synthesisedAddress(byte[] address) {
        if (address.length != 16) {
            return;
        }
        Optional<Pref64> p = Rfc7050Prefixes.prefixOf(address);
        if (p.isPresent() && !holdsWka(p.get().prefix(), address)) {
            throw new AssertionError(p.get() + " from an address without a WKA at its position: "
                    + RaFuzzTest.hex(address));
        }
    }

    private static boolean derivedFromAWka(DiscoveredPrefix p, List<Record> answer) {
        for (Record r : answer) {
            if (r instanceof AAAARecord a && a.getTTL() == p.lifetimeSeconds()
                    && holdsWka(p.prefix().prefix(), a.rdataToWireCanonical())) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6052 §2.2, read independently: the prefix's bits match and a WKA sits at its length's octets. */
    static boolean holdsWka(Ipv6Prefix prefix, byte[] a) {
        int length = prefix.length();
        if (!LENGTHS.contains(length) || a.length != 16 || a[8] != 0) {
            return false; // bits 64-71 (u) are zero in every RFC 6052 address
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | a[i] & 0xFF;
            lo = lo << 8 | a[8 + i] & 0xFF;
        }
        long maskHi = length >= 64 ? -1L : -1L << (64 - length);
        long maskLo = length <= 64 ? 0 : -1L << (128 - length);
        if ((hi & maskHi) != prefix.hi() || (lo & maskLo) != prefix.lo()) {
            return false;
        }
        int[] octets = switch (length) {
            case 32 -> new int[] {4, 5, 6, 7};
            case 40 -> new int[] {5, 6, 7, 9};
            case 48 -> new int[] {6, 7, 9, 10};
            case 56 -> new int[] {7, 9, 10, 11};
            case 64 -> new int[] {9, 10, 11, 12};
            default -> new int[] {12, 13, 14, 15};
        };
        int v4 = 0;
        for (int o : octets) {
            v4 = v4 << 8 | a[o] & 0xFF;
        }
        return v4 == WKA_170 || v4 == WKA_171;
    }
}
