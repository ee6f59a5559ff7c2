package net.jclat.xlat;

/**
 * IPv4 addresses that are not globally reachable: RFC 6052 §3.1 forbids representing them with the
 * Well-Known Prefix. The list is the IANA IPv4 Special-Purpose Address Registry (RFC 6890 and its
 * updates) entries whose "Globally Reachable" is False, plus multicast and limited broadcast from
 * RFC 5735 §3, which RFC 6052 §3.1 names.
 */
public final class NonGlobalIpv4 {
    private NonGlobalIpv4() {
    }

    // address, prefix length
    private static final int[][] RANGES = {
        {0x00000000, 8},   // 0.0.0.0/8 "this network"
        {0x0A000000, 8},   // 10.0.0.0/8 private
        {0x64400000, 10},  // 100.64.0.0/10 shared address space
        {0x7F000000, 8},   // 127.0.0.0/8 loopback
        {0xA9FE0000, 16},  // 169.254.0.0/16 link local
        {0xAC100000, 12},  // 172.16.0.0/12 private
        {0xC0000000, 24},  // 192.0.0.0/24 IETF protocol assignments (.9 and .10 excepted below)
        {0xC0000200, 24},  // 192.0.2.0/24 TEST-NET-1
        {0xC0586300, 24},  // 192.88.99.0/24 deprecated 6to4 relay anycast
        {0xC0A80000, 16},  // 192.168.0.0/16 private
        {0xC6120000, 15},  // 198.18.0.0/15 benchmarking
        {0xC6336400, 24},  // 198.51.100.0/24 TEST-NET-2
        {0xCB007100, 24},  // 203.0.113.0/24 TEST-NET-3
        {0xE0000000, 4},   // 224.0.0.0/4 multicast
        {0xF0000000, 4},   // 240.0.0.0/4 reserved, incl. 255.255.255.255
    };

    public static boolean isNonGlobal(int a) {
        // Runs per packet with the Well-Known Prefix: settle most addresses on the first octet alone.
        int first = a >>> 24;
        switch (first) {
            case 0, 10, 127:
                return true;
            case 100, 169, 172, 192, 198, 203:
                break;
            default:
                return first >= 224;
        }
        // 192.0.0.9 (PCP anycast) and 192.0.0.10 (TURN anycast) are globally reachable.
        if (a == 0xC0000009 || a == 0xC000000A) {
            return false;
        }
        for (int[] r : RANGES) {
            if ((a & Ipv4Prefix.mask(r[1])) == r[0]) {
                return true;
            }
        }
        return false;
    }
}
