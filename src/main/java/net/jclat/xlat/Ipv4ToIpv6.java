package net.jclat.xlat;

import java.nio.ByteBuffer;

/** RFC 7915 §4: translating IPv4 packets into IPv6; the ICMPv4 errors they carry go to {@link Icmp4ErrorTranslation}. */
final class Ipv4ToIpv6 {
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_IGMP = 2;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_DCCP = 33;
    private static final int OPT_EOL = 0;
    private static final int OPT_NOP = 1;
    private static final int OPT_LSRR = 131;
    private static final int OPT_SSRR = 137;
    /** Where the translated addresses are staged in scratch before they overwrite the input. */
    private static final int STAGE = 0;
    /** Where fragments and ICMP errors are built in scratch. */
    private static final int BUILD = 64;

    private final Translator t;
    private final IcmpErrors errors;
    private final ByteBuffer scratch;
    private final Icmp4ErrorTranslation errorTranslation;

    Ipv4ToIpv6(Translator t, IcmpErrors errors) {
        this.t = t;
        this.errors = errors;
        this.scratch = t.scratch;
        this.errorTranslation = new Icmp4ErrorTranslation(t);
    }

    Verdict translate(AddressMapper m, ByteBuffer b, int off, int len, PacketSink sink) {
        t.counters.add(Counters.IN4_PACKETS, t.gsoSegments);
        t.counters.add(Counters.IN4_BYTES, t.wireBytes(len, Ipv4Header.ihl(b, off)));
        return translateDatagram(m, b, off, len, sink);
    }

