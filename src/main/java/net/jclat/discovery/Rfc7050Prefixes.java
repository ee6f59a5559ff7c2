package net.jclat.discovery;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;

/**
 * RFC 7050 §3: the NAT64 prefixes (Pref64::/n) in the AAAA answer for {@code ipv4only.arpa}. The DNS64
 * synthesises one AAAA record per A record of that name, 192.0.0.170 and 192.0.0.171 (the well-known IPv4
 * addresses, WKA, RFC 7050 §2.2), so each address holds one WKA at one of the RFC 6052 §2.2 positions, and
 * that position gives the prefix length. Pure: no I/O, no state.
 */
public final class Rfc7050Prefixes {
    /** 192.0.0.170, RFC 7050 §2.2 and §8.2. */
    public static final int WKA_PRIMARY = 0xC000_00AA;
    /** 192.0.0.171, RFC 7050 §2.2 and §8.2. */
    public static final int WKA_SECONDARY = 0xC000_00AB;
    /** The RFC 6052 §2.2 prefix lengths, longest first: the order the positions are searched in. */
    public static final List<Integer> SEARCH_ORDER = List.of(96, 64, 56, 48, 40, 32);

    private Rfc7050Prefixes() {
    }

    /**
     * The distinct prefixes found in the answer, in answer order. RFC 7050 §3: the node looks through all of
     * the AAAA records and keeps every Pref64::/n, in the order received; an address without a WKA (a native
     * AAAA record or a spoofed answer, RFC 7050 §7) contributes nothing.
     */
    public static List<Pref64> find(List<byte[]> answer) {
        Set<Pref64> found = new LinkedHashSet<>();
        for (byte[] address : answer) {
            prefixOf(address).ifPresent(found::add);
        }
        return List.copyOf(found);
    }

    /**
     * The prefix one synthesised address was made with, if it can be told.
     * <ul>
     * <li>Only positions where the u octet (bits 64–71) is zero are considered: RFC 6052 §2.2 says it MUST
     *     be, so an address with it set was not made by an RFC 6052 translator at any length.</li>
     * <li>A WKA that appears at more than one position leaves its prefix length open (the prefix itself holds
     *     the WKA's bits); RFC 7050 §3 then has the node use the other WKA, which is why there are two
     *     (§2.2). Such a WKA is not used from this address: the record the DNS64 synthesised from the other
     *     WKA decides.</li>
     * <li>Of what remains, the longest prefix wins. With a zero suffix (RFC 6052 §2.2) an accidental match
     *     can only lie inside the prefix, that is at a shorter length, never at a longer one.</li>
     * </ul>
     */
    public static Optional<Pref64> prefixOf(byte[] address) {
        long hi = half(address, 0);
        long lo = half(address, 8);
        if (!uOctetIsZero(lo)) {
            return Optional.empty();
        }
        Pref64[] candidates = new Pref64[SEARCH_ORDER.size()];
        int[] embedded = new int[candidates.length];
        int primaryHits = 0;
        int secondaryHits = 0;
        for (int i = 0; i < candidates.length; i++) {
            int length = SEARCH_ORDER.get(i);
            candidates[i] = new Pref64(new Ipv6Prefix(hi & maskHi(length), lo & maskLo(length), length));
            embedded[i] = candidates[i].extract(hi, lo);
            primaryHits += embedded[i] == WKA_PRIMARY ? 1 : 0;
            secondaryHits += embedded[i] == WKA_SECONDARY ? 1 : 0;
        }
        for (int i = 0; i < candidates.length; i++) {
            boolean unique = embedded[i] == WKA_PRIMARY && primaryHits == 1
                    || embedded[i] == WKA_SECONDARY && secondaryHits == 1;
            if (unique) {
                return Optional.of(candidates[i]);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the bits of {@code address} outside the prefix and the embedded IPv4 address are as RFC 6052
     * §2.2 requires for a {@code prefixLength} NAT64 prefix: bits 64–71 (the u octet) MUST be zero. The
     * other suffix bits SHOULD be zero but are ignored by translators, so they are not checked. For /96 the u
     * octet lies in the prefix and must be zero as well.
     */
    public static boolean suffixConforms(byte[] address, int prefixLength) {
        if (!SEARCH_ORDER.contains(prefixLength)) {
            throw new IllegalArgumentException("RFC 6052 §2.2 allows prefix lengths 32, 40, 48, 56, 64 and 96, got "
                    + prefixLength);
        }
        return uOctetIsZero(half(address, 8));
    }

    private static boolean uOctetIsZero(long lo) {
        return (lo >>> 56) == 0;
    }

    private static long maskHi(int length) {
        return length >= 64 ? -1L : -1L << (64 - length);
    }

    private static long maskLo(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    private static long half(byte[] address, int off) {
        if (address.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, got " + address.length);
        }
        long v = 0;
        for (int i = off; i < off + 8; i++) {
            v = v << 8 | (address[i] & 0xFF);
        }
        return v;
    }
}
