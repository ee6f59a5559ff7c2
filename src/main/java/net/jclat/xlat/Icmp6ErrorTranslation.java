package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * RFC 7915 §5.2 and §5.3: an ICMPv6 error becomes an ICMPv4 error, built in the translator's scratch buffer:
 * type and code mapped, the quoted IPv6 packet translated to IPv4 and cut to 576 bytes (RFC 1812 §4.3.2.3),
 * RFC 4884 extensions kept. Its own extension-header walk, so the outer packet's is not disturbed.
 */
final class Icmp6ErrorTranslation {
    private static final int PROTO_ICMP = 1;
    private static final int BUILD = 64;
    /** RFC 7915 §5 and §5.1: an unfragmented result above this size gets DF set. */
    private static final int DF_THRESHOLD = 1260;
    private static final int MAX_ICMP4 = 576;

    private final Translator t;
    private final ByteBuffer scratch;
    private final ExtensionHeaderChain inner = new ExtensionHeaderChain();

    Icmp6ErrorTranslation(Translator t) {
        this.t = t;
        this.scratch = t.scratch;
    }

    Verdict translate(AddressMapper m, ByteBuffer b, int off, int end, int icmp, PacketSink sink) {
        XlatConfig c = m.config();
        int type = b.get(icmp) & 0xFF;
        int code = b.get(icmp + 1) & 0xFF;
        int mapped = IcmpMaps.v6ToV4(type, code);
        if (mapped == IcmpMaps.NONE) {
            return t.drop(Drop.ICMP_UNTRANSLATABLE);
        }
        // RFC 7915 §5: the checksum MUST be evaluated before translation; the ICMPv4 one is computed afresh.
        long check = Checksum.sum(b, icmp, end - icmp) + Checksum.ipv6Addresses(b, off) + (end - icmp)
                + Ipv6Header.NH_ICMPV6;
        if (Checksum.fold(check) != 0xFFFF) {
            return t.drop(Drop.ICMP_BAD_CHECKSUM);
        }
        int hopLimit = Ipv6Header.hopLimit(b, off);
        if (hopLimit <= 1) {
            return t.drop(Drop.TTL_EXPIRED);
        }
        int type4 = mapped >>> 8;
        int code4 = mapped & 0xFF;
        int rest;
        if (type == IcmpMaps.V6_PACKET_TOO_BIG) {
            long advertised = b.getInt(icmp + 4) & 0xFFFF_FFFFL;
            rest = IcmpMaps.fragmentationNeededMtu(advertised, c.ipv4Mtu(), c.ipv6Mtu());
        } else if (type == IcmpMaps.V6_PARAMETER_PROBLEM && code == 0) {
            int pointer = IcmpMaps.pointerV6ToV4(b.getInt(icmp + 4) & 0xFFFF_FFFFL);
            if (pointer == IcmpMaps.NONE) {
                return t.drop(Drop.ICMP_UNTRANSLATABLE);
            }
            rest = pointer << 24;
        } else {
            rest = 0;
        }
        long srcHi = Ipv6Header.sourceHi(b, off);
        long srcLo = Ipv6Header.sourceLo(b, off);
        long src = m.toIpv4(srcHi, srcLo, false);
        if (src == AddressMapper.NOT_MAPPED) {
            // RFC 6791 §4: an error from an IPv6 router with no IPv4 form is sourced from the pool.
            src = IcmpErrors.poolAddress(c.translatorIpv4(), srcHi ^ srcLo) & 0xFFFF_FFFFL;
        } else if (src < 0) {
            return t.drop(Ipv4ToIpv6.mappingDrop(src, Drop.SOURCE_NOT_MAPPED));
        } else if (m.isOwnIpv4((int) src)) {
            return t.drop(Drop.OWN_ADDRESS_SOURCE); // RFC 7756 §6
        }
        long dst = m.toIpv4(Ipv6Header.destinationHi(b, off), Ipv6Header.destinationLo(b, off), true);
        if (dst < 0) {
            return t.drop(Ipv4ToIpv6.mappingDrop(dst, Drop.DESTINATION_NOT_MAPPED));
        }
        Drop scope = UnforwardableIpv4.check((int) src, (int) dst);
        if (scope != null) {
            return t.drop(scope);
        }

        int in = icmp + 8;
        int avail = end - in;
        // RFC 4884: Destination Unreachable and Time Exceeded may give the original datagram's length in
        // 64-bit words; the rest is an extension structure.
        int lengthWords = type == IcmpMaps.V6_DEST_UNREACHABLE || type == IcmpMaps.V6_TIME_EXCEEDED
                ? b.get(icmp + 4) & 0xFF : 0;
        int original = avail;
        int extension = 0;
        if (lengthWords != 0 && lengthWords * 8 <= avail) {
            original = lengthWords * 8;
            extension = avail - original;
        }
        if (type4 == IcmpMaps.V4_DEST_UNREACHABLE && code4 == 4 || type4 == IcmpMaps.V4_PARAMETER_PROBLEM) {
            extension = 0; // came from types that cannot carry one
        }
        int o = BUILD;
        int icmp4 = o + Ipv4Header.MIN_LENGTH;
        int inner4 = icmp4 + 8;
        int innerLen = translateInner(m, b, in, in + original, inner4);
        if (innerLen < 0) {
            return t.drop(Translator.DROPS[-innerLen - 1]);
        }
        int room = MAX_ICMP4 - Ipv4Header.MIN_LENGTH - 8;
        int body;
        int lengthField = 0;
        if (extension > 0) {
            body = IcmpExtensionLayout.layOut(scratch, inner4, innerLen, b, in + original, extension, room, 4);
            lengthField = IcmpExtensionLayout.padded(innerLen, room, 4) / 4;
        } else {
            body = Math.min(innerLen, room);
        }
        int icmpLen = 8 + body;
        scratch.putShort(icmp4, (short) (type4 << 8 | code4));
        scratch.putShort(icmp4 + 2, (short) 0);
        scratch.putInt(icmp4 + 4, rest | lengthField << 16);
        scratch.putShort(icmp4 + 2, (short) Checksum.finish(Checksum.sum(scratch, icmp4, icmpLen)));
        Ipv4Header.write(scratch, o, Ipv6Header.trafficClass(b, off), Ipv4Header.MIN_LENGTH + icmpLen,
                t.nextIpv4Id(), 0, hopLimit - 1, PROTO_ICMP, (int) src, (int) dst);
        t.emit4(sink, scratch, o, Ipv4Header.MIN_LENGTH + icmpLen);
        t.counters.add(Counters.TRANSLATED_6TO4, t.gsoSegments);
        return Verdict.TRANSLATED;
    }