    /** {@link #translate} after the input was counted; also for a datagram reassembled from its fragments. */
    Verdict translateDatagram(AddressMapper m, ByteBuffer b, int off, int len, PacketSink sink) {
        XlatConfig c = m.config();
        if (len < Ipv4Header.MIN_LENGTH) {
            return t.drop(Drop.IPV4_TRUNCATED);
        }
        int ihl = Ipv4Header.ihl(b, off);
        if (ihl < Ipv4Header.MIN_LENGTH) {
            return t.drop(Drop.IPV4_BAD_HEADER);
        }
        if (ihl > len) {
            return t.drop(Drop.IPV4_TRUNCATED);
        }
        int total = Ipv4Header.totalLength(b, off);
        if (total < ihl) {
            return t.drop(Drop.IPV4_BAD_HEADER);
        }
        if (total > len) {
            return t.drop(Drop.IPV4_TRUNCATED);
        }
        // RFC 1812 §5.2.2: a router verifies the header checksum; a corrupt header is not forwarded.
        if (Checksum.fold(Checksum.sum(b, off, ihl)) != 0xFFFF) {
            return t.drop(Drop.IPV4_BAD_CHECKSUM);
        }
        int src = Ipv4Header.source(b, off);
        int dst = Ipv4Header.destination(b, off);
        // RFC 7915 §4.1 (illegal source, RFC 1812 §5.3.7), RFC 1122 §3.2.1.3, RFC 3927 §2.7: silently discarded.
        Drop scope = UnforwardableIpv4.check(src, dst);
        if (scope != null) {
            return t.drop(scope);
        }
        if (ihl > Ipv4Header.MIN_LENGTH) {
            Drop options = checkOptions(b, off, ihl);
            if (options == Drop.IPV4_SOURCE_ROUTE) {
                // RFC 7915 §4.1: discard, and SHOULD return Destination Unreachable, Source Route Failed.
                return t.answered(errors.icmp4(m, b, off, IcmpMaps.V4_DEST_UNREACHABLE, 5, 0, sink), options);
            } else if (options != null) {
                return t.drop(options);
            }
        }
        int protocol = Ipv4Header.protocol(b, off);
        if (isUntranslatableProtocol(protocol)) {
            return t.drop(Drop.UNTRANSLATABLE_PROTOCOL);
        }
        int fragField = Ipv4Header.fragmentField(b, off);
        int fragOffset = Ipv4Header.fragmentOffsetBytes(fragField);
        boolean more = (fragField & Ipv4Header.FLAG_MF) != 0;
        boolean df = (fragField & Ipv4Header.FLAG_DF) != 0;
        boolean isFragment = more || fragOffset != 0;
        int p = off + ihl;
        int payloadLen = total - ihl;
        if (fragOffset + payloadLen > 65535 || more && (payloadLen & 7) != 0) {
            // RFC 791 §3.2 / RFC 8200 §4.5: all but the last fragment carry a multiple of 8 bytes.
            return t.drop(Drop.FRAGMENT_BAD);
        }

        if (protocol == PROTO_ICMP && isFragment) {
            // RFC 7915 §4.2: the ICMPv6 checksum covers a pseudo-header and the whole message, so a fragment's
            // cannot be translated alone; the datagram is reassembled, then translated (and fragmented) whole.
            return t.reassembly.offer4(m, b, off, ihl, payloadLen, fragOffset, more, sink);
        }
        int icmpType = -1;
        if (protocol == PROTO_ICMP) {
            if (payloadLen < 8) {
                return t.drop(Drop.L4_TRUNCATED);
            }
            icmpType = b.get(p) & 0xFF;
            if (IcmpMaps.isIcmp4Error(icmpType)) {
                return errorTranslation.translate(m, b, off, ihl, total, sink);
            }
            if (icmpType != IcmpMaps.V4_ECHO_REQUEST && icmpType != IcmpMaps.V4_ECHO_REPLY) {
                return t.drop(Drop.ICMP_UNTRANSLATABLE);
            }
        }
        // Map both addresses before any byte of the input changes, so a refusal leaves it intact.
        // RFC 7757 §4.2.1 rule 1: with hairpinning, the source of a non-error packet is never mapped through
        // the EAM table.
        long r = m.toIpv6(src, true, !c.hairpinning(), scratch, STAGE);
        if (r == AddressMapper.NOT_MAPPED) {
            return t.drop(Drop.SOURCE_NOT_MAPPED); // RFC 7756 §6: not one of ours, filtered and never answered
        } else if (r != 0) {
            // RFC 7915 §4.4: no IPv6 form (RFC 6052 §3.1, no prefix yet) is answered with 3/13 like a destination.
            return t.answered(errors.icmp4(m, b, off, IcmpMaps.V4_DEST_UNREACHABLE, 13, 0, sink),
                    mappingDrop(r, Drop.SOURCE_NOT_MAPPED));
        }
        r = m.toIpv6(dst, false, true, scratch, STAGE + 16);
        if (r != 0) {
            // RFC 7915 §4.4: a discarded packet is answered with Destination Unreachable, Communication
            // Administratively Prohibited (3/13).
            return t.answered(errors.icmp4(m, b, off, IcmpMaps.V4_DEST_UNREACHABLE, 13, 0, sink),
                    mappingDrop(r, Drop.DESTINATION_NOT_MAPPED));
        }

        // RFC 7915 §4.1 Hop Limit: the translator is a router, so it decrements and checks for zero.
        int ttl = Ipv4Header.ttl(b, off);
        if (ttl <= 1) {
            return t.answered(errors.icmp4(m, b, off, IcmpMaps.V4_TIME_EXCEEDED, 0, 0, sink), Drop.TTL_EXPIRED);
        }

        // RFC 7915 §4.1: a Fragment Header is added when the packet is a fragment, or when DF is clear and
        // the IPv6 packet would exceed the lowest IPv6 MTU (then it is also fragmented here).
        // "with Fragment Header added to each fragment": an IPv4 fragment already needs those 8 bytes.
        // A GSO super-packet goes by the size of one of its segments: the kernel cuts it after us.
        int mtuPayload = t.gsoSegmentPayload > 0 ? t.gsoSegmentPayload : payloadLen;
        boolean fragmentHere = !df && Ipv6Header.LENGTH + (isFragment ? Ipv6Header.FRAGMENT_HEADER_LENGTH : 0)
                + mtuPayload > c.lowestIpv6Mtu();
        boolean fragmentHeader = isFragment || fragmentHere;
        int v6Len = Ipv6Header.LENGTH + (fragmentHeader ? 8 : 0) + payloadLen;
        if (!fragmentHere && v6Len - payloadLen + mtuPayload > c.ipv6Mtu()) {
            if (df) {
                // RFC 7915 §4 / RFC 1191: too big for the IPv6 next hop; tell the sender its path MTU.
                int mtu = c.ipv6Mtu() - Ipv6Header.LENGTH + Ipv4Header.MIN_LENGTH - (fragmentHeader ? 8 : 0);
                return t.answered(errors.icmp4(m, b, off, IcmpMaps.V4_DEST_UNREACHABLE, 4, mtu, sink),
                        Drop.PACKET_TOO_BIG);
            }
            fragmentHere = true;
        }

        long srcHi = scratch.getLong(STAGE);
        long srcLo = scratch.getLong(STAGE + 8);
        long dstHi = scratch.getLong(STAGE + 16);
        long dstLo = scratch.getLong(STAGE + 24);
        int tos = c.ignoreTos() ? 0 : Ipv4Header.tos(b, off);
        int id = Ipv4Header.identification(b, off);

        if (fragOffset == 0) {
            Drop l4 = updateTransport(c, b, p, payloadLen, protocol, isFragment,
                    Checksum.ipv4Addresses(src, dst), Ipv6Header.addressSum(srcHi, srcLo, dstHi, dstLo));
            if (l4 != null) {
                if (l4 == Drop.UDP_ZERO_CHECKSUM) {
                    t.zeroChecksumUdp.record(src, dst, b.getShort(p) & 0xFFFF, b.getShort(p + 2) & 0xFFFF);
                }
                return t.drop(l4);
            }
        }
        int nextHeader = protocol == PROTO_ICMP ? Ipv6Header.NH_ICMPV6 : protocol;

        if (fragmentHere) {
            emitFragments(c, b, p, payloadLen, tos, nextHeader, ttl - 1, fragOffset, more, id,
                    srcHi, srcLo, dstHi, dstLo, sink);
        } else {
            int o = p - Ipv6Header.LENGTH - (fragmentHeader ? 8 : 0);
            Ipv6Header.writeFixed(b, o, tos, v6Len - Ipv6Header.LENGTH,
                    fragmentHeader ? Ipv6Header.NH_FRAGMENT : nextHeader, ttl - 1);
            Ipv6Header.writeAddresses(b, o, srcHi, srcLo, dstHi, dstLo);
            if (fragmentHeader) {
                // RFC 7915 §4.1: Fragment Header from the IPv4 fragment fields, identification zero-extended.
                Ipv6Header.writeFragmentHeader(b, o + Ipv6Header.LENGTH, nextHeader, fragOffset, more, id);
            }
            t.emit6(sink, b, o, v6Len);
        }
        t.counters.add(Counters.TRANSLATED_4TO6, t.gsoSegments);
        return Verdict.TRANSLATED;
    }

