package net.jclat.fastpath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import net.jclat.xlat.CoreVectors;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.xlat.XlatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kernel programs against the Java core, which is their specification (RFC 7915 as the core implements
 * it): the core's RFC test vectors, its fuzz seed corpus and random packets go through both; every packet the
 * programs take must come out byte-identical, every other one untouched ({@link Differential}). Skipped only
 * where the kernel refuses bpf(2) for lack of privilege or support; a verifier refusal fails.
 */
class FastPathDifferentialTest {
    @RegisterExtension
    static final LoadedPrograms LOADED = new LoadedPrograms();

    @Test
    void rfcTestVectorsUnderTheirOwnConfigurationAndAClatTwin() throws Exception {
        Differential d = new Differential(LOADED.programs());
        List<CoreVectors.Vector> vectors = CoreVectors.rfcVectors();
        assertTrue(vectors.size() > 100, "collected only " + vectors.size() + " RFC vectors");
        for (CoreVectors.Vector v : vectors) {
            d.check(v.name(), v.config(), v.packet());
            for (XlatConfig twin : clatTwins(v.config(), v.packet())) {
                d.check(v.name() + " (CLAT twin)", twin, v.packet());
            }
        }
        System.out.println(d.summary("RFC vectors"));
        assertTrue(d.taken >= 40, "RFC vectors taken by the fast path: " + d.taken + ", passed " + d.passed);
    }

    @Test
    void fuzzSeedCorpus() throws Exception {
        Differential d = new Differential(LOADED.programs());
        for (CoreVectors.Vector v : CoreVectors.fuzzSeeds()) {
            d.check(v.name(), v.config(), v.packet());
            for (XlatConfig twin : clatTwins(v.config(), v.packet())) {
                d.check(v.name() + " (CLAT twin)", twin, v.packet());
            }
        }
        System.out.println(d.summary("fuzz seeds"));
        assertTrue(d.taken >= 10, "seeds taken by the fast path: " + d.taken + ", passed " + d.passed);
    }

    @Test
    void randomTcpUdpAndEchoPacketsAllPrefixLengthsBothModes() throws Exception {
        Differential d = new Differential(LOADED.programs());
        RandomPackets gen = new RandomPackets(Long.getLong("fastpath.seed", 20261206L));
        int n = Integer.getInteger("fastpath.packets", 4000);
        for (int i = 0; i < n; i++) {
            RandomPackets.Case c = gen.next();
            d.check("random #" + i, c.config(), c.packet());
        }
        System.out.println(d.summary(n + " random packets"));

        // Most generated packets are ones the fast path should take; a program that passes everything fails.
        assertTrue(d.taken >= n / 2, "taken " + d.taken + " of " + n + "; core translated "
                + d.passedButCoreTranslated + " of the passed ones");
    }

    @Test
    void withoutAConfigurationEverythingPassesAndIsCounted() throws Exception {
        LOADED.programs().unconfigure();
        try {
            long before = LOADED.programs().counters().get(FastPathCounters.DIR_4TO6, FastPathCounters.Slot.PASS_NO_CONFIG);
            RandomPackets gen = new RandomPackets(1);
            byte[] p;
            do {
                p = gen.next().packet();
            } while ((p[0] & 0xF0) != 0x40);
            TestRun k = TestRun.run(LOADED.programs().tunEgressFd(), p);
            assertEquals(TestRun.TC_NEXT, k.action());
            assertEquals(before + 1,
                    LOADED.programs().counters().get(FastPathCounters.DIR_4TO6, FastPathCounters.Slot.PASS_NO_CONFIG));
        } finally {
            LOADED.programs().unconfigure();
        }
    }

    /**
     * Other tc filters on the uplink's ingress (SQM): the ingress program leaves every packet to them, even one it
     * would translate, and the egress program still translates.
     */
    @Test
    void whenIngressDefersTheIngressProgramTakesNothingAndEgressStillTranslates() throws Exception {
        RandomPackets gen = new RandomPackets(7);
        int checked6 = 0;
        int checked4 = 0;
        try {
            for (int i = 0; i < 2000 && (checked6 < 20 || checked4 < 20); i++) {
                RandomPackets.Case c = gen.next();
                boolean v6 = (c.packet()[0] & 0xF0) == 0x60;
                int fd = v6 ? LOADED.programs().uplinkIngressFd() : LOADED.programs().tunEgressFd();
                LOADED.programs().configure(new FastPathConfig(c.config(), 7, 8, 65535, true, 14, 14, false));
                if (TestRun.run(fd, c.packet()).action() != TestRun.TC_ACT_REDIRECT) {
                    continue; // only packets the program takes say anything here
                }
                LOADED.programs().configure(new FastPathConfig(c.config(), 7, 8, 65535, true, 14, 14, true));
                TestRun k = TestRun.run(fd, c.packet());
                if (v6) {
                    assertEquals(TestRun.TC_NEXT, k.action(), "#" + i);
                    assertArrayEquals(c.packet(), k.packet(), "#" + i + " untouched");
                    checked6++;
                } else {
                    assertEquals(TestRun.TC_ACT_REDIRECT, k.action(), "#" + i);
                    checked4++;
                }
            }
        } finally {
            LOADED.programs().unconfigure();
        }
        assertTrue(checked6 >= 20 && checked4 >= 20, checked6 + " IPv6, " + checked4 + " IPv4 packets checked");
    }

