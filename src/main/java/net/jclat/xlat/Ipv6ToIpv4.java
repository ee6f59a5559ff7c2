package net.jclat.xlat;

import java.nio.ByteBuffer;

/** RFC 7915 §5: translating IPv6 packets into IPv4; the ICMPv6 errors they carry go to {@link Icmp6ErrorTranslation}. */
final class Ipv6ToIpv4 {
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_DCCP = 33;
    private static final int NH_MOBILITY = 135;
    private static final int NH_HIP = 139;
    private static final int NH_SHIM6 = 140;
    private static final int STAGE = 0;
    private static final int BUILD = 64;
    /** RFC 7915 §5 and §5.1: an unfragmented result above this size gets DF set. */
    private static final int DF_THRESHOLD = 1260;

    private final Translator t;
    private final IcmpErrors errors;
    private final ByteBuffer scratch;

    /** The outer packet's extension headers (one worker thread, so reusing it is safe). */
    private final ExtensionHeaderChain walk = new ExtensionHeaderChain();
    private final Icmp6ErrorTranslation errorTranslation;

    Ipv6ToIpv4(Translator t, IcmpErrors errors) {
        this.t = t;
        this.errors = errors;
        this.scratch = t.scratch;
        this.errorTranslation = new Icmp6ErrorTranslation(t);
    }

    Verdict translate(AddressMapper m, ByteBuffer b, int off, int len, PacketSink sink) {
        t.counters.add(Counters.IN6_PACKETS, t.gsoSegments);
        t.counters.add(Counters.IN6_BYTES, t.wireBytes(len, Ipv6Header.LENGTH));
        return translateDatagram(m, b, off, len, sink);
    }