    /**
     * RFC 7915 §4.4/§4.5: the transport checksum covers a pseudo-header whose addresses changed, so it is
     * updated incrementally (RFC 1624); ICMPv4 echo becomes ICMPv6 echo, whose checksum newly includes
     * the pseudo-header. Returns a drop reason, or null.
     */
    private Drop updateTransport(XlatConfig c, ByteBuffer b, int p, int len, int protocol, boolean isFragment,
            long oldAddrSum, long newAddrSum) {
        switch (protocol) {
            case PROTO_TCP, PROTO_DCCP -> {
                if (len < PseudoHeaderChecksum.fieldOffset(protocol) + 2) {
                    return Drop.L4_TRUNCATED;
                }
                if (t.partialChecksum) {
                    PseudoHeaderChecksum.adjustPartial(b, p, protocol, oldAddrSum, newAddrSum);
                } else {
                    PseudoHeaderChecksum.adjust(b, p, protocol, oldAddrSum, newAddrSum);
                }
            }
            case PROTO_UDP -> {
                if (len < 8) {
                    return Drop.L4_TRUNCATED;
                }
                if (t.partialChecksum) {
                    PseudoHeaderChecksum.adjustPartial(b, p, protocol, oldAddrSum, newAddrSum);
                    return null;
                }
                int sum = b.getShort(p + 6) & 0xFFFF;
                if (sum == 0) {
                    // RFC 7915 §4.5: compute it if the whole datagram is here and policy allows, else drop.
                    if (isFragment || c.udpZeroChecksum() == UdpZeroChecksum.DROP) {
                        return Drop.UDP_ZERO_CHECKSUM;
                    }
                    b.putShort(p + 6, (short) nonZero(Checksum.finish(Checksum.sum(b, p, len) + newAddrSum
                            + len + PROTO_UDP)));
                } else {
                    PseudoHeaderChecksum.adjust(b, p, protocol, oldAddrSum, newAddrSum);
                }
            }
            case PROTO_ICMP -> {
                int oldWord = b.getShort(p) & 0xFFFF;
                int type = IcmpMaps.v4ToV6(oldWord >>> 8, oldWord & 0xFF) >>> 8;
                int newWord = type << 8 | (oldWord & 0xFF);
                b.put(p, (byte) type);
                long pseudo = newAddrSum + len + Ipv6Header.NH_ICMPV6;
                b.putShort(p + 2, (short) Checksum.adjust(b.getShort(p + 2) & 0xFFFF, oldWord, newWord + pseudo));
            }
            default -> {
                // No pseudo-header in its checksum (or none at all): nothing to update.
            }
        }
        return null;
    }

