package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import net.jclat.xlat.Checksum;
import net.jclat.xlat.Counters;
import net.jclat.xlat.PacketSink;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Translator;
import net.jclat.xlat.XlatConfig;
import org.junit.jupiter.api.Test;

/**
 * The warm-up must exercise the translation paths real sparse traffic takes, not the drop paths: every
 * packet translates, on the plain and the offload path, with the running configuration too. A path it
 * misses is compiled without it and costs a deoptimization when the first real packet takes it.
 */
class JitWarmUpTest {
    private static final int SERVER = 0xC633640A; // 198.51.100.10: a documentation address, not global

    @Test
    void everyWarmUpPacketIsTranslatedBothWaysWithTheClatAddress() {
        long[] c = new long[Counters.SIZE];
        new JitWarmUp(10).exercise(JitWarmUp.clatConfig(), JitWarmUp.CLIENT, SERVER).addTo(c);
        assertEquals(30, c[Counters.TRANSLATED_4TO6]);
        assertEquals(30, c[Counters.TRANSLATED_6TO4]);
    }

    /**
     * The answers' translations go to the sink the datapath gives (a worker on a discarding queue): real
     * packets go to a worker, and a call site that had only seen the warm-up's own sink trapped on them.
     */
    @Test
    void theAnswersGoToTheGivenSinkOnBothPaths() {
        int[] handed = {0};
        PacketSink sink = (b, off, len) -> handed[0]++;
        JitWarmUp w = new JitWarmUp(4, null, false, sink);
        w.exercise(JitWarmUp.clatConfig(), JitWarmUp.CLIENT, SERVER);
        assertEquals(12, handed[0]);
        w.exerciseOffload(JitWarmUp.clatConfig(), JitWarmUp.CLIENT, SERVER);
        assertEquals(12 + 16, handed[0]);
    }

    @Test
    void everyWarmUpPacketIsTranslatedBothWaysWithADedicatedPrefix() {
        long[] c = new long[Counters.SIZE];
        new JitWarmUp(7).exercise(prefixConfig("2001:db8:64::/96"), JitWarmUp.LAN_HOST, SERVER).addTo(c);
        assertEquals(21, c[Counters.TRANSLATED_4TO6]);
        assertEquals(21, c[Counters.TRANSLATED_6TO4]);
    }

    /**
     * The offload path carries sparse traffic too (an echo, a DNS query, a lone ACK: flags 0, no GSO), not only
     * super-packets: all of it, both ways. Before, only TCP super-packets were warmed up, and the first real
     * echo through a vnet-header TUN hit an uncommon trap in the compiled code.
     */
    @Test
    void everyOffloadWarmUpPacketIsTranslatedBothWaysEchoUdpTcpAndSuperPackets() {
        long[] c = new long[Counters.SIZE];
        new JitWarmUp(9).exerciseOffload(JitWarmUp.clatConfig(), JitWarmUp.CLIENT, SERVER).addTo(c);
        assertEquals(36, c[Counters.TRANSLATED_4TO6]);
        assertEquals(36, c[Counters.TRANSLATED_6TO4]);
        assertEquals(18, c[Counters.GSO_TRANSLATED_WHOLE]);
        assertEquals(0, c[Counters.DROPPED_4TO6] + c[Counters.DROPPED_6TO4]);
    }

    /**
     * The running configuration with the Well-Known Prefix: RFC 6052 §3.1 forbids it for non-global IPv4
     * addresses, so a warm-up toward a documentation address would exercise only the drop path. Toward the
     * warm-up's global address everything translates.
     */
    @Test
    void theRunningConfigurationWithTheWellKnownPrefixIsWarmedUpOnItsTranslationPath() {
        XlatConfig wkp = XlatConfig.builder().pref64("64:ff9b::/96").clatIpv4(Ipv4Prefix.parse("192.0.0.1"))
                .clatIpv6(Ipv6Prefix.parse("2001:db8:1::c")).pref64ForLocal(false).build();
        JitWarmUp w = new JitWarmUp(5, wkp, false);
        int source = JitWarmUp.localSource(wkp);
        assertEquals(JitWarmUp.CLIENT, source);
        long[] global = new long[Counters.SIZE];
        w.exercise(wkp, source, JitWarmUp.GLOBAL_SERVER).addTo(global);
        assertEquals(15, global[Counters.TRANSLATED_4TO6]);
        assertEquals(15, global[Counters.TRANSLATED_6TO4]);
        long[] documentation = new long[Counters.SIZE];
        w.exercise(wkp, source, SERVER).addTo(documentation);
        assertEquals(0, documentation[Counters.TRANSLATED_4TO6], "the reason for a global address");
        long[] vnet = new long[Counters.SIZE];
        w.exerciseOffload(wkp, source, JitWarmUp.GLOBAL_SERVER).addTo(vnet);
        assertEquals(20, vnet[Counters.TRANSLATED_4TO6]);
        assertEquals(20, vnet[Counters.TRANSLATED_6TO4]);
    }

    @Test
    void theRunningConfigurationsLanSideAddressIsItsClatAddressOrAHostInItsDedicatedPrefix() {
        assertEquals(JitWarmUp.LAN_HOST, JitWarmUp.localSource(prefixConfig("2001:db8:1:64::/96")));
        assertEquals(0, JitWarmUp.localSource(XlatConfig.builder().pref64("2001:db8:64::/96").build()));
    }

    /** The way back is an echo reply, as real answers are, with a valid checksum once translated to ICMPv4. */
    @Test
    void theAnswerToAnEchoRequestIsAValidEchoReply() {
        Translator t = new Translator(JitWarmUp.clatConfig(), new Counters());
        int at = Translator.HEADROOM;
        ByteBuffer in = ByteBuffer.allocateDirect(at + 2048);
        ByteBuffer six = ByteBuffer.allocateDirect(at + 2048);
        ByteBuffer four = ByteBuffer.allocateDirect(at + 2048);
        int[] len = new int[2];
        t.translate(in, at, JitWarmUp.ipv4Packet(in, at, 1, JitWarmUp.CLIENT, SERVER, 3), (b, off, n) -> {
            for (int i = 0; i < n; i++) {
                six.put(at + i, b.get(off + i));
            }
            len[0] = n;
        });
        JitWarmUp.answer(six, at);
        t.translate(six, at, len[0], (b, off, n) -> {
            for (int i = 0; i < n; i++) {
                four.put(i, b.get(off + i));
            }
            len[1] = n;
        });
        assertEquals(84, len[1]);
        assertEquals(0, four.get(20), "ICMP type: echo reply");
        assertEquals(JitWarmUp.CLIENT, four.getInt(16), "to the LAN side");
        assertEquals(0, Checksum.finish(Checksum.sum(four, 20, 64)), "ICMP checksum");
    }

    private static XlatConfig prefixConfig(String pref64) {
        return XlatConfig.builder().pref64(pref64)
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("192.168.50.0/24=2001:db8:50::/96")))
                .pref64ForLocal(false).build();
    }
}
