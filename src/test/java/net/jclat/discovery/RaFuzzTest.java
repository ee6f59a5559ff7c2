package net.jclat.discovery;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of what jclat reads from Router Advertisements (RFC 4861 §4.2, RFC 8781 PREF64):
 * {@link Pref64Option#parse} on raw ICMPv6 bytes, and {@link RaListener#judge} on a whole received message with
 * its source and hop limit. For any bytes the outcome is {@link MalformedRaException} or a result, never another
 * exception, and a result says exactly what an independent reading of the same bytes (here, {@link #expected})
 * says: which PREF64 options are valid, their prefixes, lengths (32/40/48/56/64/96) and lifetimes (a multiple of
 * 8, at most 65528 s).
 *
 * <p>Seeds: {@code src/test/resources/net/jclat/discovery/RaFuzzTestInputs/}, real RAs built by
 * {@link DiscoveryFuzzSeeds}.
 */
class RaFuzzTest {
    private static final Set<Integer> LENGTHS = Set.of(32, 40, 48, 56, 64, 96);
    private static final byte[] BUFFER = new byte[Icmp6Socket.MAX_MESSAGE];

    @FuzzTest(maxDuration = "30s")
    void pref64Option(byte[] message) {
        List<long[]> want = expected(message);
        Pref64Option.Parsed parsed;
        try {
            parsed = Pref64Option.parse(message, "fe80::1");
        } catch (MalformedRaException e) {
            if (want != null) {
                throw new AssertionError("a well-formed RA was rejected: " + e.reason() + " " + hex(message));
            }
            return;
        }
        if (want == null) {
            throw new AssertionError("a malformed RA (RFC 4861 §6.1.2) was accepted: " + hex(message));
        }
        check(parsed.prefixes(), parsed.routerLifetime(), want, message, "fe80::1");
    }

    /**
     * Byte 0: bits 0–1 pick the hop limit (255, 254, none, 1), bit 2 says truncated, bit 3 makes the source
     * global instead of link-local. The rest is the ICMPv6 message.
     */
    @FuzzTest(maxDuration = "30s")
    void routerAdvertisement(byte[] data) {
        if (data.length < 1) {
            return;
        }
        int flags = data[0] & 0xFF;
        int hopLimit = switch (flags & 3) {
            case 0 -> 255;
            case 1 -> 254;
            case 2 -> Icmp6Socket.Received.NO_HOP_LIMIT;
            default -> 1;
        };
        boolean truncated = (flags & 4) != 0;
        byte[] source = new byte[16];
        source[0] = (byte) ((flags & 8) != 0 ? 0x20 : 0xfe);
        source[1] = (byte) ((flags & 8) != 0 ? 0x01 : 0x80);
        source[15] = 1;
        byte[] message = BUFFER; // the socket's buffer: bytes past the length are stale and must be ignored
        int length = Math.min(data.length - 1, message.length);
        System.arraycopy(data, 1, message, 0, length);
        byte[] exact = java.util.Arrays.copyOf(message, length);
        RaListener.Verdict v = RaListener.judge(message, length, source, hopLimit, truncated, 42L);
        List<long[]> want = expected(exact);
        boolean acceptable = !truncated && (flags & 8) == 0 && hopLimit == 255 && want != null;
        if (v instanceof RaListener.Accepted a) {
            if (!acceptable) {
                throw new AssertionError("RA accepted against RFC 4861 §6.1.2 (flags " + flags + "): " + hex(exact));
            }
            if (a.event().receivedAtNanos() != 42L) {
                throw new AssertionError("event time not the receive time");
            }
            check(a.event().prefixes(), a.event().routerLifetime(), want, exact, a.event().router());
        } else if (v instanceof RaListener.Dropped d) {
            if (acceptable || d.reason() == null || d.why() == null) {
                throw new AssertionError("RA dropped as " + d.reason() + " (" + d.why() + "): " + hex(exact));
            }
        } else {
            throw new AssertionError("no verdict for " + hex(exact));
        }
    }

    private static void check(List<DiscoveredPrefix> got, int routerLifetime, List<long[]> want, byte[] m,
            String router) {
        if (routerLifetime != ((m[6] & 0xFF) << 8 | m[7] & 0xFF)) {
            throw new AssertionError("router lifetime " + routerLifetime + " in " + hex(m));
        }
        if (got.size() != want.size()) {
            throw new AssertionError(got.size() + " prefixes, expected " + want.size() + " in " + hex(m));
        }
        for (int i = 0; i < got.size(); i++) {
            DiscoveredPrefix p = got.get(i);
            long[] w = want.get(i);
            int length = p.prefix().length();
            if (!LENGTHS.contains(length) || length != w[2]) {
                throw new AssertionError("prefix length " + length + ", expected " + w[2] + " in " + hex(m));
            }
            if (p.prefix().prefix().hi() != w[0] || p.prefix().prefix().lo() != w[1]) {
                throw new AssertionError("prefix " + p.prefix() + " differs from the option in " + hex(m));
            }
            if (p.lifetimeSeconds() != w[3] || p.lifetimeSeconds() % 8 != 0
                    || p.lifetimeSeconds() > Pref64Option.MAX_LIFETIME_SECONDS) {
                throw new AssertionError("lifetime " + p.lifetimeSeconds() + ", expected " + w[3] + " in " + hex(m));
            }
            if (p.source() != PrefixSource.RA || !router.equals(p.origin())) {
                throw new AssertionError("source/origin wrong: " + p);
            }
        }
    }

    /**
     * This test's own reading of an RA: null when RFC 4861 §6.1.2 / §4.6 discard it, else the acceptable PREF64
     * options as {hi, lo, length, lifetime} (RFC 8781 §4: length 2, PLC 0–5, lifetime = scaled × 8, bits past
     * the length cleared, a /96 with the u octet set ignored).
     */
    static List<long[]> expected(byte[] m) {
        if (m.length < 16 || (m[0] & 0xFF) != 134 || m[1] != 0) {
            return null;
        }
        List<long[]> out = new ArrayList<>();
        int at = 16;
        while (at < m.length) {
            if (m.length - at < 2 || m[at + 1] == 0 || (m[at + 1] & 0xFF) * 8 > m.length - at) {
                return null;
            }
            int type = m[at] & 0xFF;
            int units = m[at + 1] & 0xFF;
            if (type == 38 && units == 2) {
                int word = (m[at + 2] & 0xFF) << 8 | m[at + 3] & 0xFF;
                int plc = word & 7;
                if (plc <= 5) {
                    int length = new int[] {96, 64, 56, 48, 40, 32}[plc];
                    byte[] prefix = new byte[16];
                    System.arraycopy(m, at + 4, prefix, 0, 12);
                    for (int bit = length; bit < 128; bit++) {
                        prefix[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
                    }
                    if (!(length == 96 && prefix[8] != 0)) {
                        out.add(new long[] {half(prefix, 0), half(prefix, 8), length, (word >>> 3) * 8L});
                    }
                }
            }
            at += units * 8;
        }
        return out;
    }

    private static long half(byte[] b, int off) {
        long v = 0;
        for (int i = off; i < off + 8; i++) {
            v = v << 8 | b[i] & 0xFF;
        }
        return v;
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 200); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s + " (" + b.length + " bytes)";
    }
}
