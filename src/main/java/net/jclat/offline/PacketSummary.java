package net.jclat.offline;

import java.nio.ByteBuffer;
import net.jclat.xlat.Addresses;

/** A one-line description of an IP packet for people: addresses, protocol, ports or ICMP type, length. */
final class PacketSummary {
    private PacketSummary() {
    }

    static String describe(ByteBuffer b, int off, int len) {
        if (len < 1) {
            return "empty";
        }
        int version = (b.get(off) & 0xF0) >>> 4;
        if (version == 4 && len >= 20) {
            int ihl = (b.get(off) & 0x0F) * 4;
            int proto = b.get(off + 9) & 0xFF;
            int frag = b.getShort(off + 6) & 0xFFFF;
            String text = Addresses.formatIpv4(b.getInt(off + 12)) + " > " + Addresses.formatIpv4(b.getInt(off + 16))
                    + " " + l4(b, off + ihl, len - ihl, proto, (frag & 0x1FFF) == 0, false)
                    + " ttl " + (b.get(off + 8) & 0xFF) + " len " + len;
            if ((frag & 0x3FFF) != 0 && (frag & 0x1FFF | frag & 0x2000) != 0) {
                text += " frag off " + (frag & 0x1FFF) * 8 + ((frag & 0x2000) != 0 ? " MF" : "");
            }
            return "IPv4 " + text;
        }
        if (version == 6 && len >= 40) {
            int nh = b.get(off + 6) & 0xFF;
            int p = off + 40;
            String frag = "";
            if (nh == 44 && len >= 48) {
                int f = b.getShort(p + 2) & 0xFFFF;
                frag = " frag off " + (f & 0xFFF8) + ((f & 1) != 0 ? " M" : "") + " id " + Integer.toUnsignedString(
                        b.getInt(p + 4));
                nh = b.get(p) & 0xFF;
                p += 8;
                if ((f & 0xFFF8) != 0) {
                    return "IPv6 " + Addresses.formatIpv6(b, off + 8) + " > " + Addresses.formatIpv6(b, off + 24)
                            + " proto " + nh + " hlim " + (b.get(off + 7) & 0xFF) + " len " + len + frag;
                }
            }
            return "IPv6 " + Addresses.formatIpv6(b, off + 8) + " > " + Addresses.formatIpv6(b, off + 24) + " "
                    + l4(b, p, off + len - p, nh, true, true) + " hlim " + (b.get(off + 7) & 0xFF) + " len " + len
                    + frag;
        }
        return "not IP (" + len + " bytes)";
    }

    private static String l4(ByteBuffer b, int p, int avail, int proto, boolean first, boolean v6) {
        if (!first) {
            return "proto " + proto;
        }
        if ((proto == 6 || proto == 17) && avail >= 4) {
            return (proto == 6 ? "tcp " : "udp ") + (b.getShort(p) & 0xFFFF) + " > " + (b.getShort(p + 2) & 0xFFFF);
        }
        if ((proto == 1 || proto == 58) && avail >= 2) {
            return (proto == 1 ? "icmp" : "icmp6") + " type " + (b.get(p) & 0xFF) + " code " + (b.get(p + 1) & 0xFF);
        }
        return "proto " + proto;
    }
}
