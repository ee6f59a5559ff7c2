package net.jclat.xlat;

/** Why a packet was not translated. Every drop in the core has exactly one of these, and is counted. */
public enum Drop {
    NOT_IP("not-ip", "IP version is neither 4 nor 6"),
    IPV4_TRUNCATED("ipv4-truncated", "shorter than its IPv4 header or total length"),
    IPV4_BAD_HEADER("ipv4-bad-header", "IHL or total length out of range"),
    IPV4_BAD_CHECKSUM("ipv4-bad-checksum", "IPv4 header checksum is wrong"),
    IPV4_BAD_OPTIONS("ipv4-bad-options", "malformed IPv4 options"),
    IPV4_SOURCE_ROUTE("ipv4-source-route", "unexpired IPv4 source route option (RFC 7915 §4.1)"),
    IPV6_TRUNCATED("ipv6-truncated", "shorter than its IPv6 header or payload length"),
    IPV6_BAD_EXTENSION("ipv6-bad-extension", "malformed or misplaced IPv6 extension header"),
    IPV6_SEGMENTS_LEFT("ipv6-segments-left", "routing header with segments left (RFC 7915 §5.1)"),
    OWN_ADDRESS_SOURCE("own-address-source", "IPv6 source that translates to one of our own IPv4 addresses (RFC 7756 §6)"),
    ILLEGAL_SOURCE("illegal-source", "unspecified, loopback or otherwise illegal source (RFC 7915 §4.1/§5.1)"),
    MULTICAST("multicast", "multicast or limited broadcast address"),
    NDP_MLD("ndp-mld", "neighbour discovery or MLD is link-local and never translated"),
    UNTRANSLATABLE_PROTOCOL("untranslatable-protocol", "protocol has no meaning on the other side"),
    ICMP_UNTRANSLATABLE("icmp-untranslatable", "ICMP type or code with no translation (RFC 7915 §4.2/§5.2)"),
    ICMP_NESTED_ERROR("icmp-nested-error", "ICMP error inside an ICMP error"),
    ICMP_BAD_INNER("icmp-bad-inner", "the packet inside an ICMP error is malformed"),
    ICMP_BAD_CHECKSUM("icmp-bad-checksum", "ICMP error with a wrong checksum: recomputing it would hide the damage"),
    L4_TRUNCATED("l4-truncated", "transport header shorter than its fixed part"),
    UDP_ZERO_CHECKSUM("udp-zero-checksum", "UDP zero checksum that may not be computed (RFC 7915 §4.5)"),
    TTL_EXPIRED("ttl-expired", "TTL or hop limit reached zero"),
    PACKET_TOO_BIG("packet-too-big", "larger than the next-hop MTU with DF set"),
    SOURCE_NOT_MAPPED("source-not-mapped", "no mapping for the source address"),
    DESTINATION_NOT_MAPPED("destination-not-mapped", "no mapping for the destination address"),
    NO_PREF64("no-pref64", "no NAT64 prefix is known yet"),
    WKP_NON_GLOBAL("wkp-non-global", "Well-Known Prefix with a non-global IPv4 address (RFC 6052 §3.1)"),
    FRAGMENT_BAD("fragment-bad", "fragment offset and length exceed 65535 or are inconsistent"),
    OVERSIZE("oversize", "larger than the translation buffer"),
    REASSEMBLY_TIMEOUT("reassembly-timeout", "ICMP fragment whose datagram was not complete within the reassembly timeout"),
    REASSEMBLY_OVERLAP("reassembly-overlap", "ICMP fragment overlapping another of its datagram, or contradicting its"
            + " end: the whole datagram is discarded (RFC 5722 §3)"),
    REASSEMBLY_DUPLICATE("reassembly-duplicate", "exact duplicate of an ICMP fragment already held (RFC 8200 §4.5)"),
    REASSEMBLY_OVERSIZE("reassembly-oversize", "ICMP datagram larger than the reassembly limit or 65535 bytes"),
    REASSEMBLY_FULL("reassembly-full", "ICMP fragment of a datagram evicted because the reassembly cap was reached"),
    VNET_BAD_HEADER("vnet-bad-header", "virtio-net header (offload state) that contradicts the packet"),
    RESERVED_CLASS_E("reserved-class-e", "reserved 240.0.0.0/4 (class E) address (RFC 1112 §4, RFC 1812 §5.3.7)"),
    LINK_LOCAL("link-local", "169.254.0.0/16 source or destination, which a router must not forward (RFC 3927 §2.7)"),
    ILLEGAL_DESTINATION("illegal-destination", "0.0.0.0/8 or loopback destination (RFC 1122 §3.2.1.3, RFC 1812 §5.3.7)");

    private final String label;
    private final String description;

    Drop(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Stable kebab-case name for explain output, status JSON and metrics. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }
}
