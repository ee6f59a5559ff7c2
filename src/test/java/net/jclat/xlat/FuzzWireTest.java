package net.jclat.xlat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fuzz oracle's own wire code is right, so a fuzz run that passes means something: its RFC 1071 sum on the
 * RFC's example, and its repairs producing packets that a second, independent checker ({@link WirePackets})
 * accepts, while the damage they repair is seen as damage.
 */
class FuzzWireTest {
    @Test
    void rfc1071Section3NumericalExample() {
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0x2ddf0, FuzzWire.sum(b, 0, 8), "RFC 1071 §3: 0001 + f203 + f4f5 + f6f7 = 2ddf0");
        assertEquals(0xddf2, FuzzWire.fold(FuzzWire.sum(b, 0, 8)), "folded");
        assertEquals(0x2ddf0 - 0xf7, FuzzWire.sum(b, 0, 7), "odd length pads with a zero byte");
    }

    @Test
    void repairedSeedsVerifyUnderTheOtherCheckerAndDamageIsSeen() {
        TranslatorFuzzHarness h = new TranslatorFuzzHarness();
        int repaired = 0;
        for (Map<String, byte[]> seeds : java.util.List.of(FuzzSeeds.ipv4ToIpv6(), FuzzSeeds.ipv6ToIpv4())) {
            for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
                byte[] p = java.util.Arrays.copyOfRange(e.getValue(), 1, e.getValue().length);
                TranslatorFuzzHarness.Input in = h.analyse(p);
                int field = FuzzWire.checksumOffset(in.protocol);
                if (in.l4Offset < 0 || field < 0 || in.udpZero || e.getKey().contains("bad-checksum")) {
                    continue;
                }
                assertTrue(in.l4Valid, e.getKey() + ": a seed's own checksum verifies");
                p[in.l4Offset + field] ^= 0x5A;
                p[10] ^= (p[0] & 0xF0) == 0x40 ? 0x11 : 0;
                assertFalse(h.analyse(p).l4Valid, e.getKey() + ": a damaged checksum is seen");
                h.repair(p, TranslatorFuzzHarness.FIX_L4_CHECKSUM | TranslatorFuzzHarness.FIX_IPV4_CHECKSUM);
                assertTrue(h.analyse(p).l4Valid, e.getKey() + ": repaired");
                if ((p[0] & 0xF0) == 0x40) {
                    WirePackets.checkEmitted4(p);
                } else if (!e.getKey().contains("fragment") && !e.getKey().contains("routing")) {
                    WirePackets.checkEmitted6(p);
                }
                repaired++;
            }
        }
        assertTrue(repaired > 30, "seeds repaired: " + repaired);
    }
}
