package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;

/**
 * The one-second expiry tick runs only while a known prefix can expire (issue 15: an idle router's discovery
 * thread recomputed a static prefix's status every second to learn that nothing expires). A prefix with a
 * lifetime still counts down in the status and goes when its lifetime is over. No sockets: the RA source's
 * listener cannot bind to a device that does not exist, and the RA is handed over directly.
 */
class PrefixDiscoveryTickTest {
    private static final Pref64 STATIC = Pref64.parse("64:ff9b::/96");
    private static final Pref64 FROM_RA = Pref64.parse("2001:db8:64::/96");

    private final BlockingQueue<Optional<Pref64>> chosen = new LinkedBlockingQueue<>();

    private PrefixDiscovery discovery(List<Pref64> statics, List<PrefixSource> order) {
        return new PrefixDiscovery(new PrefixDiscovery.Settings(statics, order, "jcnone0", List::of, null, 1000, 1000,
                null, 0, 1, 1), c -> chosen.add(Optional.ofNullable(c == null ? null : c.prefix())));
    }

    @Test
    void aStaticPrefixsStatusIsComputedOnceNotEverySecond() throws Exception {
        try (PrefixDiscovery d = discovery(List.of(STATIC), List.of(PrefixSource.STATIC))) {
            d.start();
            assertEquals(Optional.of(STATIC), chosen.poll(1, TimeUnit.SECONDS));
            PrefixDiscovery.Status first = d.status();
            assertEquals(-1, first.active().expiresInSeconds());
            Thread.sleep(2500);
            assertSame(first, d.status(), "the status was computed again although nothing can expire");
            assertNull(chosen.poll(), "the listener was told of a change that did not happen");
        }
    }

    @Test
    void aPrefixWithALifetimeCountsDownAndExpires() throws Exception {
        try (PrefixDiscovery d = discovery(List.of(), List.of(PrefixSource.RA))) {
            d.start();
            long now = System.nanoTime();
            d.onRouterAdvertisement(new RaEvent("fe80::1", 0,
                    List.of(new DiscoveredPrefix(FROM_RA, PrefixSource.RA, 3, "fe80::1")), now));
            assertEquals(Optional.of(FROM_RA), chosen.poll(1, TimeUnit.SECONDS));
            long left = d.status().active().expiresInSeconds();
            Thread.sleep(1500);
            assertNotEquals(left, d.status().active().expiresInSeconds(), "the status did not count down");
            assertEquals(Optional.empty(), chosen.poll(4, TimeUnit.SECONDS), "the prefix did not expire");
            assertNull(d.status().active());
        }
    }
}