    /**
     * tun_egress6 is uplink_ingress built for the TUN's egress: while the ingress defers it must do exactly what
     * uplink_ingress does when it does not (whose output the other tests hold to the core's, byte for byte),
     * and while the ingress translates it must leave everything untouched.
     */
    @Test
    void theRoutedDownstreamProgramIsTheUplinkProgramWhileTheIngressDefers() throws Exception {
        RandomPackets gen = new RandomPackets(11);
        int taken = 0;
        int ipv6 = 0;
        try {
            for (int i = 0; i < 3000; i++) {
                RandomPackets.Case c = gen.next();
                if ((c.packet()[0] & 0xF0) != 0x60) {
                    continue;
                }
                ipv6++;
                LOADED.programs().configure(new FastPathConfig(c.config(), 7, 8, 65535, true, 14, 14, false));
                LOADED.programs().setIpv4Ids(i);
                TestRun up = TestRun.run(LOADED.programs().uplinkIngressFd(), c.packet());
                TestRun idle = TestRun.run(LOADED.programs().tunEgress6Fd(), c.packet());
                assertEquals(TestRun.TC_NEXT, idle.action(), "#" + i + ": the uplink program translates");
                assertArrayEquals(c.packet(), idle.packet(), "#" + i + " untouched");

                LOADED.programs().configure(new FastPathConfig(c.config(), 7, 8, 65535, true, 14, 14, true));
                LOADED.programs().setIpv4Ids(i);
                TestRun routed = TestRun.run(LOADED.programs().tunEgress6Fd(), c.packet());
                assertEquals(up.action(), routed.action(), "#" + i);
                assertEquals(up.etherType(), routed.etherType(), "#" + i);
                assertArrayEquals(up.packet(), routed.packet(), "#" + i);
                if (up.action() == TestRun.TC_ACT_REDIRECT) {
                    taken++;
                }
            }
        } finally {
            LOADED.programs().unconfigure();
        }
        assertTrue(taken >= ipv6 / 3, "taken " + taken + " of " + ipv6 + " IPv6 packets");
    }

    @Test
    void siitAndEamConfigurationsAreNotCovered() {
        XlatConfig siit = XlatConfig.builder().pref64("64:ff9b::/96").build();
        assertTrue(FastPathConfig.unsupported(siit).contains("SIIT"));
        assertThrows(IllegalArgumentException.class, () -> new FastPathConfig(siit, 1, 2, 1500, true, 0, 14, false));
    }

    /**
     * The RFC vectors mostly run under SIIT configurations, which the fast path leaves alone. The same packet
     * under a CLAT configuration with the same prefix and MTUs — its own IPv4 source (IPv4) or IPv6 destination
     * (IPv6) made the CLAT address, or put in a dedicated prefix — exercises the programs on it.
     */
    static List<XlatConfig> clatTwins(XlatConfig c, byte[] p) {
        if (c.pref64() == null || p.length < 40 && (p[0] & 0xF0) == 0x60 || p.length < 20) {
            return List.of();
        }
        XlatConfig.Builder base = XlatConfig.builder().pref64(c.pref64()).pref64ForLocal(false)
                .allowWkpNonGlobal(c.allowWkpNonGlobal()).ignoreTos(c.ignoreTos()).ipv4Mtu(c.ipv4Mtu())
                .ipv6Mtu(c.ipv6Mtu()).lowestIpv6Mtu(c.lowestIpv6Mtu()).udpZeroChecksum(c.udpZeroChecksum());
        ByteBuffer b = ByteBuffer.wrap(p);
        if ((p[0] & 0xF0) == 0x40) {
            int src = b.getInt(12);
            Ipv4Prefix net = new Ipv4Prefix(src & 0xFFFFFF00, 24);
            return List.of(base.clatIpv4(new Ipv4Prefix(src, 32))
                            .clatIpv6(Ipv6Prefix.parse("2001:db8:c1a7::1/128")).build(),
                    base.clatIpv4(null).clatIpv6(null).dedicatedPrefixes(
                            List.of(new DedicatedPrefix(net, Pref64.parse("2001:db8:aaaa::/96")))).build());
        }
        if ((p[0] & 0xF0) != 0x60) {
            return List.of();
        }
        long hi = b.getLong(24);
        long lo = b.getLong(32);
        int embedded = (int) lo;
        return List.of(base.clatIpv4(Ipv4Prefix.parse("192.0.0.1/32")).clatIpv6(new Ipv6Prefix(hi, lo, 128)).build(),
                base.clatIpv4(null).clatIpv6(null).dedicatedPrefixes(List.of(new DedicatedPrefix(
                        new Ipv4Prefix(embedded & 0xFFFFFF00, 24),
                        new Pref64(new Ipv6Prefix(hi, lo & 0xFFFFFFFF_00000000L, 96))))).build());
    }
}
