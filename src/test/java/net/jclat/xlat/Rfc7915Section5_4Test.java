package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.R4_AS_V6;
import static net.jclat.xlat.Fixtures.TRANSLATOR6;
import static net.jclat.xlat.Fixtures.siit;
import static net.jclat.xlat.Fixtures.siitConfig;
import static net.jclat.xlat.PacketAssert.assertAddress;
import static net.jclat.xlat.PacketBuilder.bytes;
import static net.jclat.xlat.PacketBuilder.ipv6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 7915 §5.4: the ICMPv6 error sent for a discarded IPv6 packet. */
class Rfc7915Section5_4Test {

    /** Outside the NAT64 prefix, no EAM: no IPv4 form. */
    private static final String UNMAPPED = "2001:db8:77::1";

    @Test
    void unmappableDestinationIsAnsweredWithAdministrativelyProhibited() {
        byte[] in = ipv6(R4_AS_V6, UNMAPPED).tcp(1, 2, bytes(40, 1)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V6 err = PacketAssert.valid6(r.assertAnswered(Drop.DESTINATION_NOT_MAPPED));
        assertEquals(1, err.icmpType());
        assertEquals(1, err.icmpCode(), "communication with destination administratively prohibited");
        assertEquals(0, err.icmpRest());
        assertAddress(TRANSLATOR6, err.src);
        assertAddress(R4_AS_V6, err.dst);
        assertArrayEquals(in, err.icmpBody());
    }

    @Test
    void icmpv6EchoToUnmappableDestinationIsNotAnswered() {
        byte[] in = ipv6(R4_AS_V6, UNMAPPED).icmp(128, 0, 1, bytes(8, 1)).build();
        XlatRun.run(siitConfig(), in).assertSilentDrop(Drop.DESTINATION_NOT_MAPPED);
    }

    @Test
    void icmpv6ErrorToUnmappableDestinationIsNotAnswered() {
        byte[] quoted = ipv6(UNMAPPED, R4_AS_V6).udp(1, 2, bytes(8, 1)).build();
        byte[] in = ipv6(R4_AS_V6, UNMAPPED).icmp(1, 4, 0, quoted).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        assertEquals(Verdict.DROPPED, r.verdict);
        assertEquals(0, r.out.size());
    }

    @Test
    void errorsAreNotSentWhenTheAdministratorTurnedThemOff() {
        byte[] in = ipv6(R4_AS_V6, UNMAPPED).tcp(1, 2, bytes(40, 1)).build();
        XlatRun.run(siit().sendIcmpErrors(false).build(), in).assertSilentDrop(Drop.DESTINATION_NOT_MAPPED);
    }

    @Test
    void errorQuoteIsLimitedSoTheErrorFitsIn1280Bytes() {
        byte[] in = ipv6(R4_AS_V6, UNMAPPED).udp(1, 2, bytes(1400, 1)).build();
        XlatRun r = XlatRun.run(siitConfig(), in);
        PacketAssert.V6 err = PacketAssert.valid6(r.assertAnswered(Drop.DESTINATION_NOT_MAPPED));
        assertEquals(1280, err.raw.length);
        assertArrayEquals(PacketBuilder.slice(in, 0, 1232), err.icmpBody());
    }
}
