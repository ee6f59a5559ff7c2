package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.ROUTER4;
import static net.jclat.xlat.Fixtures.ROUTER4_AS_V6;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7915 §4.2: translating ICMPv4 headers into ICMPv6 headers. */
class Rfc7915Section4_2Test {

    /** A UDP packet the IPv6 host R4 sent to H4, as an IPv4 router saw it after translation. */
    static byte[] quotedUdp(int totalLength) {
        return ipv4(R4, H4).ttl(17).id(0x0102).df(true).udp(5353, 53, bytes(totalLength - 28, 11)).build();
    }

    /** An ICMPv4 error from an IPv4 router to the IPv6 host R4 about {@code quoted}. */
    static byte[] icmp4Error(int type, int code, int rest, byte[] quoted) {
        return ipv4(ROUTER4, R4).ttl(50).icmp(type, code, rest, quoted).build();
    }

    private static PacketAssert.V6 translate(XlatConfig c, byte[] in) {
        PacketAssert.V6 v6 = XlatRun.run(c, in).single6();
        assertEquals(58, v6.nextHeader);
        assertAddress(ROUTER4_AS_V6, v6.src);
        assertAddress(R4_AS_V6, v6.dst);
        return v6;
    }

    // --- Queries ------------------------------------------------------------------------------------

