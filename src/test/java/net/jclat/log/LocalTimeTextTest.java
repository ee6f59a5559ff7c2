package net.jclat.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The date without java.time, checked against java.time (the test may load it; the daemon need not). */
class LocalTimeTextTest {
    private static final DateTimeFormatter EXPECTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private static String oracle(long millis, String zone) {
        return EXPECTED.format(Instant.ofEpochMilli(millis).atZone(ZoneId.of(zone)));
    }

    @Test
    void knownInstants() {
        LocalTimeText utc = new LocalTimeText(TimeZone.getTimeZone("UTC"));
        assertEquals("1970-01-01 00:00:00", utc.at(0));
        assertEquals("2024-02-29 23:59:59", utc.at(1_709_251_199_999L)); // a leap day's last millisecond
        assertEquals("2000-03-01 00:00:00", utc.at(951_868_800_000L));
        assertEquals("1969-12-31 23:59:59", utc.at(-1));
    }

    @Test
    void nonUtcOffsetsIncludingHalfHoursAndDaylightSaving() {
        for (String zone : new String[] {"Asia/Kolkata", "America/St_Johns", "Europe/Berlin", "Pacific/Chatham"}) {
            LocalTimeText t = new LocalTimeText(TimeZone.getTimeZone(zone));
            // Berlin's spring-forward instant, 2026-03-29 01:00:00 UTC, and the second before it.
            assertEquals(oracle(1_774_746_000_000L, zone), t.at(1_774_746_000_000L), zone);
            assertEquals(oracle(1_774_745_999_000L, zone), t.at(1_774_745_999_000L), zone);
            Random r = new Random(zone.hashCode());
            for (int i = 0; i < 20_000; i++) {
                long millis = (long) (r.nextDouble() * 8_000_000_000_000L) - 1_000_000_000_000L;
                assertEquals(oracle(millis, zone), t.at(millis), zone + " at " + millis);
            }
        }
    }

    @Test
    void sameSecondReusesTheText() {
        LocalTimeText t = new LocalTimeText(TimeZone.getTimeZone("Asia/Kolkata"));
        String first = t.at(1_765_000_000_001L);
        assertSame(first, t.at(1_765_000_000_999L));
        assertEquals("2025-12-06 11:16:41", t.at(1_765_000_001_000L));
    }
}