    /** {@link #translate} after the input was counted; also for a datagram reassembled from its fragments. */
    Verdict translateDatagram(AddressMapper m, ByteBuffer b, int off, int len, PacketSink sink) {
        XlatConfig c = m.config();
        if (len < Ipv6Header.LENGTH) {
            return t.drop(Drop.IPV6_TRUNCATED);
        }
        int end = off + Ipv6Header.LENGTH + Ipv6Header.payloadLength(b, off);
        if (end > off + len) {
            return t.drop(Drop.IPV6_TRUNCATED);
        }
        long srcHi = Ipv6Header.sourceHi(b, off);
        long srcLo = Ipv6Header.sourceLo(b, off);
        long dstHi = Ipv6Header.destinationHi(b, off);
        long dstLo = Ipv6Header.destinationLo(b, off);
        if (Ipv6Header.isMulticast(dstHi) || Ipv6Header.isMulticast(srcHi)) {
            return t.drop(Drop.MULTICAST);
        }
        // RFC 7915 §5.1: an illegal source (unspecified, loopback) is silently dropped.
        if (srcHi == 0 && (srcLo == 0 || srcLo == 1)) {
            return t.drop(Drop.ILLEGAL_SOURCE);
        }
        Drop bad = walk.walk(b, off, end);
        if (bad != null) {
            return t.drop(bad);
        }
        int nh = walk.nextHeader;
        int p = walk.payload;
        boolean frag = walk.fragment;
        int fragOffset = walk.fragOffset;
        boolean more = walk.more;
        boolean isFragment = frag && (more || fragOffset != 0);
        int payloadLen = end - p;
        if (more && (payloadLen & 7) != 0) {
            // RFC 8200 §4.5: a non-last fragment must carry a multiple of 8 bytes.
            return t.drop(Drop.FRAGMENT_BAD);
        }
        if (frag && fragOffset + payloadLen > 65535 - Ipv4Header.MIN_LENGTH) {
            // RFC 791 §3.1: Total Length is 16 bits, so no IPv4 datagram, header included, exceeds 65535 bytes.
            // A fragment ending past that could never be reassembled (RFC 8200 §4.5 discards the IPv6 one for
            // the same reason); passed on, it would hand IPv4 hosts the oversized reassembly of a "ping of death".
            return t.drop(Drop.FRAGMENT_BAD);
        }
        if (nh == Ipv6Header.NH_ICMPV6 && isFragment) {
            // RFC 7915 §5.2: the ICMPv6 checksum covers a pseudo-header and the ICMPv4 one does not, so a fragment's
            // cannot be translated alone; the datagram is reassembled, then translated (and fragmented) whole.
            return t.reassembly.offer6(m, b, off, p, payloadLen, fragOffset, more, walk.fragId, sink);
        }
        int icmpType = -1;
        if (nh == Ipv6Header.NH_ICMPV6) {
            if (payloadLen < 8) {
                return t.drop(Drop.L4_TRUNCATED);
            }
            icmpType = b.get(p) & 0xFF;
            if (IcmpMaps.isIcmp6Error(icmpType)) {
                if (walk.segmentsLeftAt >= 0) {
                    // RFC 7915 §5.1: never translated; no error either, it is an ICMPv6 error itself.
                    return t.drop(Drop.IPV6_SEGMENTS_LEFT);
                }
                return errorTranslation.translate(m, b, off, end, p, sink);
            }
            if (icmpType != IcmpMaps.V6_ECHO_REQUEST && icmpType != IcmpMaps.V6_ECHO_REPLY) {
                // RFC 7915 §5.2: MLD, ND and unknown informational messages are silently dropped.
                return t.drop(icmpType >= 130 && icmpType <= 143 ? Drop.NDP_MLD : Drop.ICMP_UNTRANSLATABLE);
            }
        }
        if (walk.segmentsLeftAt >= 0) {
            // RFC 7915 §5.1: not translated; Parameter Problem pointing at the Segments Left field.
            return t.answered(errors.icmp6(m, b, off, end - off, fragOffset != 0, icmpType >= 0,
                    IcmpMaps.V6_PARAMETER_PROBLEM, 0, walk.segmentsLeftAt - off, sink), Drop.IPV6_SEGMENTS_LEFT);
        }
        if (isUntranslatableProtocol(nh)) {
            return t.drop(Drop.UNTRANSLATABLE_PROTOCOL);
        }

        long src = m.toIpv4(srcHi, srcLo, false);
        if (src < 0) {
            return untranslatableSource(m, b, off, end, fragOffset != 0, nh, src, sink);
        }
        if (m.isOwnIpv4((int) src)) {
            // RFC 7756 §6: spoofing us to ourselves; an error would go to the PLAT and come back to us.
            return t.drop(Drop.OWN_ADDRESS_SOURCE);
        }
        long dst = m.toIpv4(dstHi, dstLo, true);
        if (dst < 0) {
            // RFC 7915 §5.4: answer with Destination Unreachable, Administratively Prohibited (1/1),
            // unless the packet is itself an ICMPv6 message.
            return t.answered(errors.icmp6(m, b, off, end - off, fragOffset != 0, nh == Ipv6Header.NH_ICMPV6,
                    IcmpMaps.V6_DEST_UNREACHABLE, 1, 0, sink), Ipv4ToIpv6.mappingDrop(dst, Drop.DESTINATION_NOT_MAPPED));
        }
        // RFC 7915 §5.1 (illegal source), RFC 1122 §3.2.1.3, RFC 3927 §2.7: silently discarded.
        Drop scope = UnforwardableIpv4.check((int) src, (int) dst);
        if (scope != null) {
            return t.drop(scope);
        }
        int hopLimit = Ipv6Header.hopLimit(b, off);
        if (hopLimit <= 1) {
            // RFC 7915 §5.1 Time to Live: the translator is a router and sends Hop Limit Exceeded.
            return t.answered(errors.icmp6(m, b, off, end - off, fragOffset != 0, false,
                    IcmpMaps.V6_TIME_EXCEEDED, 0, 0, sink), Drop.TTL_EXPIRED);
        }
        // RFC 7757 §4.2.2 condition set A: a non-error packet whose destination came from the NAT64
        // prefix but lands in the EAM table is hairpinned straight back to IPv6.
        if (c.hairpinning() && !m.isEamIpv6(dstHi, dstLo) && m.isEamIpv4((int) dst)) {
            return hairpin(m, b, off, end, p, nh, fragOffset, (int) src, (int) dst, srcHi, srcLo, dstHi, dstLo,
                    sink);
        }

        int total = Ipv4Header.MIN_LENGTH + payloadLen;
        if (total > 65535) {
            return t.drop(Drop.OVERSIZE);
        }
        // A GSO super-packet goes by the size of one of its segments: the kernel cuts it after us.
        int mtuTotal = t.gsoSegmentPayload > 0 ? Ipv4Header.MIN_LENGTH + t.gsoSegmentPayload : total;
        boolean df = !frag && mtuTotal > DF_THRESHOLD;
        if (df && mtuTotal > c.ipv4Mtu()) {
            // RFC 7915 §5 / §7: DF is set, so the IPv6 sender learns the IPv4 next hop's MTU + 20.
            int mtu = Math.max(1280, c.ipv4Mtu() + Ipv6Header.LENGTH - Ipv4Header.MIN_LENGTH);
            return t.answered(errors.icmp6(m, b, off, end - off, false, false, IcmpMaps.V6_PACKET_TOO_BIG, 0, mtu,
                    sink), Drop.PACKET_TOO_BIG);
        }
        if (fragOffset == 0) {
            Drop l4 = updateTransport(b, p, payloadLen, nh, Ipv6Header.addressSum(srcHi, srcLo, dstHi, dstLo),
                    Checksum.ipv4Addresses((int) src, (int) dst), t.partialChecksum);
            if (l4 != null) {
                return t.drop(l4);
            }
        }
        int tos = Ipv6Header.trafficClass(b, off);
        int protocol = nh == Ipv6Header.NH_ICMPV6 ? PROTO_ICMP : nh;
        int id;
        int fragField;
        if (frag) {
            // RFC 7915 §5.1.1: identification from the low 16 bits, MF from M, DF clear, offset copied.
            id = walk.fragId & 0xFFFF;
            fragField = (more ? Ipv4Header.FLAG_MF : 0) | fragOffset >>> 3;
        } else {
            id = t.gsoSegments > 1 ? t.nextIpv4Ids(t.gsoSegments) : t.nextIpv4Id();
            fragField = df ? Ipv4Header.FLAG_DF : 0;
        }
        int o = p - Ipv4Header.MIN_LENGTH;
        if (mtuTotal > c.ipv4Mtu()) {
            // RFC 7915 §5.1.1: DF is clear, so the translator must fragment for the IPv4 next hop itself.
            emitFragments(c, b, p, payloadLen, tos, id, fragField, hopLimit - 1, protocol, (int) src, (int) dst,
                    sink);
        } else {
            Ipv4Header.write(b, o, tos, total, id, fragField, hopLimit - 1, protocol, (int) src, (int) dst);
            t.emit4(sink, b, o, total);
        }
        t.counters.add(Counters.TRANSLATED_6TO4, t.gsoSegments);
        return Verdict.TRANSLATED;
    }

