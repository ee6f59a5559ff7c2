package net.jclat.xlat;

import java.util.List;

/**
 * Everything the translation core needs to know, immutable. Built once at start (and on reload), read on
 * the hot path only through the objects derived from it.
 *
 * @param pref64 NAT64 prefix, or null while none is known (remote addresses then cannot be mapped)
 * @param clatIpv4 CLAT single address (RFC 6877 §6.3 "one IPv4 address"), or null
 * @param clatIpv6 the IPv6 address it maps to, or null
 * @param dedicatedPrefixes IPv4 subnets embedded 1:1 in a dedicated IPv6 prefix
 * @param eams explicit address mappings (RFC 7757)
 * @param pref64ForLocal SIIT behaviour: local-side addresses (IPv4 source, IPv6 destination) may also be
 *     mapped with the NAT64 prefix; a CLAT says false so it only translates its own addresses
 * @param allowWkpNonGlobal lift the RFC 6052 §3.1 ban on non-global IPv4 in 64:ff9b::/96
 * @param translatorIpv4 address or RFC 6791 pool that sources ICMPv4 errors the translator makes or whose
 *     IPv6 source cannot be mapped
 * @param translatorIpv6 address that sources ICMPv6 errors the translator makes, or null for none
 * @param lowestIpv6Mtu DF=0 IPv4 packets are fragmented to fit this (RFC 7915 §4, default 1280)
 * @param ipv4Mtu next-hop MTU on the IPv4 side
 * @param ipv6Mtu next-hop MTU on the IPv6 side
 * @param udpZeroChecksum policy for IPv4 UDP with checksum zero
 * @param ignoreTos set the IPv6 traffic class to zero instead of copying the TOS (RFC 7915 §4.1 SHOULD)
 * @param sendIcmpErrors whether the translator originates ICMP errors at all (RFC 7915 §4.4/§5.4 SHOULD)
 * @param icmpErrorsPerSecond rate limit of the ICMP errors one worker originates (burst of as many); 0 = none
 * @param hairpinning RFC 7757 §4.2 hairpinning (SHOULD be on by default); off for an RFC 7756 edge relay,
 *     whose EAMs describe its own IPv4 service addresses and so must translate IPv4 sources
 */
