package net.jclat.pcap;

import java.util.Arrays;

/** Strips link-layer headers so callers always see bare IP packets. */
final class LinkDecoder {

    static final int ETHERNET = 1;
    static final int RAW_LEGACY_12 = 12; // DLT_RAW on most BSDs
    static final int RAW_LEGACY_14 = 14; // DLT_RAW on OpenBSD
    static final int RAW = 101;
    static final int LINUX_SLL = 113;
    static final int IPV4 = 228;
    static final int IPV6 = 229;
    static final int LINUX_SLL2 = 276;

    static final String SUPPORTED = "1 (Ethernet), 12/14/101 (raw IP), 113 (Linux SLL), "
            + "228 (IPv4), 229 (IPv6), 276 (Linux SLL2)";

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final byte[] EMPTY = new byte[0];

    private LinkDecoder() {
    }

    static boolean supports(int linkType) {
        return switch (linkType) {
            case ETHERNET, RAW_LEGACY_12, RAW_LEGACY_14, RAW, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    static PcapPacket decode(int linkType, long ts, byte[] frame, int origLen) {
        return switch (linkType) {
            case ETHERNET -> framed(ts, frame, origLen, 12, 14);
            case LINUX_SLL -> framed(ts, frame, origLen, 14, 16);
            case LINUX_SLL2 -> framed(ts, frame, origLen, 0, 20);
            default -> raw(ts, frame, origLen);
        };
    }

    /** Raw link types carry no header; the version nibble tells IP from junk. */
    private static PcapPacket raw(long ts, byte[] frame, int origLen) {
        int version = frame.length == 0 ? 0 : (frame[0] & 0xFF) >>> 4;
        return new PcapPacket(ts, frame, origLen, version == 4 || version == 6);
    }

    private static PcapPacket framed(long ts, byte[] frame, int origLen, int typeAt, int payload) {
        if (frame.length < payload) {
            return new PcapPacket(ts, EMPTY, Math.max(0, origLen - payload), false);
        }
        int type = u16(frame, typeAt);
        // Each 802.1Q/802.1ad tag is TCI + inner ethertype in front of the payload.
        while (isVlanTag(type) && frame.length >= payload + 4) {
            type = u16(frame, payload + 2);
            payload += 4;
        }
        int wireLen = Math.max(0, origLen - payload);
        boolean ip = type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6;
        int end = frame.length;
        if (ip) {
            // Ethernet pads short frames (and may append an FCS); cut back to the IP length.
            int ipLen = declaredIpLength(frame, payload, type);
            if (ipLen > 0 && ipLen < wireLen) {
                wireLen = ipLen;
                end = Math.min(end, payload + ipLen);
            }
        }
        return new PcapPacket(ts, Arrays.copyOfRange(frame, payload, end), wireLen, ip);
    }

    private static boolean isVlanTag(int type) {
        return type == 0x8100 || type == 0x88A8 || type == 0x9100;
    }

    /** Total length claimed by the IP header, or -1 if unreadable (or an IPv6 jumbogram). */
    private static int declaredIpLength(byte[] b, int off, int ethertype) {
        if (b.length < off + 6) {
            return -1;
        }
        int version = (b[off] & 0xFF) >>> 4;
        if (ethertype == ETHERTYPE_IPV4 && version == 4) {
            int total = u16(b, off + 2);
            return total >= 20 ? total : -1;
        }
        if (ethertype == ETHERTYPE_IPV6 && version == 6) {
            int payloadLen = u16(b, off + 4);
            return payloadLen == 0 ? -1 : 40 + payloadLen;
        }
        return -1;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }
}
