package net.jclat.xlat;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Maps one address at a time between IPv4 and IPv6. Order (RFC 7757 §3.3 puts EAM before RFC 6052):
 * CLAT single address, dedicated prefixes, EAM table, then the NAT64 prefix.
 *
 * <p>"Local" addresses are the translator's own side (the IPv4 source of an outbound packet, the IPv6
 * destination of an inbound one). A CLAT maps only its own local addresses; a SIIT also maps local
 * addresses with the NAT64 prefix ({@link XlatConfig#pref64ForLocal()}).
 */
public final class AddressMapper {
    /** Result codes of {@link #toIpv4}, negative so they never collide with an address. */
    public static final long NOT_MAPPED = -1;
    public static final long NON_GLOBAL = -2;
    public static final long NO_PREF64 = -3;

    private final XlatConfig config;
    private final Pref64 pref64;
    private final boolean hasClat;
    private final int clatV4;
    private final long clatV6Hi;
    private final long clatV6Lo;
    private final DedicatedPrefix[] dedicated;
    private final EamTable eams;
    private final boolean pref64ForLocal;
    private final boolean enforceWkpRule;

    public AddressMapper(XlatConfig c) {
        this.config = c;
        this.pref64 = c.pref64();
        this.hasClat = c.clatIpv4() != null;
        this.clatV4 = hasClat ? c.clatIpv4().address() : 0;
        this.clatV6Hi = hasClat ? c.clatIpv6().hi() : 0;
        this.clatV6Lo = hasClat ? c.clatIpv6().lo() : 0;
        this.dedicated = c.dedicatedPrefixes().toArray(new DedicatedPrefix[0]);
        this.eams = new EamTable(c.eams());
        this.pref64ForLocal = c.pref64ForLocal();
        this.enforceWkpRule = pref64 != null && pref64.isWellKnown() && !c.allowWkpNonGlobal();
    }

    /** The configuration this mapper was built from: one snapshot, swapped whole on a change. */
    public XlatConfig config() {
        return config;
    }

    public Pref64 pref64() {
        return pref64;
    }

    public EamTable eams() {
        return eams;
    }

    List<DedicatedPrefix> dedicatedPrefixes() {
        return List.of(dedicated);
    }

    /**
     * Writes the IPv6 form of {@code v4} at {@code out[off..off+16)}. {@code useEam} false skips the EAM
     * table, as the hairpinning rules of RFC 7757 §4.2.1 require for some addresses.
     *
     * @return 0 on success, else {@link #NOT_MAPPED}, {@link #NON_GLOBAL} or {@link #NO_PREF64}
     */
    public long toIpv6(int v4, boolean local, boolean useEam, ByteBuffer out, int off) {
        if (hasClat && v4 == clatV4) {
            out.putLong(off, clatV6Hi).putLong(off + 8, clatV6Lo);
            return 0;
        }
        for (DedicatedPrefix d : dedicated) {
            if (d.ipv4().contains(v4)) {
                out.putLong(off, d.ipv6().embedHi(v4)).putLong(off + 8, d.ipv6().embedLo(v4));
                return 0;
            }
        }
        EamEntry e = useEam ? eams.matchIpv4(v4) : null;
        if (e != null) {
            out.putLong(off, EamTable.toIpv6Hi(e, v4)).putLong(off + 8, EamTable.toIpv6Lo(e, v4));
            return 0;
        }
        if (local && !pref64ForLocal) {
            return NOT_MAPPED;
        }
        if (pref64 == null) {
            return NO_PREF64;
        }
        if (enforceWkpRule && NonGlobalIpv4.isNonGlobal(v4)) {
            return NON_GLOBAL; // RFC 6052 §3.1
        }
        out.putLong(off, pref64.embedHi(v4)).putLong(off + 8, pref64.embedLo(v4));
        return 0;
    }

    /**
     * The IPv4 form of the IPv6 address {@code hi:lo}.
     *
     * @return the address as an unsigned value (0..2^32-1), else {@link #NOT_MAPPED}, {@link #NON_GLOBAL}
     *     or {@link #NO_PREF64}
     */
    public long toIpv4(long hi, long lo, boolean local) {
        if (hasClat && hi == clatV6Hi && lo == clatV6Lo) {
            return clatV4 & 0xFFFF_FFFFL;
        }
        for (DedicatedPrefix d : dedicated) {
            if (d.ipv6().contains(hi, lo)) {
                int v4 = d.ipv6().extract(hi, lo);
                if (d.ipv4().contains(v4)) {
                    return v4 & 0xFFFF_FFFFL;
                }
            }
        }
        EamEntry e = eams.matchIpv6(hi, lo);
        if (e != null) {
            return EamTable.toIpv4(e, hi, lo) & 0xFFFF_FFFFL;
        }
        if (local && !pref64ForLocal) {
            return NOT_MAPPED;
        }
        if (pref64 == null) {
            return NO_PREF64;
        }
        if (!pref64.contains(hi, lo)) {
            return NOT_MAPPED;
        }
        int v4 = pref64.extract(hi, lo);
        if (enforceWkpRule && NonGlobalIpv4.isNonGlobal(v4)) {
            return NON_GLOBAL; // RFC 6052 §3.1
        }
        return v4 & 0xFFFF_FFFFL;
    }

    /**
     * True when an IPv4 address is one of ours: the CLAT address, inside a dedicated prefix, or — for an
     * edge relay, which runs without hairpinning — inside an EAM. RFC 7756 §6: a packet from the IPv6 side
     * must not arrive looking as if we sent it.
     */
    public boolean isOwnIpv4(int v4) {
        if (hasClat && v4 == clatV4) {
            return true;
        }
        for (DedicatedPrefix d : dedicated) {
            if (d.ipv4().contains(v4)) {
                return true;
            }
        }
        return !config.hairpinning() && eams.matchIpv4(v4) != null;
    }

    /** True when an IPv4 address is covered by an EAM (RFC 7757 §4.2.2 condition A3). */
    public boolean isEamIpv4(int v4) {
        return eams.matchIpv4(v4) != null;
    }

    /** True when the IPv6 address maps through an EAM rather than the CLAT address, a dedicated prefix or RFC 6052. */
    public boolean isEamIpv6(long hi, long lo) {
        return !(hasClat && hi == clatV6Hi && lo == clatV6Lo) && eams.matchIpv6(hi, lo) != null;
    }
}
