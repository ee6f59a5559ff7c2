package net.jclat.xlat;

/**
 * The ICMP type, code and pointer maps of RFC 7915 §4.2 (ICMPv4 to ICMPv6) and §5.2 (ICMPv6 to ICMPv4),
 * and the MTU arithmetic of Packet Too Big / Fragmentation Needed. A result is {@code type << 8 | code},
 * or {@link #NONE} where the RFC says to drop silently.
 */
public final class IcmpMaps {
    private IcmpMaps() {
    }

    public static final int NONE = -1;

    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DEST_UNREACHABLE = 3;
    public static final int V4_SOURCE_QUENCH = 4;
    public static final int V4_REDIRECT = 5;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;

    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    /** RFC 1191 §7 plateau table, highest first. */
    private static final int[] PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    public static boolean isIcmp4Error(int type) {
        return type == V4_DEST_UNREACHABLE || type == V4_SOURCE_QUENCH || type == V4_REDIRECT
                || type == V4_TIME_EXCEEDED || type == V4_PARAMETER_PROBLEM;
    }

    /** RFC 4443 §2.1: types below 128 are errors. */
    public static boolean isIcmp6Error(int type) {
        return type < 128;
    }

    /** RFC 7915 §4.2: ICMPv4 query and error types and codes to ICMPv6. */
    public static int v4ToV6(int type, int code) {
        switch (type) {
            case V4_ECHO_REQUEST:
                return V6_ECHO_REQUEST << 8 | code;
            case V4_ECHO_REPLY:
                return V6_ECHO_REPLY << 8 | code;
            case V4_DEST_UNREACHABLE:
                switch (code) {
                    case 0: case 1: case 5: case 6: case 7: case 8: case 11: case 12:
                        return V6_DEST_UNREACHABLE << 8;          // no route to destination
                    case 2:
                        return V6_PARAMETER_PROBLEM << 8 | 1;     // unrecognized Next Header, pointer 6
                    case 3:
                        return V6_DEST_UNREACHABLE << 8 | 4;      // port unreachable
                    case 4:
                        return V6_PACKET_TOO_BIG << 8;
                    case 9: case 10: case 13: case 15:
                        return V6_DEST_UNREACHABLE << 8 | 1;      // administratively prohibited
                    default:
                        return NONE;                              // 14 and unknown codes: drop
                }
            case V4_TIME_EXCEEDED:
                return code <= 1 ? V6_TIME_EXCEEDED << 8 | code : NONE;
            case V4_PARAMETER_PROBLEM:
                return code == 0 || code == 2 ? V6_PARAMETER_PROBLEM << 8 : NONE;
            default:
                return NONE; // info/timestamp/mask/router/redirect/source quench/unknown: silently dropped
        }
    }

    /** RFC 7915 §5.2: ICMPv6 types and codes to ICMPv4. */
    public static int v6ToV4(int type, int code) {
        switch (type) {
            case V6_ECHO_REQUEST:
                return V4_ECHO_REQUEST << 8 | code;
            case V6_ECHO_REPLY:
                return V4_ECHO_REPLY << 8 | code;
            case V6_DEST_UNREACHABLE:
                switch (code) {
                    case 0: case 2: case 3:
                        return V4_DEST_UNREACHABLE << 8 | 1;      // host unreachable
                    case 1:
                        return V4_DEST_UNREACHABLE << 8 | 10;     // communication administratively prohibited
                    case 4:
                        return V4_DEST_UNREACHABLE << 8 | 3;      // port unreachable
                    default:
                        return NONE;
                }
            case V6_PACKET_TOO_BIG:
                return code == 0 ? V4_DEST_UNREACHABLE << 8 | 4 : NONE;
            case V6_TIME_EXCEEDED:
                return code <= 1 ? V4_TIME_EXCEEDED << 8 | code : NONE;
            case V6_PARAMETER_PROBLEM:
                switch (code) {
                    case 0:
                        return V4_PARAMETER_PROBLEM << 8;         // pointer mapped below
                    case 1:
                        return V4_DEST_UNREACHABLE << 8 | 2;      // protocol unreachable
                    default:
                        return NONE;
                }
            default:
                return NONE; // MLD, ND and unknown informational types: silently dropped
        }
    }

    /** RFC 7915 §4.2 Figure 3: an ICMPv4 Parameter Problem pointer to the matching IPv6 header offset. */
    public static int pointerV4ToV6(int pointer) {
        return switch (pointer) {
            case 0, 1 -> pointer;     // version/IHL, type of service
            case 2, 3 -> 4;           // total length -> payload length
            case 8 -> 7;              // TTL -> hop limit
            case 9 -> 6;              // protocol -> next header
            case 12, 13, 14, 15 -> 8; // source address
            case 16, 17, 18, 19 -> 24; // destination address
            default -> NONE;          // identification, flags/offset, checksum, options: no counterpart
        };
    }

    /** RFC 7915 §5.2 Figure 6: an ICMPv6 Parameter Problem pointer to the matching IPv4 header offset. */
    public static int pointerV6ToV4(long pointer) {
        if (pointer == 0 || pointer == 1) {
            return (int) pointer;         // version/traffic class
        } else if (pointer == 4 || pointer == 5) {
            return 2;                     // payload length -> total length
        } else if (pointer == 6) {
            return 9;                     // next header -> protocol
        } else if (pointer == 7) {
            return 8;                     // hop limit -> TTL
        } else if (pointer >= 8 && pointer <= 23) {
            return 12;                    // source address
        } else if (pointer >= 24 && pointer <= 39) {
            return 16;                    // destination address
        }
        return NONE;                      // flow label (2, 3) and beyond the fixed header
    }

    /**
     * RFC 7915 §4.2, Fragmentation Needed to Packet Too Big: MTU = min(advertised + 20, IPv6 next-hop MTU,
     * IPv4 next-hop MTU + 20). A zero MTU (a router predating RFC 1191) is replaced by the largest RFC 1191
     * plateau below the returned packet's total length that is still at least 1280; IPv6 links carry at
     * least 1280 (RFC 8200 §5), so the result never goes below it.
     */
    public static int packetTooBigMtu(int advertised, int innerTotalLength, int ipv4Mtu, int ipv6Mtu) {
        int mtu;
        if (advertised == 0) {
            // No plateau qualifies: the IPv6 minimum, 1280, once the 20 below is added. Any more would be
            // answered with the same too-large value again (a PMTUD black hole).
            mtu = 1280 - 20;
            for (int p : PLATEAUS) {
                if (p < innerTotalLength && p >= 1280) {
                    mtu = p;
                    break;
                }
            }
            mtu += 20;
        } else {
            mtu = advertised + 20;
        }
        mtu = Math.min(mtu, Math.min(ipv6Mtu, ipv4Mtu + 20));
        return Math.max(mtu, 1280);
    }

    /**
     * RFC 7915 §5.2, Packet Too Big to Fragmentation Needed: MTU = min(advertised - 20, IPv4 next-hop MTU,
     * IPv6 next-hop MTU - 20), at most 65535 since the ICMPv4 field has 16 bits.
     */
    public static int fragmentationNeededMtu(long advertised, int ipv4Mtu, int ipv6Mtu) {
        long mtu = Math.min(advertised - 20, Math.min(ipv4Mtu, ipv6Mtu - 20L));
        return (int) Math.max(68, Math.min(mtu, 65535));
    }
}