public record XlatConfig(
        Pref64 pref64,
        Ipv4Prefix clatIpv4,
        Ipv6Prefix clatIpv6,
        List<DedicatedPrefix> dedicatedPrefixes,
        List<EamEntry> eams,
        boolean pref64ForLocal,
        boolean allowWkpNonGlobal,
        Ipv4Prefix translatorIpv4,
        Ipv6Prefix translatorIpv6,
        int lowestIpv6Mtu,
        int ipv4Mtu,
        int ipv6Mtu,
        UdpZeroChecksum udpZeroChecksum,
        boolean ignoreTos,
        boolean sendIcmpErrors,
        boolean hairpinning,
        int icmpErrorsPerSecond) {

    /** RFC 7600: the IPv4 dummy address, for translators that have no IPv4 address of their own. */
    public static final Ipv4Prefix IPV4_DUMMY = Ipv4Prefix.parse("192.0.0.8/32");

    public XlatConfig {
        dedicatedPrefixes = List.copyOf(dedicatedPrefixes);
        eams = List.copyOf(eams);
        if ((clatIpv4 == null) != (clatIpv6 == null)) {
            throw new IllegalArgumentException("--clat-v4 and --clat-v6 go together");
        }
        if (clatIpv4 != null && clatIpv4.length() != 32) {
            throw new IllegalArgumentException("the CLAT IPv4 address must be a single address, got " + clatIpv4);
        }
        if (clatIpv6 != null && clatIpv6.length() != 128) {
            throw new IllegalArgumentException("the CLAT IPv6 address must be a single address, got " + clatIpv6);
        }
        if (translatorIpv6 != null && translatorIpv6.length() != 128) {
            throw new IllegalArgumentException("the translator IPv6 address must be a single address, got "
                    + translatorIpv6);
        }
        if (translatorIpv4 == null) {
            throw new IllegalArgumentException("a translator IPv4 address or pool is required");
        }
        requireRange("lowest IPv6 MTU", lowestIpv6Mtu, 1280, 65535);
        requireRange("IPv6 MTU", ipv6Mtu, 1280, 65535);
        requireRange("IPv4 MTU", ipv4Mtu, 68, 65535);
        if (lowestIpv6Mtu > ipv6Mtu) {
            throw new IllegalArgumentException("the lowest IPv6 MTU (" + lowestIpv6Mtu
                    + ") cannot exceed the IPv6 MTU (" + ipv6Mtu + ")");
        }
        if (udpZeroChecksum == null) {
            throw new IllegalArgumentException("UDP zero checksum policy is required");
        }
        if (icmpErrorsPerSecond < 0) {
            throw new IllegalArgumentException("ICMP errors per second must not be negative, got " + icmpErrorsPerSecond);
        }
    }

    private static void requireRange(String what, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + v);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.pref64 = pref64;
        b.clatIpv4 = clatIpv4;
        b.clatIpv6 = clatIpv6;
        b.dedicatedPrefixes = dedicatedPrefixes;
        b.eams = eams;
        b.pref64ForLocal = pref64ForLocal;
        b.allowWkpNonGlobal = allowWkpNonGlobal;
        b.translatorIpv4 = translatorIpv4;
        b.translatorIpv6 = translatorIpv6;
        b.lowestIpv6Mtu = lowestIpv6Mtu;
        b.ipv4Mtu = ipv4Mtu;
        b.ipv6Mtu = ipv6Mtu;
        b.udpZeroChecksum = udpZeroChecksum;
        b.ignoreTos = ignoreTos;
        b.sendIcmpErrors = sendIcmpErrors;
        b.hairpinning = hairpinning;
        b.icmpErrorsPerSecond = icmpErrorsPerSecond;
        return b;
    }

    /** Defaults: SIIT behaviour, no CLAT address, 192.0.0.8 for ICMPv4 errors, MTUs 1280/1500/1500. */
    public static final class Builder {
        private Pref64 pref64;
        private Ipv4Prefix clatIpv4;
        private Ipv6Prefix clatIpv6;
        private List<DedicatedPrefix> dedicatedPrefixes = List.of();
        private List<EamEntry> eams = List.of();
        private boolean pref64ForLocal = true;
        private boolean allowWkpNonGlobal;
        private Ipv4Prefix translatorIpv4 = IPV4_DUMMY;
        private Ipv6Prefix translatorIpv6;
        private int lowestIpv6Mtu = 1280;
        private int ipv4Mtu = 1500;
        private int ipv6Mtu = 1500;
        private UdpZeroChecksum udpZeroChecksum = UdpZeroChecksum.COMPUTE;
        private boolean ignoreTos;
        private boolean sendIcmpErrors = true;
        private int icmpErrorsPerSecond = 100;
        private boolean hairpinning = true;

        public Builder pref64(Pref64 v) { pref64 = v; return this; }
        public Builder pref64(String v) { pref64 = Pref64.parse(v); return this; }
        public Builder clat(String v4, String v6) {
            clatIpv4 = Ipv4Prefix.parse(v4);
            clatIpv6 = Ipv6Prefix.parse(v6);
            return this;
        }
        public Builder clatIpv4(Ipv4Prefix v) { clatIpv4 = v; return this; }
        public Builder clatIpv6(Ipv6Prefix v) { clatIpv6 = v; return this; }
        public Builder dedicatedPrefixes(List<DedicatedPrefix> v) { dedicatedPrefixes = v; return this; }
        public Builder eams(List<EamEntry> v) { eams = v; return this; }
        public Builder pref64ForLocal(boolean v) { pref64ForLocal = v; return this; }
        public Builder allowWkpNonGlobal(boolean v) { allowWkpNonGlobal = v; return this; }
        public Builder translatorIpv4(Ipv4Prefix v) { translatorIpv4 = v; return this; }
        public Builder translatorIpv6(Ipv6Prefix v) { translatorIpv6 = v; return this; }
        public Builder lowestIpv6Mtu(int v) { lowestIpv6Mtu = v; return this; }
        public Builder ipv4Mtu(int v) { ipv4Mtu = v; return this; }
        public Builder ipv6Mtu(int v) { ipv6Mtu = v; return this; }
        public Builder udpZeroChecksum(UdpZeroChecksum v) { udpZeroChecksum = v; return this; }
        public Builder ignoreTos(boolean v) { ignoreTos = v; return this; }
        public Builder sendIcmpErrors(boolean v) { sendIcmpErrors = v; return this; }
        public Builder icmpErrorsPerSecond(int v) { icmpErrorsPerSecond = v; return this; }
        public Builder hairpinning(boolean v) { hairpinning = v; return this; }

        public XlatConfig build() {
            return new XlatConfig(pref64, clatIpv4, clatIpv6, dedicatedPrefixes, eams, pref64ForLocal,
                    allowWkpNonGlobal, translatorIpv4, translatorIpv6, lowestIpv6Mtu, ipv4Mtu, ipv6Mtu,
                    udpZeroChecksum, ignoreTos, sendIcmpErrors, hairpinning, icmpErrorsPerSecond);
        }
    }
}
