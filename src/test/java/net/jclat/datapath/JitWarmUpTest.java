package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jclat.xlat.Counters;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.XlatConfig;
import org.junit.jupiter.api.Test;

/** The warm-up must exercise the translation paths, not the drop paths: every packet translates. */
class JitWarmUpTest {
    @Test
    void everyWarmUpPacketIsTranslatedBothWaysWithTheClatAddress() {
        long[] c = new long[Counters.SIZE];
        new JitWarmUp(10).exercise(JitWarmUp.clatConfig(), JitWarmUp.CLIENT).addTo(c);
        assertEquals(30, c[Counters.TRANSLATED_4TO6]);
        assertEquals(30, c[Counters.TRANSLATED_6TO4]);
    }

    @Test
    void everyWarmUpPacketIsTranslatedBothWaysWithADedicatedPrefix() {
        XlatConfig prefix = XlatConfig.builder().pref64("2001:db8:64::/96")
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("192.168.50.0/24=2001:db8:50::/96")))
                .pref64ForLocal(false).build();
        long[] c = new long[Counters.SIZE];
        new JitWarmUp(7).exercise(prefix, JitWarmUp.LAN_HOST).addTo(c);
        assertEquals(21, c[Counters.TRANSLATED_4TO6]);
        assertEquals(21, c[Counters.TRANSLATED_6TO4]);
    }

    /** The offload path too: super-packets with partial checksums, translated whole both ways. */
    @Test
    void everyOffloadWarmUpPacketIsTranslatedWholeBothWays() {
        long[] c = new long[Counters.SIZE];
        new JitWarmUp(9).exerciseOffload(JitWarmUp.clatConfig(), JitWarmUp.CLIENT).addTo(c);
        assertEquals(9, c[Counters.TRANSLATED_4TO6]);
        assertEquals(9, c[Counters.TRANSLATED_6TO4]);
        assertEquals(18, c[Counters.GSO_TRANSLATED_WHOLE]);
    }
}
