package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.ROUTER6;
import static net.jclat.xlat.Fixtures.ROUTER6_AS_V4;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.get16;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7915 §5.2: translating ICMPv6 headers into ICMPv4 headers. */
class Rfc7915Section5_2Test {

    /** A UDP packet the IPv4 host H4 sent to R4, as an IPv6 router saw it after translation. */
    static byte[] quotedUdp(int length) {
        return ipv6(H4_AS_V6, R4_AS_V6).hopLimit(12).udp(5353, 53, bytes(length - 48, 11)).build();
    }

    static byte[] icmp6Error(int type, int code, int rest, byte[] quoted) {
        return ipv6(ROUTER6, H4_AS_V6).hopLimit(50).icmp(type, code, rest, quoted).build();
    }

    private static PacketAssert.V4 translate(XlatConfig c, byte[] in) {
        PacketAssert.V4 v4 = XlatRun.run(c, in).single4();
        assertEquals(1, v4.protocol);
        assertAddress(ROUTER6_AS_V4, v4.src);
        assertAddress(H4, v4.dst);
        assertEquals(49, v4.ttl);
        return v4;
    }

    @Test
    void echoRequestBecomesType8AndChecksumLosesThePseudoHeader() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).icmp(128, 0, PacketBuilder.echoRest(0xBEEF, 3), bytes(48, 1)).build();
        PacketAssert.V4 v4 = XlatRun.run(siitConfig(), in).single4();
        assertEquals(1, v4.protocol);
        assertEquals(8, v4.icmpType());
        assertEquals(0, v4.icmpCode());
        assertEquals(PacketBuilder.echoRest(0xBEEF, 3), v4.icmpRest());
        assertArrayEquals(bytes(48, 1), v4.icmpBody());
        // valid4 checked the ICMPv4 checksum over the message alone.
    }

    @Test
    void echoReplyBecomesType0() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).icmp(129, 0, 5, bytes(7, 1)).build();
        assertEquals(0, XlatRun.run(siitConfig(), in).single4().icmpType());
    }

    @ParameterizedTest(name = "informational type {0} is silently dropped")
    @ValueSource(ints = {138, 139, 140, 144, 200, 255})
    void unknownInformationalMessagesAreSilentlyDropped(int type) {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).icmp(type, 0, 0, bytes(8, 1)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(0, r.out.size());
    }

    @ParameterizedTest(name = "Destination Unreachable code {0} -> 3/{1}")
    @CsvSource({"0, 1", "1, 10", "2, 1", "3, 1", "4, 3"})
    void destinationUnreachableCodesAreTranslatedPerRfc7915(int code, int code4) {
        PacketAssert.V4 v4 = translate(siitConfig(), icmp6Error(1, code, 0, quotedUdp(100)));
        assertEquals(3, v4.icmpType());
        assertEquals(code4, v4.icmpCode());
        assertEquals(0, v4.icmpRest());
    }

    @ParameterizedTest(name = "Destination Unreachable code {0} is silently dropped")
    @ValueSource(ints = {5, 6, 7, 8, 100})
    void destinationUnreachableOtherCodesAreSilentlyDropped(int code) {
        XlatRun.run(siitConfig(), icmp6Error(1, code, 0, quotedUdp(100))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void packetTooBigBecomesFragmentationNeededWithMtuMinusTwenty() {
        PacketAssert.V4 v4 = translate(siitConfig(), icmp6Error(2, 0, 1400, quotedUdp(1280)));
        assertEquals(3, v4.icmpType());
        assertEquals(4, v4.icmpCode());
        assertEquals(0, get16(v4.payload, 4));
        assertEquals(1380, get16(v4.payload, 6), "min(1400 - 20, 1500, 1500 - 20)");
    }

    @Test
    void packetTooBigMtuIsCappedByTheIpv4NextHopMtu() {
        PacketAssert.V4 v4 = translate(siit().ipv4Mtu(1400).build(), icmp6Error(2, 0, 9000, quotedUdp(1280)));
        assertEquals(1400, get16(v4.payload, 6), "min(8980, 1400, 1480)");
    }

    @Test
    void packetTooBigMtuIsCappedByTheIpv6NextHopMtuMinusTwenty() {
        XlatConfig c = siit().ipv4Mtu(9000).ipv6Mtu(1300).build();
        PacketAssert.V4 v4 = translate(c, icmp6Error(2, 0, 9000, quotedUdp(1280)));
        assertEquals(1280, get16(v4.payload, 6), "min(8980, 9000, 1300 - 20)");
    }

    @Test
    void packetTooBigUnknownCodeIsDropped() {
        XlatRun.run(siitConfig(), icmp6Error(2, 1, 1400, quotedUdp(100))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @ParameterizedTest(name = "Time Exceeded code {0}")
    @ValueSource(ints = {0, 1})
    void timeExceededBecomesType11WithCodeUnchanged(int code) {
        PacketAssert.V4 v4 = translate(siitConfig(), icmp6Error(3, code, 0, quotedUdp(100)));
        assertEquals(11, v4.icmpType());
        assertEquals(code, v4.icmpCode());
    }

    @ParameterizedTest(name = "Parameter Problem pointer {0} -> {1}")
    @CsvSource({
        "0, 0", "1, 1", "4, 2", "5, 2", "6, 9", "7, 8",
        "8, 12", "15, 12", "23, 12", "24, 16", "31, 16", "39, 16",
    })
    void parameterProblemPointerIsTranslatedPerFigure6(int pointer6, int pointer4) {
        PacketAssert.V4 v4 = translate(siitConfig(), icmp6Error(4, 0, pointer6, quotedUdp(100)));
        assertEquals(12, v4.icmpType());
        assertEquals(0, v4.icmpCode());
        assertEquals(pointer4, v4.payload[4] & 0xFF, "pointer in the first byte after the checksum");
        assertEquals(0, v4.payload[5] | v4.payload[6] | v4.payload[7]);
    }

    @ParameterizedTest(name = "Parameter Problem pointer {0} has no IPv4 counterpart")
    @ValueSource(ints = {2, 3, 40, 41, 0x10000})
    void parameterProblemPointerNotApplicableIsSilentlyDropped(int pointer6) {
        XlatRun.run(siitConfig(), icmp6Error(4, 0, pointer6, quotedUdp(100))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void unrecognizedNextHeaderBecomesProtocolUnreachable() {
        PacketAssert.V4 v4 = translate(siitConfig(), icmp6Error(4, 1, 6, quotedUdp(100)));
        assertEquals(3, v4.icmpType());
        assertEquals(2, v4.icmpCode());
    }

    @Test
    void unrecognizedOptionIsSilentlyDropped() {
        XlatRun.run(siitConfig(), icmp6Error(4, 2, 42, quotedUdp(100))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @ParameterizedTest(name = "ICMPv6 error type {0} is silently dropped")
    @ValueSource(ints = {0, 5, 100, 127})
    void unknownErrorMessagesAreSilentlyDropped(int type) {
        XlatRun.run(siitConfig(), icmp6Error(type, 0, 0, quotedUdp(100))).assertSilentDrop(Drop.ICMP_UNTRANSLATABLE);
    }

    @Test
    void errorWithWrongIcmpv6ChecksumIsDroppedRatherThanGivenAFreshChecksum() {
        // RFC 7915 §5: "the checksum MUST be evaluated before translation".
        byte[] in = icmp6Error(1, 0, 0, quotedUdp(100));
        in[in.length - 1] ^= 0x40;
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_BAD_CHECKSUM);
    }

    @Test
    void errorChecksumCoversThePseudoHeader() {
        // Same ICMPv6 bytes, but delivered to another address: the pseudo-header no longer matches.
        byte[] in = icmp6Error(1, 0, 0, quotedUdp(100));
        System.arraycopy(PacketBuilder.v6("2001:db8:64::192.0.2.3"), 0, in, 24, 16);
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_BAD_CHECKSUM);
    }
}
