package net.jclat.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;

/** The PREF64 RA schedule on a fake clock: announce, change, withdraw, return, solicit, stop. */
class AnnouncementScheduleTest {
    private static final Pref64 A = Pref64.parse("2001:db8:64::/96");
    private static final Pref64 B = Pref64.parse("2001:db8:65::/96");
    private final AnnouncementSchedule s = new AnnouncementSchedule(new Random(7));

    /** Every RA sent from {@code from} to {@code to}, stepping a millisecond-exact clock to each due time. */
    private List<List<Pref64Advertisement.Announced>> run(long from, long to, List<Long> times) {
        List<List<Pref64Advertisement.Announced>> sent = new ArrayList<>();
        long now = from;
        while (true) {
            now = Math.max(now, s.nextAt());
            if (now > to) {
                return sent;
            }
            List<Pref64Advertisement.Announced> ra = s.due(now);
            assertTrue(!ra.isEmpty(), "due at nextAt");
            sent.add(ra);
            times.add(now);
        }
    }

    private static Pref64Advertisement.Announced a(Pref64 p, long lifetime) {
        return new Pref64Advertisement.Announced(p, lifetime);
    }

    @Test
    void announcesAtOnceThenThreeFastThenEvery200To600sNeverSlowerThanAThirdOfTheLifetime() {
        s.want(A, 65528, 0);
        List<Long> t = new ArrayList<>();
        List<List<Pref64Advertisement.Announced>> sent = run(0, 3_600_000, t);
        assertEquals(List.of(a(A, 65528)), sent.get(0));
        assertEquals(0, t.get(0), "the first at once");
        assertTrue(t.get(1) <= 16_000 && t.get(2) - t.get(1) <= 16_000, "initial ones within 16 s: " + t);
        for (int i = 3; i < t.size(); i++) {
            long gap = t.get(i) - t.get(i - 1);
            assertTrue(gap >= 200_000 && gap <= 600_000, "periodic gap " + gap);
        }
        assertTrue(t.size() >= 3 + 5, "an hour holds at least 6 periodic RAs: " + t);

        // A prefix valid for 300 s more: the next RA comes within 100 s.
        s.want(A, 300, t.get(t.size() - 1) + 1000);
        assertTrue(s.nextAt() <= t.get(t.size() - 1) + 100_000, "next at " + s.nextAt());
    }

    @Test
    void aChangedPrefixGoesOutAtOnceWithTheOldOneAtLifetimeZeroThreeTimes() {
        s.want(A, 1800, 0);
        s.due(0);
        s.want(B, 1800, 60_000);
        List<Long> t = new ArrayList<>();
        List<List<Pref64Advertisement.Announced>> sent = run(60_000, 200_000, t);
        assertEquals(60_000, t.get(0));
        assertEquals(List.of(a(B, 1800), a(A, 0)), sent.get(0));
        assertEquals(List.of(a(B, 1800), a(A, 0)), sent.get(1));
        assertEquals(List.of(a(B, 1800), a(A, 0)), sent.get(2));
        assertEquals(3, sent.size(), "then quiet until the periodic one: " + t);
        assertEquals(B, s.announced());
    }

    @Test
    void withdrawnWhenThePlatDiesThenSilentAndAnnouncedAgainWhenItReturns() {
        s.want(A, 1800, 0);
        s.due(0);
        s.want(null, 0, 10_000);
        List<Long> t = new ArrayList<>();
        List<List<Pref64Advertisement.Announced>> sent = run(10_000, 10_000_000, t);
        assertEquals(List.of(List.of(a(A, 0)), List.of(a(A, 0)), List.of(a(A, 0))), sent, "three withdrawals");
        assertEquals(10_000, t.get(0), "the first at once");
        assertEquals(Long.MAX_VALUE, s.nextAt(), "silent afterwards");
        assertNull(s.announced());

        s.want(A, 1800, 20_000_000);
        assertEquals(List.of(a(A, 1800)), s.due(20_000_000), "back at once");
    }

    @Test
    void aReturnDuringTheWithdrawalStopsWithdrawingThatPrefix() {
        s.want(A, 1800, 0);
        s.due(0);
        s.want(null, 0, 10_000);
        s.due(10_000);
        s.want(A, 1800, 20_000);
        assertEquals(List.of(a(A, 1800)), s.due(20_000));
    }

    @Test
    void anExpiredLifetimeIsAWithdrawal() {
        s.want(A, 1800, 0);
        s.due(0);
        s.want(A, 0, 5_000);
        assertEquals(List.of(a(A, 0)), s.due(5_000));
    }

    @Test
    void aSolicitationIsAnsweredWithinHalfASecondButNotWithin3sOfTheLast() {
        s.solicited(0);
        assertEquals(Long.MAX_VALUE, s.nextAt(), "nothing to say, no answer");
        s.want(A, 1800, 0);
        s.due(0);
        s.due(s.nextAt());
        s.due(s.nextAt());
        long last = s.nextAt() - 1; // well after the initial ones: periodic now
        long now = 100_000;
        s.solicited(now);
        assertTrue(s.nextAt() >= now && s.nextAt() <= now + 500, "answered at " + s.nextAt() + ", last " + last);
        s.due(s.nextAt());
        long sentAt = now;
        s.solicited(sentAt + 1000);
        assertTrue(s.nextAt() >= sentAt + 3000, "MIN_DELAY_BETWEEN_RAS: " + s.nextAt());
    }

    @Test
    void theFinalAdvertisementWithdrawsEverything() {
        assertEquals(List.of(), s.finalAdvertisement());
        s.want(A, 1800, 0);
        s.due(0);
        s.want(B, 1800, 5_000);
        assertEquals(List.of(a(B, 0), a(A, 0)), s.finalAdvertisement());
    }
}