    /**
     * RFC 7915 §5.3: the IPv6 packet quoted in an ICMPv6 error becomes an IPv4 packet (addresses mapped
     * the other way round, hop limit kept, extension headers skipped). Returns the bytes written at
     * {@code out} in scratch, or {@code -(drop ordinal + 1)}.
     */
    private int translateInner(AddressMapper m, ByteBuffer b, int in, int quotedEnd, int out) {
        if (quotedEnd - in < Ipv6Header.LENGTH || (b.get(in) & 0xF0) != 0x60) {
            return -(Drop.ICMP_BAD_INNER.ordinal() + 1);
        }
        int fullEnd = in + Ipv6Header.LENGTH + Ipv6Header.payloadLength(b, in);
        // Walk only what is quoted; the packet's own length says how long it really was.
        Drop walk = inner.walk(b, in, quotedEnd);
        if (walk != null) {
            return -(Drop.ICMP_BAD_INNER.ordinal() + 1);
        }
        int nh = inner.nextHeader;
        int p = inner.payload;
        if (nh == Ipv6Header.NH_ICMPV6 && inner.fragOffset == 0 && p < quotedEnd
                && IcmpMaps.isIcmp6Error(b.get(p) & 0xFF)) {
            return -(Drop.ICMP_NESTED_ERROR.ordinal() + 1);
        }
        if (Ipv6ToIpv4.isUntranslatableProtocol(nh)) {
            return -(Drop.ICMP_BAD_INNER.ordinal() + 1);
        }
        long src = m.toIpv4(Ipv6Header.sourceHi(b, in), Ipv6Header.sourceLo(b, in), true);
        long dst = m.toIpv4(Ipv6Header.destinationHi(b, in), Ipv6Header.destinationLo(b, in), false);
        // RFC 7915 §5.3: translated "in the same way" as an outer packet, so the same addresses are refused.
        if (src < 0 || dst < 0 || UnforwardableIpv4.check((int) src, (int) dst) != null) {
            return -(Drop.ICMP_BAD_INNER.ordinal() + 1);
        }
        int fullPayload = Math.max(0, fullEnd - p);
        int total = Ipv4Header.MIN_LENGTH + fullPayload;
        int fragField = inner.fragment ? (inner.more ? Ipv4Header.FLAG_MF : 0) | inner.fragOffset >>> 3
                : total > DF_THRESHOLD ? Ipv4Header.FLAG_DF : 0;
        int protocol = nh == Ipv6Header.NH_ICMPV6 ? PROTO_ICMP : nh;
        int dataLen = Math.max(0, quotedEnd - p);
        scratch.put(out + Ipv4Header.MIN_LENGTH, b, p, dataLen);
        Ipv4Header.write(scratch, out, Ipv6Header.trafficClass(b, in), Math.min(total, 65535),
                inner.fragment ? inner.fragId & 0xFFFF : 0, fragField, Ipv6Header.hopLimit(b, in), protocol, (int) src,
                (int) dst);
        if (inner.fragOffset == 0) {
            long oldSum = Checksum.sum(b, in + 8, 32);
            long newSum = Checksum.ipv4Addresses((int) src, (int) dst);
            int d = out + Ipv4Header.MIN_LENGTH;
            int field = PseudoHeaderChecksum.fieldOffset(nh);
            if (field >= 0 && dataLen >= field + 2) {
                PseudoHeaderChecksum.adjust(scratch, d, nh, oldSum, newSum);
            } else if (nh == Ipv6Header.NH_ICMPV6 && dataLen >= 4) {
                int oldWord = scratch.getShort(d) & 0xFFFF;
                int mapped = IcmpMaps.v6ToV4(oldWord >>> 8, oldWord & 0xFF);
                if (mapped != IcmpMaps.NONE) {
                    scratch.putShort(d, (short) mapped);
                    long pseudo = oldSum + fullPayload + Ipv6Header.NH_ICMPV6;
                    scratch.putShort(d + 2, (short) Checksum.adjust(scratch.getShort(d + 2) & 0xFFFF,
                            oldWord + pseudo, mapped));
                }
            }
        }
        return Ipv4Header.MIN_LENGTH + dataLen;
    }
}
