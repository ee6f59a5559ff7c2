package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * RFC 7915 §4.2 and §4.3: an ICMPv4 error becomes an ICMPv6 error, built in the translator's scratch buffer
 * (the quoted packet grows by 20 bytes or more): type and code mapped, the quoted IPv4 packet translated to
 * IPv6, the whole error kept within 1280 bytes (RFC 4443 §2.4(c)), RFC 4884 extensions kept.
 */
final class Icmp4ErrorTranslation {
    private static final int PROTO_ICMP = 1;
    /** Where the translated addresses are staged in scratch. */
    private static final int STAGE = 0;
    /** Where the error is built in scratch. */
    private static final int BUILD = 64;

    private final Translator t;
    private final ByteBuffer scratch;

    Icmp4ErrorTranslation(Translator t) {
        this.t = t;
        this.scratch = t.scratch;
    }


    Verdict translate(AddressMapper m, ByteBuffer b, int off, int ihl, int total, PacketSink sink) {
        XlatConfig c = m.config();
        int icmp = off + ihl;
        int type = b.get(icmp) & 0xFF;
        int code = b.get(icmp + 1) & 0xFF;
        int mapped = IcmpMaps.v4ToV6(type, code);
        if (mapped == IcmpMaps.NONE) {
            return t.drop(Drop.ICMP_UNTRANSLATABLE);
        }
        // The ICMPv6 checksum is computed afresh below, so a damaged error must be caught here or never.
        if (Checksum.fold(Checksum.sum(b, icmp, total - ihl)) != 0xFFFF) {
            return t.drop(Drop.ICMP_BAD_CHECKSUM);
        }
        int ttl = Ipv4Header.ttl(b, off);
        if (ttl <= 1) {
            return t.drop(Drop.TTL_EXPIRED); // never an ICMP error about an ICMP error
        }
        int type6 = mapped >>> 8;
        int code6 = mapped & 0xFF;
        long rest; // bytes 4..7 of the ICMPv6 header
        int in = icmp + 8;
        int avail = total - ihl - 8;
        if (avail < Ipv4Header.MIN_LENGTH || (b.get(in) & 0xF0) != 0x40) {
            return t.drop(Drop.ICMP_BAD_INNER);
        }
        int innerIhl = Ipv4Header.ihl(b, in);
        if (innerIhl < Ipv4Header.MIN_LENGTH || innerIhl > avail) {
            return t.drop(Drop.ICMP_BAD_INNER);
        }
        int innerTotal = Ipv4Header.totalLength(b, in);
        // RFC 7757 §4.2.1 rule 3: an error from the very host the quoted packet was sent to keeps its
        // source out of the EAM table, like that host's own packets (rule 1).
        int outerSrc = Ipv4Header.source(b, off);
        boolean srcViaEam = !c.hairpinning() || outerSrc != Ipv4Header.destination(b, in);
        long r = m.toIpv6(outerSrc, true, srcViaEam, scratch, STAGE);
        if (r != 0) {
            return t.drop(Ipv4ToIpv6.mappingDrop(r, Drop.SOURCE_NOT_MAPPED));
        }
        r = m.toIpv6(Ipv4Header.destination(b, off), false, true, scratch, STAGE + 16);
        if (r != 0) {
            return t.drop(Ipv4ToIpv6.mappingDrop(r, Drop.DESTINATION_NOT_MAPPED));
        }
        if (type == IcmpMaps.V4_DEST_UNREACHABLE && code == 4) {
            rest = IcmpMaps.packetTooBigMtu(b.getShort(icmp + 6) & 0xFFFF, innerTotal, c.ipv4Mtu(), c.ipv6Mtu());
        } else if (type == IcmpMaps.V4_DEST_UNREACHABLE && code == 2) {
            rest = 6; // RFC 7915 §4.2: pointer to the Next Header field
        } else if (type == IcmpMaps.V4_PARAMETER_PROBLEM) {
            int pointer = IcmpMaps.pointerV4ToV6(b.get(icmp + 4) & 0xFF);
            if (pointer == IcmpMaps.NONE) {
                return t.drop(Drop.ICMP_UNTRANSLATABLE);
            }
            rest = pointer;
        } else {
            rest = 0;
        }

        // RFC 4884 §4.1: a non-zero length (in 32-bit words) says where the original datagram ends and
        // an extension structure begins; only Destination Unreachable and Time Exceeded carry it in IPv6.
        int lengthWords = type == IcmpMaps.V4_PARAMETER_PROBLEM || type == IcmpMaps.V4_DEST_UNREACHABLE
                || type == IcmpMaps.V4_TIME_EXCEEDED ? b.get(icmp + 5) & 0xFF : 0;
        int original = avail;
        int extension = 0;
        if (lengthWords != 0 && lengthWords * 4 <= avail) {
            original = lengthWords * 4;
            extension = avail - original;
        }
        if (original < innerIhl) {
            return t.drop(Drop.ICMP_BAD_INNER); // an RFC 4884 length that cuts the quoted IPv4 header
        }
        boolean carriesLength = type6 == IcmpMaps.V6_DEST_UNREACHABLE || type6 == IcmpMaps.V6_TIME_EXCEEDED;
        if (!carriesLength) {
            extension = 0;
        }

        int o = BUILD;
        int icmp6 = o + Ipv6Header.LENGTH;
        int inner6 = icmp6 + 8;
        // At most what can end up in a 1280-byte error: a near-64 KiB quote would overrun the scratch buffer.
        int quoted = Math.min(Math.min(original, Math.max(innerIhl, innerTotal)), 1280);
        int innerLen = translateInner(m, b, in, quoted, inner6);
        if (innerLen < 0) {
            return t.drop(Translator.DROPS[-innerLen - 1]);
        }
        // RFC 7915 §4.2 / RFC 4443 §2.4(c): the whole ICMPv6 error fits in the minimum MTU of 1280.
        int room = 1280 - Ipv6Header.LENGTH - 8;
        int body;
        int lengthField = 0;
        if (extension > 0) {
            body = IcmpExtensionLayout.layOut(scratch, inner6, innerLen, b, in + original, extension, room, 8);
            lengthField = IcmpExtensionLayout.padded(innerLen, room, 8) / 8;
        } else {
            body = Math.min(innerLen, room);
        }

        long srcHi = scratch.getLong(STAGE);
        long srcLo = scratch.getLong(STAGE + 8);
        long dstHi = scratch.getLong(STAGE + 16);
        long dstLo = scratch.getLong(STAGE + 24);
        int icmpLen = 8 + body;
        Ipv6Header.writeFixed(scratch, o, c.ignoreTos() ? 0 : Ipv4Header.tos(b, off), icmpLen,
                Ipv6Header.NH_ICMPV6, ttl - 1);
        Ipv6Header.writeAddresses(scratch, o, srcHi, srcLo, dstHi, dstLo);
        scratch.putShort(icmp6, (short) (type6 << 8 | code6));
        scratch.putShort(icmp6 + 2, (short) 0);
        if (carriesLength) {
            scratch.putInt(icmp6 + 4, lengthField << 24);
        } else {
            scratch.putInt(icmp6 + 4, (int) rest);
        }
        long sum = Checksum.sum(scratch, icmp6, icmpLen) + Ipv6Header.addressSum(srcHi, srcLo, dstHi, dstLo)
                + icmpLen + Ipv6Header.NH_ICMPV6;
        scratch.putShort(icmp6 + 2, (short) Checksum.finish(sum));
        t.emit6(sink, scratch, o, Ipv6Header.LENGTH + icmpLen);
        t.counters.add(Counters.TRANSLATED_4TO6, t.gsoSegments);
        return Verdict.TRANSLATED;
    }

