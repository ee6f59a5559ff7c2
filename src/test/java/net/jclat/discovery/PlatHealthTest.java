package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;

class PlatHealthTest {
    private static final Pref64 A = Pref64.parse("2001:db8:a::/96");
    private static final Pref64 B = Pref64.parse("2001:db8:b::/96");
    private static final List<PrefixCandidates.Candidate> BOTH = List.of(
            new PrefixCandidates.Candidate(A, PrefixSource.DNS, "dns", 100),
            new PrefixCandidates.Candidate(B, PrefixSource.DNS, "dns", 100));

    @Test
    void failsOverAfterFallFailuresAndBackAfterRiseSuccesses() {
        PlatHealth h = new PlatHealth(3, 2);
        assertEquals(A, h.choose(BOTH).prefix());
        assertTrue(h.record(A, true));
        assertEquals(PlatHealth.State.HEALTHY, h.state(A));
        assertFalse(h.record(A, false));
        assertFalse(h.record(A, false));
        assertEquals(A, h.choose(BOTH).prefix(), "two failures are not yet a failover");
        assertTrue(h.record(A, false));
        assertEquals(PlatHealth.State.FAILING, h.state(A));
        assertEquals(B, h.choose(BOTH).prefix());
        assertFalse(h.record(A, true));
        assertEquals(B, h.choose(BOTH).prefix(), "one success is not yet a fail-back");
        assertTrue(h.record(A, true));
        assertEquals(A, h.choose(BOTH).prefix());
    }

    @Test
    void aFailureBetweenSuccessesRestartsTheCount() {
        PlatHealth h = new PlatHealth(2, 2);
        h.record(A, false);
        h.record(A, true);
        h.record(A, false);
        assertEquals(PlatHealth.State.HEALTHY, h.state(A), "failures were not consecutive");
    }

    @Test
    void allFailingStillUsesTheFirstAndNoneGivesNull() {
        PlatHealth h = new PlatHealth(1, 1);
        h.record(A, false);
        h.record(B, false);
        assertEquals(A, h.choose(BOTH).prefix());
        assertNull(h.choose(List.of()));
    }

    @Test
    void retainForgetsStatesOfPrefixesThatWent() {
        PlatHealth h = new PlatHealth(1, 1);
        h.record(A, false);
        h.retain(List.of(B));
        assertEquals(PlatHealth.State.UNKNOWN, h.state(A));
    }
}
