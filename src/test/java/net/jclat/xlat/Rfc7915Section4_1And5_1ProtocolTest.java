package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.H4;
import static net.jclat.xlat.Fixtures.H4_AS_V6;
import static net.jclat.xlat.Fixtures.R4;
import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * RFC 7915 §4.1 (Next Header: ICMPv4 (1) becomes ICMPv6 (58), others copied) and §5.1 (Protocol: ICMPv6 (58)
 * becomes ICMPv4 (1), others copied). Copying 1 into IPv6 or 58 into IPv4 would hand the far side an ICMP
 * message of its own family that the translator never looked at: an ICMPv4 error from the IPv6 side would
 * reach IPv4 hosts with its quoted packet untranslated and unfiltered. So ICMPv4 inside IPv6 and ICMPv6 inside
 * IPv4 are dropped as {@code untranslatable-protocol} (the same as TAYGA; Jool copies the number), outer or
 * quoted in an error ({@code icmp-bad-inner}).
 */
class Rfc7915Section4_1And5_1ProtocolTest {

    @Test
    void rfc7915Section5_1Icmpv4InsideIpv6IsNotCopiedAsProtocolOne() {
        byte[] icmp4 = PacketBuilder.icmp4(3, 1, 0, ipv4(H4, R4).udp(1, 2, bytes(8, 1)).build());
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).payload(1, icmp4).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.UNTRANSLATABLE_PROTOCOL);
    }

    @Test
    void rfc7915Section5_1Icmpv4InsideIpv6AfterAnExtensionHeaderIsDroppedToo() {
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).options(0).payload(1, bytes(72, 1)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.UNTRANSLATABLE_PROTOCOL);
    }

    @Test
    void rfc7915Section4_1Icmpv6InsideIpv4IsNotCopiedAsNextHeader58() {
        byte[] in = ipv4(H4, R4).payload(58, bytes(128, 1)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.UNTRANSLATABLE_PROTOCOL);
    }

    @Test
    void rfc7915Section5_3QuotedIpv6WithNextHeaderOneIsDropped() {
        byte[] quoted = ipv6(H4_AS_V6, R4_AS_V6).payload(1, bytes(128, 1)).build();
        byte[] in = ipv6(R4_AS_V6, H4_AS_V6).icmp(1, 3, 0, quoted).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_BAD_INNER);
    }

    @Test
    void rfc7915Section4_3QuotedIpv4WithProtocol58IsDropped() {
        byte[] quoted = ipv4(R4, H4).payload(58, bytes(128, 1)).build();
        byte[] in = ipv4(H4, R4).icmp(3, 1, 0, quoted).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.ICMP_BAD_INNER);
    }

    @Test
    void otherProtocolNumbersAreStillCopied() {
        assertEquals(69, XlatRun.run(siitConfig(), ipv6(R4_AS_V6, H4_AS_V6).payload(69, bytes(16, 1)).build())
                .single4().protocol);
        assertEquals(2 + 1, XlatRun.run(siitConfig(), ipv4(H4, R4).payload(3, bytes(16, 1)).build())
                .single6().nextHeader);
    }
}