    @Test
    void echoRequestBecomesType128WithPseudoHeaderChecksum() {
        byte[] in = ipv4(H4, R4).icmp(8, 0, PacketBuilder.echoRest(0x1234, 7), bytes(56, 3)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(128, v6.icmpType());
        assertEquals(0, v6.icmpCode());
        assertEquals(PacketBuilder.echoRest(0x1234, 7), v6.icmpRest(), "identifier and sequence kept");
        assertArrayEquals(bytes(56, 3), v6.icmpBody(), "data kept");
        // valid6 already checked the ICMPv6 checksum including the pseudo-header.
    }

    @Test
    void echoReplyBecomesType129WithPseudoHeaderChecksum() {
        byte[] in = ipv4(H4, R4).icmp(0, 0, PacketBuilder.echoRest(0xFFFF, 0xFFFF), bytes(1, 0xFF)).build();
        PacketAssert.V6 v6 = XlatRun.run(siitConfig(), in).single6();
        assertEquals(129, v6.icmpType());
        assertArrayEquals(bytes(1, 0xFF), v6.icmpBody());
    }

    @ParameterizedTest(name = "ICMPv4 type {0} is silently dropped")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18, 9, 10, 6, 42, 255})
    void informationTimestampMaskRouterAndUnknownQueriesAreSilentlyDropped(int type) {
        byte[] in = ipv4(H4, R4).icmp(type, 0, 0, bytes(12, 0)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void redirectIsSilentlyDropped() {
        byte[] in = icmp4Error(5, 1, PacketBuilder.v4("192.0.2.99"), quotedUdp(60));
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void sourceQuenchIsSilentlyDropped() {
        XlatRun.run(siitConfig(), icmp4Error(4, 0, 0, quotedUdp(60))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void igmpIsSilentlyDropped() {
        byte[] in = ipv4(H4, R4).payload(2, new byte[] {0x11, 0, (byte) 0xEE, (byte) 0xFF, 0, 0, 0, 0}).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(0, r.out.size());
    }

    // --- Errors -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "Destination Unreachable code {0} -> ICMPv6 type {1} code {2}")
    @CsvSource({
        "0, 1, 0", "1, 1, 0", "3, 1, 4", "5, 1, 0", "6, 1, 0", "7, 1, 0", "8, 1, 0",
        "9, 1, 1", "10, 1, 1", "11, 1, 0", "12, 1, 0", "13, 1, 1", "15, 1, 1",
    })
    void destinationUnreachableCodesAreTranslatedPerRfc7915(int code, int type6, int code6) {
        byte[] quoted = quotedUdp(60);
        PacketAssert.V6 v6 = translate(siitConfig(), icmp4Error(3, code, 0, quoted));
        assertEquals(type6, v6.icmpType());
        assertEquals(code6, v6.icmpCode());
        assertEquals(0, v6.icmpRest(), "unused word stays zero");
        assertEquals(49, v6.hopLimit);
    }

    @ParameterizedTest(name = "Destination Unreachable code {0} is silently dropped")
    @ValueSource(ints = {14, 16, 17, 255})
    void destinationUnreachableHostPrecedenceViolationAndUnknownCodesAreDropped(int code) {
        XlatRun.run(siitConfig(), icmp4Error(3, code, 0, quotedUdp(60))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void protocolUnreachableBecomesParameterProblemPointingAtNextHeader() {
        PacketAssert.V6 v6 = translate(siitConfig(), icmp4Error(3, 2, 0, quotedUdp(60)));
        assertEquals(4, v6.icmpType());
        assertEquals(1, v6.icmpCode(), "unrecognized Next Header type");
        assertEquals(6, v6.icmpRest(), "pointer to the IPv6 Next Header field");
    }

    @Test
    void fragmentationNeededBecomesPacketTooBigWithMtuPlusTwenty() {
        PacketAssert.V6 v6 = translate(siitConfig(), icmp4Error(3, 4, 1400, quotedUdp(1500)));
        assertEquals(2, v6.icmpType());
        assertEquals(0, v6.icmpCode());
        assertEquals(1420, v6.icmpRest(), "max(1280, min(1400 + 20, 1500, 1500 + 20))");
    }

    @Test
    void packetTooBigMtuIsCappedByTheIpv6NextHopMtu() {
        PacketAssert.V6 v6 = translate(siit().ipv6Mtu(1500).build(), icmp4Error(3, 4, 1492, quotedUdp(1500)));
        assertEquals(1500, v6.icmpRest(), "min(1492 + 20, 1500, 1520)");
    }

    @Test
    void packetTooBigMtuIsCappedByTheIpv4NextHopMtuPlusTwenty() {
        XlatConfig c = siit().ipv4Mtu(1400).ipv6Mtu(9000).lowestIpv6Mtu(1280).build();
        PacketAssert.V6 v6 = translate(c, icmp4Error(3, 4, 8000, quotedUdp(1500)));
        assertEquals(1420, v6.icmpRest(), "min(8020, 9000, 1400 + 20)");
    }

    @Test
    void packetTooBigMtuIsNeverBelow1280() {
        PacketAssert.V6 v6 = translate(siitConfig(), icmp4Error(3, 4, 576, quotedUdp(1000)));
        assertEquals(1280, v6.icmpRest(), "max(1280, 596)");
        PacketAssert.V6 v6b = translate(siitConfig(), icmp4Error(3, 4, 68, quotedUdp(600)));
        assertEquals(1280, v6b.icmpRest());
    }

    @Test
    void zeroMtuUsesTheGreatestPlateauBelowTheReturnedTotalLength() {
        // RFC 1191 plateaus >= 1280: 65535, 32000, 17914, 8166, 4352, 2002, 1492. Total Length 1500 -> 1492,
        // which is the IPv4 path MTU; the §4.2 formula then adds 20 for the IPv6 header.
        XlatConfig big = siit().ipv4Mtu(9000).ipv6Mtu(9000).build();
        assertEquals(1492 + 20, translate(big, icmp4Error(3, 4, 0, quotedUdp(1500))).icmpRest());
        // Total Length 4352 is not less than itself: the next plateau down is 2002.
        byte[] quoted = slice(quotedUdp(4352), 0, 548);
        assertEquals(2002 + 20, translate(big, icmp4Error(3, 4, 0, quoted)).icmpRest());
    }

    @Test
    void zeroMtuPlateauIsStillCappedByTheNextHopMtus() {
        byte[] quoted = slice(quotedUdp(9000), 0, 548);
        assertEquals(1500, translate(siitConfig(), icmp4Error(3, 4, 0, quoted)).icmpRest(), "8166 + 20 capped by 1500");
    }

    @Test
    void zeroMtuWithNoPlateauAtOrAbove1280BelowTheTotalLengthGives1280() {
        // Total Length 1400: no plateau is both < 1400 and >= 1280, so the only safe path MTU is the IPv6
        // minimum. Anything above 1280 here would be answered with the same value again: a PMTUD black hole.
        assertEquals(1280, translate(siitConfig(), icmp4Error(3, 4, 0, quotedUdp(1400))).icmpRest());
        assertEquals(1280, translate(siitConfig(), icmp4Error(3, 4, 0, quotedUdp(1281))).icmpRest());
    }

    @ParameterizedTest(name = "Time Exceeded code {0}")
    @ValueSource(ints = {0, 1})
    void timeExceededBecomesType3WithCodeUnchanged(int code) {
        PacketAssert.V6 v6 = translate(siitConfig(), icmp4Error(11, code, 0, quotedUdp(60)));
        assertEquals(3, v6.icmpType());
        assertEquals(code, v6.icmpCode());
        assertEquals(0, v6.icmpRest());
    }

    @Test
    void timeExceededUnknownCodeIsDropped() {
        XlatRun.run(siitConfig(), icmp4Error(11, 2, 0, quotedUdp(60))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @ParameterizedTest(name = "Parameter Problem code {0} pointer {1} -> {2}")
    @CsvSource({
        "0, 0, 0", "0, 1, 1", "0, 2, 4", "0, 3, 4", "0, 8, 7", "0, 9, 6",
        "0, 12, 8", "0, 13, 8", "0, 14, 8", "0, 15, 8", "0, 16, 24", "0, 17, 24", "0, 18, 24", "0, 19, 24",
        "2, 0, 0", "2, 2, 4", "2, 3, 4", "2, 9, 6", "2, 19, 24",
    })
    void parameterProblemPointerIsTranslatedPerFigure3(int code, int pointer4, int pointer6) {
        PacketAssert.V6 v6 = translate(siitConfig(), icmp4Error(12, code, pointer4 << 24, quotedUdp(60)));
        assertEquals(4, v6.icmpType());
        assertEquals(0, v6.icmpCode(), "Erroneous header field encountered");
        assertEquals(pointer6, v6.icmpRest(), "32-bit ICMPv6 pointer");
    }

    @ParameterizedTest(name = "Parameter Problem pointer {0} has no IPv6 counterpart")
    @ValueSource(ints = {4, 5, 6, 7, 10, 11, 20, 23, 40})
    void parameterProblemPointerNotApplicableIsSilentlyDropped(int pointer4) {
        XlatRun.run(siitConfig(), icmp4Error(12, 0, pointer4 << 24, quotedUdp(60)))
                .assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @ParameterizedTest(name = "Parameter Problem code {0} is silently dropped")
    @ValueSource(ints = {1, 3, 200})
    void parameterProblemMissingOptionAndUnknownCodesAreSilentlyDropped(int code) {
        XlatRun.run(siitConfig(), icmp4Error(12, code, 0, quotedUdp(60))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void errorChecksumIsRecomputedWithPseudoHeaderAndTypeChange() {
        // Checked byte for byte: ICMPv6 header, then the translated quote.
        PacketAssert.V6 v6 = translate(siitConfig(), icmp4Error(3, 3, 0, quotedUdp(60)));
        assertEquals(1, v6.icmpType());
        assertEquals(4, v6.icmpCode());
        PacketAssert.transport6(v6.src, v6.dst, 58, v6.upperBytes, true);
        assertAddress(R4_AS_V6, slice(v6.icmpBody(), 8, 16));
        assertAddress(H4_AS_V6, slice(v6.icmpBody(), 24, 16));
    }

    @Test
    void errorWithWrongIcmpv4ChecksumIsDroppedRatherThanGivenAFreshChecksum() {
        // The ICMPv6 checksum is computed anew; without checking the ICMPv4 one first, damage would be laundered.
        byte[] in = icmp4Error(3, 1, 0, quotedUdp(60));
        in[in.length - 1] ^= 0x40;
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_BAD_CHECKSUM);
    }
}
