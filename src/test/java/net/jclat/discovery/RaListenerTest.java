package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The parts of the listener that need no root: the ICMPv6 filter bytes and the error for a missing uplink. */
class RaListenerTest {

    @Test
    void linuxIcmp6FilterBlocksEverythingButRouterAdvertisements() {
        byte[] f = Icmp6Filter.passing(134);
        assertEquals(32, f.length, "struct icmp6_filter is eight 32-bit words");
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.nativeOrder());
        for (int type = 0; type < 256; type++) {
            boolean blocked = (b.getInt((type >>> 5) * 4) >>> (type & 31) & 1) == 1;
            assertEquals(type != 134, blocked, "type " + type + " (Linux: a set bit blocks)");
        }
        // 134 = word 4, bit 6
        assertEquals(~(1 << 6), b.getInt(16));
    }

    @Test
    void missingUplinkIsACheckedErrorNamingIt() {
        IOException e = assertThrows(IOException.class, () -> RaListener.start("jcnosuch0", ev -> { }));
        assertTrue(e.getMessage().contains("jcnosuch0"), e.getMessage());
    }
}
