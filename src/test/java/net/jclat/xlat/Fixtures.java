package net.jclat.xlat;

/**
 * Addresses and configurations shared by the RFC tests. The SIIT configuration uses a network-specific
 * prefix (2001:db8:64::/96), so the RFC 6052 §3.1 Well-Known-Prefix restriction does not get in the way of
 * the documentation addresses.
 */
final class Fixtures {
    private Fixtures() {
    }

    static final String PREF64 = "2001:db8:64::/96";
    /** An IPv4-side host and its IPv6 form. */
    static final String H4 = "192.0.2.1";
    static final String H4_AS_V6 = "2001:db8:64::192.0.2.1";
    /** An IPv6-side host, seen from IPv4 as R4. */
    static final String R4 = "198.51.100.2";
    static final String R4_AS_V6 = "2001:db8:64::198.51.100.2";
    /** A router on the IPv4 side and one on the IPv6 side (the latter inside the prefix). */
    static final String ROUTER4 = "192.0.2.254";
    static final String ROUTER4_AS_V6 = "2001:db8:64::192.0.2.254";
    static final String ROUTER6 = "2001:db8:64::198.51.100.254";
    static final String ROUTER6_AS_V4 = "198.51.100.254";
    /** Source of ICMPv6 errors the translator makes. */
    static final String TRANSLATOR6 = "2001:db8:ffff::1";
    /** Default source of ICMPv4 errors the translator makes (RFC 7600 dummy address). */
    static final String TRANSLATOR4 = "192.0.0.8";

    static XlatConfig.Builder siit() {
        return XlatConfig.builder().pref64(PREF64).translatorIpv6(Ipv6Prefix.parse(TRANSLATOR6));
    }

    static XlatConfig siitConfig() {
        return siit().build();
    }
}
