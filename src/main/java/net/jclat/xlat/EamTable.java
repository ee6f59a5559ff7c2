package net.jclat.xlat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The EAM table of RFC 7757: longest-prefix match in both directions (§3.3 and §3.4). Entries are kept
 * twice, sorted by IPv4 and by IPv6 prefix length, longest first, so the first hit is the longest match.
 * A linear scan is the right tool for the tens of entries a CLAT or an edge relay holds.
 */
public final class EamTable {
    public static final EamTable EMPTY = new EamTable(List.of());

    private final EamEntry[] byIpv4;
    private final EamEntry[] byIpv6;

    public EamTable(List<EamEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                EamEntry a = entries.get(i);
                EamEntry b = entries.get(j);
                if (a.ipv4().equals(b.ipv4()) || a.ipv6().equals(b.ipv6())) {
                    throw new IllegalArgumentException("EAMs " + a + " and " + b + " map the same prefix twice");
                }
            }
        }
        List<EamEntry> v4 = new ArrayList<>(entries);
        v4.sort(Comparator.comparingInt((EamEntry e) -> e.ipv4().length()).reversed());
        List<EamEntry> v6 = new ArrayList<>(entries);
        v6.sort(Comparator.comparingInt((EamEntry e) -> e.ipv6().length()).reversed());
        this.byIpv4 = v4.toArray(new EamEntry[0]);
        this.byIpv6 = v6.toArray(new EamEntry[0]);
    }

    public List<EamEntry> entries() {
        return List.of(byIpv4);
    }

    public boolean isEmpty() {
        return byIpv4.length == 0;
    }

    /** The longest entry whose IPv4 prefix holds {@code v4}, or null. */
    public EamEntry matchIpv4(int v4) {
        for (EamEntry e : byIpv4) {
            if (e.ipv4().contains(v4)) {
                return e;
            }
        }
        return null;
    }

    /** The longest entry whose IPv6 prefix holds the address, or null. */
    public EamEntry matchIpv6(long hi, long lo) {
        for (EamEntry e : byIpv6) {
            if (e.ipv6().contains(hi, lo)) {
                return e;
            }
        }
        return null;
    }

    /** RFC 7757 §3.3.1: the IPv4 suffix bits placed right after the IPv6 prefix, trailing bits zero. */
    static long toIpv6Hi(EamEntry e, int v4) {
        return e.ipv6().hi() | suffixAt(e, v4, true);
    }

    static long toIpv6Lo(EamEntry e, int v4) {
        return e.ipv6().lo() | suffixAt(e, v4, false);
    }

    private static long suffixAt(EamEntry e, int v4, boolean high) {
        int k = 32 - e.ipv4().length();
        if (k == 0) {
            return 0;
        }
        long suffix = v4 & 0xFFFF_FFFFL & (-1L >>> (64 - k));
        int end = e.ipv6().length() + k; // bit index just after the suffix, counted from the top
        if (end <= 64) {
            return high ? suffix << (64 - end) : 0;
        }
        if (e.ipv6().length() >= 64) {
            return high ? 0 : suffix << (128 - end);
        }
        int inLo = end - 64; // straddles the two halves
        return high ? suffix >>> inLo : suffix << (64 - inLo);
    }

    /** RFC 7757 §3.3.2: the bits right after the IPv6 prefix, as many as the IPv4 suffix has. */
    static int toIpv4(EamEntry e, long hi, long lo) {
        int k = 32 - e.ipv4().length();
        if (k == 0) {
            return e.ipv4().address();
        }
        int start = e.ipv6().length();
        int end = start + k;
        long suffix;
        if (end <= 64) {
            suffix = hi >>> (64 - end);
        } else if (start >= 64) {
            suffix = lo >>> (128 - end);
        } else {
            int inLo = end - 64;
            suffix = hi << inLo | lo >>> (64 - inLo);
        }
        return e.ipv4().address() | (int) (suffix & (-1L >>> (64 - k)));
    }
}
