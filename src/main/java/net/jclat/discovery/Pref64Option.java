package net.jclat.discovery;

import java.util.ArrayList;
import java.util.List;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;

/**
 * Reads the PREF64 options (RFC 8781) out of an ICMPv6 Router Advertisement (RFC 4861 §4.2). Pure: bytes in,
 * prefixes out, no I/O. The checks that need the IP header (hop limit 255, link-local source) and the checksum
 * (verified by the kernel for raw ICMPv6 sockets) belong to whoever received the packet.
 *
 * <pre>
 * RA, RFC 4861 §4.2                            PREF64 option, RFC 8781 §4
 *  0: type 134 | code 0 | checksum              0: type 38 | length 2 | scaled lifetime (13 bits) | PLC (3 bits)
 *  4: cur hop limit | M O flags | router life   4: highest 96 bits of the prefix
 *  8: reachable time                           16 bytes in all
 * 12: retrans timer
 * 16: options (type, length in units of 8 octets, ...)
 * </pre>
 */
public final class Pref64Option {
    /** ICMPv6 type of a Router Advertisement, RFC 4861 §4.2. */
    public static final int ROUTER_ADVERTISEMENT = 134;
    /** Neighbor Discovery option type of PREF64, assigned by IANA (RFC 8781 §6). */
    public static final int TYPE = 38;
    /** The only valid Length, in units of 8 octets (RFC 8781 §4). */
    public static final int LENGTH = 2;
    /** 8191 × 8: the largest lifetime the 13-bit Scaled Lifetime can carry (RFC 8781 §4.1). */
    public static final long MAX_LIFETIME_SECONDS = 8191L * 8;

    /** RA header up to the options: RFC 4861 §6.1.2 requires "ICMP length ... is 16 or more octets". */
    static final int RA_HEADER = 16;

    private Pref64Option() {
    }

    /**
     * What an RA says about NAT64.
     *
     * @param routerLifetime the RA's Router Lifetime in seconds (RFC 4861 §4.2; 0: not a default router)
     * @param prefixes every acceptable PREF64 option, in message order, with source {@link PrefixSource#RA};
     *     a lifetime of 0 is a withdrawal and is kept so the caller can act on it (RFC 8781 §4.1)
     * @param ignored one line per PREF64 option RFC 8781 says to ignore (wrong length, invalid PLC, ...)
     */
    public record Parsed(int routerLifetime, List<DiscoveredPrefix> prefixes, List<String> ignored) {
        public Parsed {
            prefixes = List.copyOf(prefixes);
            ignored = List.copyOf(ignored);
        }
    }

    public static Parsed parse(byte[] message, String router) throws MalformedRaException {
        return parse(message, 0, message.length, router);
    }

    /**
     * Parses the ICMPv6 message in {@code message[offset, offset + length)}, starting at the ICMPv6 type byte.
     *
     * @param router the source address of the RA as text, reported as each prefix's origin
     * @throws MalformedRaException when RFC 4861 §6.1.2 requires the whole RA to be discarded
     */
    public static Parsed parse(byte[] message, int offset, int length, String router) throws MalformedRaException {
        if (offset < 0 || length < 0 || offset > message.length - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside a "
                    + message.length + "-byte buffer");
        }
        // RFC 4861 §6.1.2: the ICMP length (derived from the IP length) is 16 or more octets.
        if (length < RA_HEADER) {
            throw new MalformedRaException("ICMP length " + length + " is less than 16 (RFC 4861 §6.1.2)");
        }
        int type = message[offset] & 0xFF;
        if (type != ROUTER_ADVERTISEMENT) {
            throw new MalformedRaException("ICMPv6 type " + type + " is not a Router Advertisement (134)");
        }
        // RFC 4861 §6.1.2: ICMP Code is 0.
        int code = message[offset + 1] & 0xFF;
        if (code != 0) {
            throw new MalformedRaException("ICMP code " + code + ", must be 0 (RFC 4861 §6.1.2)");
        }
        int routerLifetime = u16(message, offset + 6);