    /**
     * A source with no IPv4 form. RFC 7915 §5.1: a stateless translator answers a source outside its prefixes
     * with 1/5 ("source address failed ingress/egress policy"); a CLAT or edge relay filters those (RFC 7756
     * §6) and stays silent. RFC 6052 §3.1 (the Well-Known Prefix with a non-global address) gets §5.4's 1/1.
     * Never for an ICMPv6 message (§5.4), and under the shared rate limit.
     */
    private Verdict untranslatableSource(AddressMapper m, ByteBuffer b, int off, int end, boolean nonFirst, int nh,
            long code, PacketSink sink) {
        Drop why = Ipv4ToIpv6.mappingDrop(code, Drop.SOURCE_NOT_MAPPED);
        int icmpCode = code == AddressMapper.NON_GLOBAL ? 1 : 5;
        if (icmpCode == 5 && !m.config().pref64ForLocal()) {
            return t.drop(why);
        }
        return t.answered(errors.icmp6(m, b, off, end - off, nonFirst, nh == Ipv6Header.NH_ICMPV6,
                IcmpMaps.V6_DEST_UNREACHABLE, icmpCode, 0, sink), why);
    }

    /** IPv6-only protocols with no meaning in IPv4 (mobility, HIP, shim6), "no next header" and ICMPv4. */
    static boolean isUntranslatableProtocol(int nh) {
        // ICMPv4 (1) is not IPv6's: copied as protocol 1 it would reach IPv4 as ICMP nobody translated.
        return nh == PROTO_ICMP || nh == Ipv6Header.NH_NONE || nh == NH_MOBILITY || nh == NH_HIP || nh == NH_SHIM6
                || nh == Ipv6Header.NH_HOP_BY_HOP || nh == Ipv6Header.NH_ROUTING || nh == Ipv6Header.NH_FRAGMENT
                || nh == Ipv6Header.NH_DESTINATION_OPTIONS;
    }

    /**
     * RFC 7915 §5.5: incremental update of TCP, UDP and DCCP checksums for the address change; ICMPv6
     * echo becomes ICMPv4 echo, whose checksum no longer covers a pseudo-header.
     */
    private static Drop updateTransport(ByteBuffer b, int p, int len, int nh, long oldAddrSum, long newAddrSum,
            boolean partial) {
        switch (nh) {
            case PROTO_TCP, PROTO_UDP, PROTO_DCCP -> {
                if (len < PseudoHeaderChecksum.fieldOffset(nh) + 2) {
                    return Drop.L4_TRUNCATED;
                }
                if (partial) {
                    PseudoHeaderChecksum.adjustPartial(b, p, nh, oldAddrSum, newAddrSum);
                    return null;
                }
                if (nh == PROTO_UDP && b.getShort(p + 6) == 0) {
                    return Drop.UDP_ZERO_CHECKSUM; // RFC 8200 §8.1: invalid in IPv6
                }
                PseudoHeaderChecksum.adjust(b, p, nh, oldAddrSum, newAddrSum);
            }
            case Ipv6Header.NH_ICMPV6 -> {
                int oldWord = b.getShort(p) & 0xFFFF;
                int newWord = IcmpMaps.v6ToV4(oldWord >>> 8, oldWord & 0xFF);
                b.putShort(p, (short) newWord);
                long pseudo = oldAddrSum + len + Ipv6Header.NH_ICMPV6;
                b.putShort(p + 2, (short) Checksum.adjust(b.getShort(p + 2) & 0xFFFF, oldWord + pseudo, newWord));
            }
            default -> {
                // nothing to update
            }
        }
        return null;
    }

