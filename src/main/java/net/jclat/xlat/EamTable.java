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

    static long toIpv6Lo(EamEntry e, int v4) {
        return e.ipv6().lo() | (v4 & e.suffixMask() & 0xFFFF_FFFFL);
    }

    static int toIpv4(EamEntry e, long lo) {
        return e.ipv4().address() | ((int) lo & e.suffixMask());
    }
}