        List<DiscoveredPrefix> prefixes = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        int end = offset + length;
        int at = offset + RA_HEADER;
        while (at < end) {
            int rel = at - offset;
            if (end - at < 2) {
                throw new MalformedRaException("option at offset " + rel + " truncated: " + (end - at)
                        + " byte left, an option header needs 2 (RFC 4861 §4.6)");
            }
            int optType = message[at] & 0xFF;
            int optLen = message[at + 1] & 0xFF;
            // RFC 4861 §6.1.2: all included options have a length greater than 0 (§4.6: nodes MUST
            // silently discard an ND packet that contains an option with length zero).
            if (optLen == 0) {
                throw new MalformedRaException("option type " + optType + " at offset " + rel
                        + " has length 0 (RFC 4861 §6.1.2)");
            }
            int bytes = optLen * 8;
            if (bytes > end - at) {
                throw new MalformedRaException("option type " + optType + " at offset " + rel + " claims "
                        + bytes + " bytes, only " + (end - at) + " left (RFC 4861 §4.6)");
            }
            // RFC 4861 §6.1.2: the contents of any unrecognized options MUST be ignored; the options we do
            // not need (SLLAO, PIO, MTU, RDNSS, ...) are skipped the same way.
            if (optType == TYPE) {
                readPref64(message, at, optLen, rel, router, prefixes, ignored);
            }
            at += bytes;
        }
        return new Parsed(routerLifetime, prefixes, ignored);
    }

    private static void readPref64(byte[] m, int at, int optLen, int rel, String router,
            List<DiscoveredPrefix> prefixes, List<String> ignored) {
        // RFC 8781 §4: "The receiver MUST ignore the PREF64 option if the Length field value is not 2."
        // Ignore the option only: the RA itself stays valid and its other options still count.
        if (optLen != LENGTH) {
            ignored.add("PREF64 option at offset " + rel + ": length " + optLen + ", must be 2 (RFC 8781 §4)");
            return;
        }
        int word = u16(m, at + 2);
        int scaled = word >>> 3;
        int plc = word & 0x7;
        int prefixLength = prefixLength(plc);
        // RFC 8781 §4: the receiver MUST ignore the option if the PLC is not one of 0..5.
        if (prefixLength < 0) {
            ignored.add("PREF64 option at offset " + rel + ": prefix length code " + plc
                    + " is not defined (RFC 8781 §4)");
            return;
        }
        // The option carries bits 0-95 of the prefix (RFC 8781 §4); the last 32 bits are zero. Bits past the
        // length the PLC gives are not part of the prefix: they are ignored (cleared), not a reason to drop.
        long hi = u64(m, at + 4);
        long lo = (u32(m, at + 12)) << 32;
        hi &= maskHi(prefixLength);
        lo &= maskLo(prefixLength);
        // RFC 6052 §2.2: bits 64-71 (the u octet) MUST be zero. In a /96 they lie inside the prefix, so a
        // prefix that sets them could never form a valid address; Pref64 refuses it and so do we.
        if (prefixLength == 96 && (lo & 0xFF00_0000_0000_0000L) != 0) {
            ignored.add("PREF64 option at offset " + rel + ": " + Addresses.formatIpv6(hi, lo)
                    + "/96 sets bits 64-71, which RFC 6052 §2.2 reserves as zero");
            return;
        }
        // RFC 8781 §4.1: the receiver MUST multiply the Scaled Lifetime by 8. 0 means the prefix SHOULD NOT
        // be used any more: a withdrawal, which is reported rather than dropped.
        long lifetime = scaled * 8L;
        prefixes.add(new DiscoveredPrefix(new Pref64(new Ipv6Prefix(hi, lo, prefixLength)), PrefixSource.RA,
                lifetime, router));
    }

    /** RFC 8781 §4: PLC 0..5 are /96, /64, /56, /48, /40, /32; anything else is -1 (invalid). */
    public static int prefixLength(int plc) {
        return switch (plc) {
            case 0 -> 96;
            case 1 -> 64;
            case 2 -> 56;
            case 3 -> 48;
            case 4 -> 40;
            case 5 -> 32;
            default -> -1;
        };
    }

    private static long maskHi(int length) {
        return length >= 64 ? -1L : -1L << (64 - length);
    }

    private static long maskLo(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | b[i + 1] & 0xFF;
    }

    private static long u32(byte[] b, int i) {
        return (long) u16(b, i) << 16 | u16(b, i + 2);
    }

    private static long u64(byte[] b, int i) {
        return u32(b, i) << 32 | u32(b, i + 4);
    }
}
