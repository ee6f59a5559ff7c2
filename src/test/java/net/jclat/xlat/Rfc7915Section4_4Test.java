package net.jclat.xlat;

import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 7915 §4.4: the ICMPv4 error sent for a discarded IPv4 packet. */
class Rfc7915Section4_4Test {

    /**
     * A CLAT: 192.0.0.1 is its IPv4 address, the NAT64 prefix is the Well-Known Prefix, so a non-global IPv4
     * destination such as 10.1.2.3 has no IPv6 form (RFC 6052 §3.1).
     */
    private static XlatConfig.Builder clat() {
        return XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1", "2001:db8:aaaa::1")
                .pref64ForLocal(false);
    }

    @Test
    void unmappableDestinationIsAnsweredWithCommunicationAdministrativelyProhibited() {
        byte[] in = ipv4("192.0.0.1", "10.1.2.3").tcp(40000, 22, bytes(40, 1)).build();
        XlatRun r = XlatRun.run(clat().build(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.WKP_NON_GLOBAL));
        assertEquals(3, err.icmpType());
        assertEquals(13, err.icmpCode());
        assertEquals(0, err.icmpRest());
        assertAddress("192.0.0.8", err.src);
        assertAddress("192.0.0.1", err.dst);
        assertArrayEquals(in, err.icmpBody());
    }

    @Test
    void destinationWithoutAnyPrefixIsAnsweredWithCommunicationAdministrativelyProhibited() {
        byte[] in = ipv4("192.0.0.1", "198.51.100.7").udp(1, 2, bytes(10, 1)).build();
        XlatRun r = XlatRun.run(clat().pref64((Pref64) null).build(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.NO_PREF64));
        assertEquals(3, err.icmpType());
        assertEquals(13, err.icmpCode());
    }

    @Test
    void echoRequestToUnmappableDestinationIsAnsweredBecauseItIsNotAnError() {
        byte[] in = ipv4("192.0.0.1", "10.1.2.3").icmp(8, 0, 1, bytes(8, 1)).build();
        XlatRun r = XlatRun.run(clat().build(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.WKP_NON_GLOBAL));
        assertEquals(3, err.icmpType());
        assertEquals(13, err.icmpCode());
    }

    @Test
    void icmpErrorToUnmappableDestinationIsNotAnswered() {
        byte[] quoted = ipv4("10.1.2.3", "192.0.0.1").udp(1, 2, bytes(10, 1)).build();
        byte[] in = ipv4("192.0.0.1", "10.1.2.3").icmp(3, 3, 0, quoted).build();
        XlatRun r = XlatRun.run(clat().build(), in);
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(0, r.out.size(), "never an ICMP error about an ICMP error");
    }

    @Test
    void errorsAreNotSentWhenTheAdministratorTurnedThemOff() {
        byte[] in = ipv4("192.0.0.1", "10.1.2.3").tcp(40000, 22, bytes(40, 1)).build();
        XlatRun.run(clat().sendIcmpErrors(false).build(), in).assertSilentDrop(Drop.WKP_NON_GLOBAL);
    }

    @Test
    void errorQuoteIsLimitedSoTheErrorFitsIn576Bytes() {
        byte[] in = ipv4("192.0.0.1", "10.1.2.3").udp(1, 2, bytes(1000, 1)).build();
        XlatRun r = XlatRun.run(clat().build(), in);
        PacketAssert.V4 err = PacketAssert.valid4(r.assertAnswered(Drop.WKP_NON_GLOBAL));
        assertEquals(576, err.raw.length);
        assertArrayEquals(PacketBuilder.slice(in, 0, 548), err.icmpBody());
    }
}
