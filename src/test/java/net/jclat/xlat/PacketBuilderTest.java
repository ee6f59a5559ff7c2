package net.jclat.xlat;

import static net.jclat.xlat.PacketBuilder.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The test helpers themselves: known vectors, and PacketAssert must reject what is wrong. */
class PacketBuilderTest {

    @Test
    void ipv4HeaderChecksumMatchesAWellKnownVector() {
        // The classic example header 4500 0073 0000 4000 4011 ---- c0a8 0001 c0a8 00c7: checksum 0xb861.
        byte[] p = PacketBuilder.ipv4("192.168.0.1", "192.168.0.199").id(0).df(true).ttl(64)
                .payload(17, new byte[0x73 - 20]).build();
        assertEquals(0xB861, PacketBuilder.get16(p, 10));
    }

    @Test
    void rfc1071ExampleSum() {
        // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to 0xddf2 once folded.
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0xDDF2, PacketBuilder.fold(PacketBuilder.sum(b)));
    }

    @Test
    void ipv6AddressParserHandlesCompressionAndDottedQuad() {
        byte[] a = PacketBuilder.v6("64:ff9b::192.0.2.1");
        assertArrayEquals(new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 192, 0, 2, 1}, a);
        assertArrayEquals(new byte[16], PacketBuilder.v6("::"));
    }

    @Test
    void packetAssertRejectsWrongChecksums() {
        byte[] ok4 = PacketBuilder.ipv4("192.0.2.1", "198.51.100.2").tcp(1, 2, bytes(10, 1)).build();
        PacketAssert.valid(ok4);
        byte[] badHeader = ok4.clone();
        badHeader[10] ^= 1;
        assertThrows(AssertionFailedError.class, () -> PacketAssert.valid(badHeader));
        byte[] badTcp = ok4.clone();
        badTcp[badTcp.length - 1] ^= 1;
        assertThrows(AssertionFailedError.class, () -> PacketAssert.valid(badTcp));

        byte[] ok6 = PacketBuilder.ipv6("2001:db8::1", "2001:db8::2").icmp(128, 0, 1, bytes(10, 1)).build();
        PacketAssert.valid(ok6);
        byte[] badPseudo = ok6.clone();
        badPseudo[39] ^= 1; // destination address: the ICMPv6 pseudo-header no longer matches
        assertThrows(AssertionFailedError.class, () -> PacketAssert.valid(badPseudo));
        byte[] zeroUdp = PacketBuilder.ipv6("2001:db8::1", "2001:db8::2")
                .payload(17, PacketBuilder.udp4NoChecksum(1, 2, bytes(4, 1))).build();
        assertThrows(AssertionFailedError.class, () -> PacketAssert.valid(zeroUdp));
    }
}