    /** RFC 791 §2.3 fragmentation for the IPv4 next hop, which RFC 7915 §5.1.1 requires when DF is clear. */
    private void emitFragments(XlatConfig c, ByteBuffer b, int p, int payloadLen, int tos, int id, int fragField,
            int ttl, int protocol, int src, int dst, PacketSink sink) {
        int maxChunk = (c.ipv4Mtu() - Ipv4Header.MIN_LENGTH) & ~7;
        int baseOffset = Ipv4Header.fragmentOffsetBytes(fragField);
        boolean more = (fragField & Ipv4Header.FLAG_MF) != 0;
        for (int done = 0; done < payloadLen; ) {
            int chunk = Math.min(maxChunk, payloadLen - done);
            boolean last = done + chunk == payloadLen;
            int field = (!last || more ? Ipv4Header.FLAG_MF : 0) | (baseOffset + done) >>> 3;
            scratch.put(BUILD + Ipv4Header.MIN_LENGTH, b, p + done, chunk);
            Ipv4Header.write(scratch, BUILD, tos, Ipv4Header.MIN_LENGTH + chunk, id, field, ttl, protocol, src, dst);
            t.counters.add(Counters.FRAGMENTS_MADE, 1);
            t.emit4(sink, scratch, BUILD, Ipv4Header.MIN_LENGTH + chunk);
            done += chunk;
        }
    }

    /**
     * RFC 7757 §4.2.2: translate back to IPv6 at once, with the §4.2.1 rules (source through RFC 6052,
     * never EAM) and without a second Hop Limit decrement. Only the addresses change, so this is an
     * address rewrite with an incremental checksum update.
     */
    private Verdict hairpin(AddressMapper m, ByteBuffer b, int off, int end, int p, int nh, int fragOffset,
            int src, int dst, long oldSrcHi, long oldSrcLo, long oldDstHi, long oldDstLo, PacketSink sink) {
        // The source came from the IPv6 side, so it is a remote address: RFC 6052 form, never EAM.
        long r = m.toIpv6(src, false, false, scratch, STAGE);
        if (r == 0) {
            r = m.toIpv6(dst, false, true, scratch, STAGE + 16);
        }
        if (r != 0) {
            return t.drop(Ipv4ToIpv6.mappingDrop(r, Drop.SOURCE_NOT_MAPPED));
        }
        long srcHi = scratch.getLong(STAGE);
        long srcLo = scratch.getLong(STAGE + 8);
        long dstHi = scratch.getLong(STAGE + 16);
        long dstLo = scratch.getLong(STAGE + 24);
        if (fragOffset == 0) {
            int field = switch (nh) {
                case PROTO_TCP -> 16;
                case PROTO_UDP, PROTO_DCCP, Ipv6Header.NH_ICMPV6 -> nh == Ipv6Header.NH_ICMPV6 ? 2 : 6;
                default -> -1;
            };
            if (field >= 0) {
                if (p + field + 2 > end) {
                    return t.drop(Drop.L4_TRUNCATED);
                }
                long oldSum = Ipv6Header.addressSum(oldSrcHi, oldSrcLo, oldDstHi, oldDstLo);
                long newSum = Ipv6Header.addressSum(srcHi, srcLo, dstHi, dstLo);
                if (t.partialChecksum) {
                    PseudoHeaderChecksum.adjustPartial(b, p, nh, oldSum, newSum);
                } else {
                    int adjusted = Checksum.adjust(b.getShort(p + field) & 0xFFFF, oldSum, newSum);
                    b.putShort(p + field, (short) (nh == PROTO_UDP ? Ipv4ToIpv6.nonZero(adjusted) : adjusted));
                }
            }
        }
        Ipv6Header.writeAddresses(b, off, srcHi, srcLo, dstHi, dstLo);
        b.put(off + 7, (byte) (Ipv6Header.hopLimit(b, off) - 1));
        t.counters.add(Counters.HAIRPINNED, t.gsoSegments);
        t.emit6(sink, b, off, end - off);
        t.counters.add(Counters.TRANSLATED_6TO4, t.gsoSegments);
        return Verdict.TRANSLATED;
    }
}
