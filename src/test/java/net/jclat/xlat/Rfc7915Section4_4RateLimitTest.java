package net.jclat.xlat;

import static net.jclat.xlat.Fixtures.siit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7915 §4.4 and §5.4: ICMP errors the translator originates SHOULD be rate-limited (as any router's,
 * RFC 1812 §4.3.2.8, RFC 4443 §2.4(f)). A token bucket per translator: {@code icmpErrorsPerSecond}
 * errors at once, then that many per second; suppressed errors are counted, the packets themselves are
 * dropped and counted under their own reason either way. Time comes from an injected clock.
 */
class Rfc7915Section4_4RateLimitTest {
    private long now = 5_000_000_000L;
    private final List<byte[]> out = new ArrayList<>();

    private Translator translator(int perSecond) {
        return new Translator(siit().icmpErrorsPerSecond(perSecond).build(), new Counters(), () -> now);
    }

    /** A TCP packet whose TTL expires in the translator: an ICMPv4 Time Exceeded is due. */
    private static byte[] ttlOneIpv4() {
        return PacketBuilder.ipv4(Fixtures.H4, Fixtures.R4).ttl(1).tcp(1234, 80, new byte[16]).build();
    }

    /** An IPv6 packet with hop limit 1: an ICMPv6 Time Exceeded is due. */
    private static byte[] hopLimitOneIpv6() {
        return PacketBuilder.ipv6(Fixtures.R4_AS_V6, Fixtures.H4_AS_V6).hopLimit(1).udp(53, 1234, new byte[16]).build();
    }

    private int send(Translator t, byte[] packet, int times) {
        ByteBuffer buf = ByteBuffer.allocateDirect(Translator.HEADROOM + 2048);
        int before = out.size();
        for (int i = 0; i < times; i++) {
            buf.put(Translator.HEADROOM, packet);
            t.translate(buf, Translator.HEADROOM, packet.length, (b, off, len) -> {
                byte[] copy = new byte[len];
                b.get(off, copy);
                out.add(copy);
            });
        }
        return out.size() - before;
    }

    @Test
    void icmpv4ErrorsStopAfterTheBurstAndResumeAtTheRate() {
        Translator t = translator(4);
        assertEquals(4, send(t, ttlOneIpv4(), 10), "a burst of one second's worth");
        assertEquals(6, t.counters().get(Counters.ICMP_ERRORS_RATE_LIMITED));
        assertEquals(10, t.counters().dropped(Drop.TTL_EXPIRED), "every packet still counted as dropped");
        now += 500_000_000L;
        assertEquals(2, send(t, ttlOneIpv4(), 10), "half a second refills half the bucket");
        now += 60_000_000_000L;
        assertEquals(4, send(t, ttlOneIpv4(), 10), "a long pause refills no more than the burst");
        assertEquals(4 + 2 + 4, t.counters().get(Counters.ICMP4_ERRORS_SENT));
    }

    @Test
    void icmpv6ErrorsShareTheSameBucket() {
        Translator t = translator(3);
        assertEquals(2, send(t, ttlOneIpv4(), 2));
        assertEquals(1, send(t, hopLimitOneIpv6(), 5));
        assertEquals(1, t.counters().get(Counters.ICMP6_ERRORS_SENT));
        assertEquals(4, t.counters().get(Counters.ICMP_ERRORS_RATE_LIMITED));
    }

    @Test
    void zeroMeansNoLimit() {
        Translator t = translator(0);
        assertEquals(500, send(t, ttlOneIpv4(), 500));
        assertEquals(0, t.counters().get(Counters.ICMP_ERRORS_RATE_LIMITED));
    }
}