    /** A UDP checksum of zero means "none"; a computed zero is sent as all ones (RFC 768). */
    static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /**
     * RFC 7915 §4.1: fragments of at most the lowest IPv6 MTU, each with a Fragment Header carrying the IPv4
     * identification; offsets continue from an IPv4 fragment's own offset and M stays set for all but the
     * last piece of the last IPv4 fragment.
     */
    private void emitFragments(XlatConfig c, ByteBuffer b, int p, int payloadLen, int tos, int nextHeader,
            int hopLimit, int baseOffset, boolean more, int id, long srcHi, long srcLo, long dstHi, long dstLo,
            PacketSink sink) {
        int maxChunk = (c.lowestIpv6Mtu() - Ipv6Header.LENGTH - Ipv6Header.FRAGMENT_HEADER_LENGTH) & ~7;
        int hdr = Ipv6Header.LENGTH + Ipv6Header.FRAGMENT_HEADER_LENGTH;
        Ipv6Header.writeAddresses(scratch, BUILD, srcHi, srcLo, dstHi, dstLo);
        for (int done = 0; done < payloadLen; ) {
            int chunk = Math.min(maxChunk, payloadLen - done);
            boolean last = done + chunk == payloadLen;
            Ipv6Header.writeFixed(scratch, BUILD, tos, Ipv6Header.FRAGMENT_HEADER_LENGTH + chunk,
                    Ipv6Header.NH_FRAGMENT, hopLimit);
            Ipv6Header.writeFragmentHeader(scratch, BUILD + Ipv6Header.LENGTH, nextHeader, baseOffset + done,
                    !last || more, id);
            scratch.put(BUILD + hdr, b, p + done, chunk);
            t.counters.add(Counters.FRAGMENTS_MADE, 1);
            t.emit6(sink, scratch, BUILD, hdr + chunk);
            done += chunk;
        }
    }

    /**
     * RFC 7915 §4.1: options are ignored, but an unexpired source route (LSRR/SSRR whose pointer has not
     * passed its length) means the packet must be discarded. Malformed options are refused outright.
     */
    private static Drop checkOptions(ByteBuffer b, int off, int ihl) {
        int i = off + Ipv4Header.MIN_LENGTH;
        int end = off + ihl;
        while (i < end) {
            int type = b.get(i) & 0xFF;
            if (type == OPT_EOL) {
                return null;
            }
            if (type == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return Drop.IPV4_BAD_OPTIONS;
            }
            int optLen = b.get(i + 1) & 0xFF;
            if (optLen < 2 || i + optLen > end) {
                return Drop.IPV4_BAD_OPTIONS;
            }
            if ((type == OPT_LSRR || type == OPT_SSRR) && optLen >= 3) {
                int pointer = b.get(i + 2) & 0xFF;
                if (pointer <= optLen) {
                    return Drop.IPV4_SOURCE_ROUTE;
                }
            }
            i += optLen;
        }
        return null;
    }

    /**
     * IGMP is link-local multicast signalling; the IPv6 extension-header and ICMPv6 numbers would be
     * misread as IPv6 structure once copied into Next Header.
     */
    static boolean isUntranslatableProtocol(int protocol) {
        return protocol == PROTO_IGMP || protocol == Ipv6Header.NH_HOP_BY_HOP || protocol == Ipv6Header.NH_ROUTING
                || protocol == Ipv6Header.NH_FRAGMENT || protocol == Ipv6Header.NH_ICMPV6
                || protocol == Ipv6Header.NH_NONE || protocol == Ipv6Header.NH_DESTINATION_OPTIONS;
    }

    static Drop mappingDrop(long code, Drop notMapped) {
        if (code == AddressMapper.NON_GLOBAL) {
            return Drop.WKP_NON_GLOBAL;
        }
        return code == AddressMapper.NO_PREF64 ? Drop.NO_PREF64 : notMapped;
    }
}
