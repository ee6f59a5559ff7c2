package net.jclat.log;

import java.util.TimeZone;

/**
 * "yyyy-MM-dd HH:mm:ss" in the local zone, without java.time: its DateTimeFormatter alone loaded ~84 classes
 * into a daemon whose resident size is the point (docs/benchmarks.md). The text is cached per second, so a
 * burst of lines costs one comparison each. Callers hold the logger's lock.
 */
final class LocalTimeText {
    private final TimeZone zone;
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedText = "";

    LocalTimeText(TimeZone zone) {
        this.zone = zone;
    }

    String at(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != cachedSecond) {
            // The offset is asked for each new second, so a daylight-saving change shows at once.
            cachedText = format(second + zone.getOffset(epochMillis) / 1000);
            cachedSecond = second;
        }
        return cachedText;
    }

    /** Formats seconds since 1970-01-01 00:00:00 local time. */
    static String format(long localSeconds) {
        long days = Math.floorDiv(localSeconds, 86_400);
        int secOfDay = (int) Math.floorMod(localSeconds, 86_400);
        // Civil date from a day count (proleptic Gregorian): shift to eras of 400 years starting on 0000-03-01,
        // so the leap day is the last day of a "year" and month lengths follow a fixed 153-day pattern.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        char[] c = new char[19];
        four(c, 0, year);
        c[4] = '-';
        two(c, 5, month);
        c[7] = '-';
        two(c, 8, day);
        c[10] = ' ';
        two(c, 11, secOfDay / 3600);
        c[13] = ':';
        two(c, 14, secOfDay / 60 % 60);
        c[16] = ':';
        two(c, 17, secOfDay % 60);
        return new String(c);
    }

    private static void four(char[] c, int at, long v) {
        two(c, at, (int) (v / 100 % 100));
        two(c, at + 2, (int) (v % 100));
    }

    private static void two(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }
}