    /**
     * RFC 7915 §4.3: the IPv4 packet inside an ICMPv4 error becomes an IPv6 packet. Its addresses are
     * mapped the other way round (it travelled from the remote side to us), its TTL is kept, its
     * transport checksum is updated like the outer one's. Writes at {@code out} in scratch and returns
     * the bytes written, or {@code -(drop ordinal + 1)}.
     */
    private int translateInner(AddressMapper m, ByteBuffer b, int in, int innerLen, int out) {
        int ihl = Ipv4Header.ihl(b, in);
        int total = Ipv4Header.totalLength(b, in);
        int protocol = Ipv4Header.protocol(b, in);
        int fragField = Ipv4Header.fragmentField(b, in);
        int fragOffset = Ipv4Header.fragmentOffsetBytes(fragField);
        boolean more = (fragField & Ipv4Header.FLAG_MF) != 0;
        boolean isFragment = more || fragOffset != 0;
        int src = Ipv4Header.source(b, in);
        int dst = Ipv4Header.destination(b, in);
        int dataLen = innerLen - ihl;
        int d = in + ihl;
        if (protocol == PROTO_ICMP && fragOffset == 0 && dataLen >= 1
                && IcmpMaps.isIcmp4Error(b.get(d) & 0xFF)) {
            return -(Drop.ICMP_NESTED_ERROR.ordinal() + 1);
        }
        if (Ipv4ToIpv6.isUntranslatableProtocol(protocol) || UnforwardableIpv4.check(src, dst) != null) {
            return -(Drop.ICMP_BAD_INNER.ordinal() + 1); // RFC 7915 §4.3: "in the same way" as an outer packet
        }
        // RFC 7757 §4.2.1 rule 2: the inner destination is never mapped through the EAM table.
        long r = m.toIpv6(src, false, true, scratch, out + 8);
        if (r == 0) {
            r = m.toIpv6(dst, true, !m.config().hairpinning(), scratch, out + 24);
        }
        if (r != 0) {
            return -(Drop.ICMP_BAD_INNER.ordinal() + 1);
        }
        int fh = isFragment ? Ipv6Header.FRAGMENT_HEADER_LENGTH : 0;
        int nextHeader = protocol == PROTO_ICMP ? Ipv6Header.NH_ICMPV6 : protocol;
        // Payload length as the original packet had it, even though only part of it is quoted.
        int payloadLength = Math.max(0, total - ihl) + fh;
        Ipv6Header.writeFixed(scratch, out, m.config().ignoreTos() ? 0 : Ipv4Header.tos(b, in), payloadLength,
                isFragment ? Ipv6Header.NH_FRAGMENT : nextHeader, Ipv4Header.ttl(b, in));
        if (isFragment) {
            Ipv6Header.writeFragmentHeader(scratch, out + Ipv6Header.LENGTH, nextHeader, fragOffset, more,
                    Ipv4Header.identification(b, in));
        }
        int data = out + Ipv6Header.LENGTH + fh;
        scratch.put(data, b, d, dataLen);
        if (fragOffset == 0) {
            long oldSum = Checksum.ipv4Addresses(src, dst);
            long newSum = Checksum.sum(scratch, out + 8, 32);
            updateInnerTransport(scratch, data, dataLen, protocol, Math.max(0, total - ihl), oldSum, newSum);
        }
        return Ipv6Header.LENGTH + fh + dataLen;
    }

    /** Like {@code Ipv4ToIpv6.updateTransport} but for a quoted, possibly truncated packet: fix what is present. */
    private static void updateInnerTransport(ByteBuffer s, int p, int len, int protocol, int fullLen,
            long oldAddrSum, long newAddrSum) {
        int field = PseudoHeaderChecksum.fieldOffset(protocol);
        if (field >= 0 && len >= field + 2) {
            PseudoHeaderChecksum.adjust(s, p, protocol, oldAddrSum, newAddrSum);
        } else if (protocol == PROTO_ICMP && len >= 4) {
            int oldWord = s.getShort(p) & 0xFFFF;
            int mapped = IcmpMaps.v4ToV6(oldWord >>> 8, oldWord & 0xFF);
            if (mapped != IcmpMaps.NONE) {
                s.putShort(p, (short) mapped);
                long pseudo = newAddrSum + fullLen + Ipv6Header.NH_ICMPV6;
                s.putShort(p + 2, (short) Checksum.adjust(s.getShort(p + 2) & 0xFFFF, oldWord, mapped + pseudo));
            }
        }
    }
}
