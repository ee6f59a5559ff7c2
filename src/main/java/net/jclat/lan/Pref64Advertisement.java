package net.jclat.lan;

import java.nio.ByteBuffer;
import java.util.List;
import net.jclat.xlat.Checksum;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;

/**
 * Builds the Router Advertisement jclat sends on an IPv6-mostly LAN: a whole IPv6 packet (it goes out through a
 * header-including raw socket, see {@link RaSocket}) that says nothing but the NAT64 prefix. Pure.
 *
 * <pre>
 * IPv6 header (40)   version 6, hop limit 255 (RFC 4861 §6.1.2), next header 58, src = our link-local, dst ff02::1
 * RA (16), §4.2      type 134, code 0, checksum, Cur Hop Limit 0, M=O=0, Router Lifetime 0, Reachable 0, Retrans 0
 * SLLA (8), §4.6.1   type 1, length 1, the LAN interface's MAC
 * PREF64 (16) each   RFC 8781 §4: type 38, length 2, Scaled Lifetime (13 bits) | PLC (3 bits), prefix bits 0-95
 * </pre>
 * Router Lifetime 0: an RA's Router Lifetime applies to its source address (RFC 4861 §6.3.4), and this one
 * must never make, keep or withdraw a default router. The zero Cur Hop Limit, Reachable Time and Retrans Timer
 * mean "unspecified" (§4.2), so hosts keep what the LAN's real router says and radvd sees nothing inconsistent.
 */
public final class Pref64Advertisement {
    /** One PREF64 option's content: a prefix and the seconds it may be used (0: withdrawn). */
    public record Announced(Pref64 prefix, long lifetimeSeconds) {
    }

    static final int IPV6_HEADER = 40;
    static final int RA_HEADER = 16;
    static final int SLLA = 8;
    static final int PREF64 = 16;
    /** 8191 × 8 (RFC 8781 §4.1): the most the 13-bit Scaled Lifetime can carry. */
    public static final long MAX_LIFETIME = 65528;
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private Pref64Advertisement() {
    }

    /** The destination of every RA this builds: all-nodes, ff02::1 (RFC 4861 §6.2.4). */
    public static byte[] allNodes() {
        return ALL_NODES.clone();
    }

    /**
     * The whole packet, checksum included.
     *
     * @param source our own link-local address (16 bytes), never the interface's (RFC 4861 §6.3.4)
     * @param mac    the interface's 6-byte link-layer address for the Source Link-Layer Address option
     */
    public static byte[] packet(byte[] source, byte[] mac, List<Announced> options) {
        if (source.length != 16 || mac.length != 6 || options.isEmpty()) {
            throw new IllegalArgumentException("need a 16-byte source, a 6-byte MAC and at least one prefix");
        }
        int icmp = RA_HEADER + SLLA + PREF64 * options.size();
        ByteBuffer b = ByteBuffer.allocate(IPV6_HEADER + icmp);
        b.putInt(0x6000_0000).putShort((short) icmp).put((byte) 58).put((byte) 255).put(source).put(ALL_NODES);
        // RA header, RFC 4861 §4.2: everything but the type is zero (checksum filled in below).
        b.put((byte) 134).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
        b.put((byte) 1).put((byte) 1).put(mac); // §4.6.1: Source Link-Layer Address, length 1 (8 bytes)
        for (Announced a : options) {
            b.put(option(a.prefix(), a.lifetimeSeconds()));
        }
        // RFC 4443 §2.3 / RFC 8200 §8.1: the pseudo-header is source, destination, upper-layer length, 58.
        long sum = Checksum.sum(b, 8, 32) + icmp + 58 + Checksum.sum(b, IPV6_HEADER, icmp);
        b.putShort(IPV6_HEADER + 2, (short) Checksum.finish(sum));
        return b.array();
    }

    /** The 16-byte PREF64 option (RFC 8781 §4). */
    public static byte[] option(Pref64 prefix, long lifetimeSeconds) {
        Ipv6Prefix p = prefix.prefix();
        ByteBuffer b = ByteBuffer.allocate(PREF64);
        b.put((byte) 38).put((byte) 2).putShort((short) (scaledLifetime(lifetimeSeconds) << 3 | plc(p.length())));
        b.putLong(p.hi()).putInt((int) (p.lo() >>> 32)); // bits 0-95; a longer prefix than 96 cannot be a PREF64
        return b.array();
    }

    /**
     * RFC 8781 §4.1: a lifetime not divisible by 8 is rounded up to the next multiple of 8 below 65536, then
     * divided by 8; a non-zero lifetime under 8 s becomes 1, so it is not read as a withdrawal.
     */
    public static int scaledLifetime(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("negative lifetime " + seconds);
        }
        return (int) ((Math.min(seconds, MAX_LIFETIME) + 7) / 8);
    }

    /** RFC 8781 §4: Prefix Length Code 0..5 for /96, /64, /56, /48, /40, /32. */
    public static int plc(int prefixLength) {
        return switch (prefixLength) {
            case 96 -> 0;
            case 64 -> 1;
            case 56 -> 2;
            case 48 -> 3;
            case 40 -> 4;
            case 32 -> 5;
            default -> throw new IllegalArgumentException("RFC 8781 §4 has no Prefix Length Code for /" + prefixLength);
        };
    }
}
