package net.jclat.lan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import net.jclat.xlat.Pref64;

/**
 * When to send the PREF64 Router Advertisements on one LAN interface, and what they carry. Pure: the caller
 * passes the time (milliseconds on any monotonic scale) and sends what {@link #due} returns.
 *
 * <ul>
 * <li>A new prefix (also the first) goes out at once, then {@value #INITIAL} times in all at intervals of at
 *     most {@value #MAX_INITIAL_INTERVAL_MS} ms (RFC 4861 §6.2.4: MAX_INITIAL_RTR_ADVERTISEMENTS 3,
 *     MAX_INITIAL_RTR_ADVERT_INTERVAL 16 s), then every 200-600 s at random (§6.2.1 MinRtrAdvInterval
 *     0.33 × MaxRtrAdvInterval, default 600 s), never slower than a third of the lifetime it advertised, so
 *     hosts hear it again well before it runs out (RFC 8781 §4.1).</li>
 * <li>A prefix that is replaced or withdrawn goes out with lifetime 0 {@value #INITIAL} times, in the same RAs
 *     (RFC 8781 §4.1: 0 means the prefix SHOULD NOT be used any more).</li>
 * <li>Nothing announced and nothing to withdraw: silence.</li>
 * <li>A Router Solicitation brings the next RA forward to within {@value #MAX_RA_DELAY_MS} ms, but never
 *     closer than {@value #MIN_DELAY_BETWEEN_RAS_MS} ms after the last (RFC 4861 §6.2.6).</li>
 * </ul>
 */
public final class AnnouncementSchedule {
    static final int INITIAL = 3;
    static final long MAX_INITIAL_INTERVAL_MS = 16_000;
    static final long MIN_INTERVAL_MS = 200_000;
    static final long MAX_INTERVAL_MS = 600_000;
    static final long MIN_DELAY_BETWEEN_RAS_MS = 3_000;
    static final long MAX_RA_DELAY_MS = 500;
    private static final long NEVER = Long.MAX_VALUE;

    private final RandomGenerator random;
    private Pref64 current;
    private long lifetime;
    private int fastLeft;
    private final Map<Pref64, Integer> withdrawing = new LinkedHashMap<>();
    private long nextAt = NEVER;
    private long lastSentAt = Long.MIN_VALUE / 2;

    public AnnouncementSchedule(RandomGenerator random) {
        this.random = random;
    }

    /**
     * What should be announced from now on: {@code prefix} for {@code lifetimeSeconds}, or nothing
     * ({@code null}). A change of prefix is sent at once; a new lifetime for the same prefix goes out with the
     * next RA, which comes sooner if the one already scheduled would arrive after a third of it.
     */
    public void want(Pref64 prefix, long lifetimeSeconds, long now) {
        if (prefix != null && lifetimeSeconds <= 0) {
            prefix = null; // an expired prefix is a withdrawn one
        }
        if (!Objects.equals(prefix, current)) {
            if (current != null) {
                withdrawing.put(current, INITIAL);
            }
            if (prefix != null) {
                withdrawing.remove(prefix);
            }
            current = prefix;
            lifetime = prefix == null ? 0 : lifetimeSeconds;
            fastLeft = prefix == null ? 0 : INITIAL;
            nextAt = Math.max(now, lastSentAt + MIN_DELAY_BETWEEN_RAS_MS);
            if (current == null && withdrawing.isEmpty()) {
                nextAt = NEVER;
            }
            return;
        }
        lifetime = prefix == null ? 0 : lifetimeSeconds;
        if (current != null && nextAt != NEVER) {
            nextAt = Math.min(nextAt, Math.max(now, lastSentAt + cap(lifetime, MAX_INTERVAL_MS)));
        }
    }

    /** A Router Solicitation arrived: answer with the next multicast RA soon, if there is anything to say. */
    public void solicited(long now) {
        if (current == null && withdrawing.isEmpty()) {
            return;
        }
        long at = Math.max(now + random.nextLong(MAX_RA_DELAY_MS + 1), lastSentAt + MIN_DELAY_BETWEEN_RAS_MS);
        nextAt = Math.min(nextAt, at);
    }

    /** The PREF64 options to send now (empty when nothing is due); schedules the next RA. */
    public List<Pref64Advertisement.Announced> due(long now) {
        if (nextAt == NEVER || now < nextAt) {
            return List.of();
        }
        List<Pref64Advertisement.Announced> out = new ArrayList<>();
        if (current != null) {
            out.add(new Pref64Advertisement.Announced(current, lifetime));
        }
        for (Map.Entry<Pref64, Integer> e : new ArrayList<>(withdrawing.entrySet())) {
            out.add(new Pref64Advertisement.Announced(e.getKey(), 0));
            if (e.getValue() <= 1) {
                withdrawing.remove(e.getKey());
            } else {
                e.setValue(e.getValue() - 1);
            }
        }
        lastSentAt = now;
        if (fastLeft > 0) {
            fastLeft--;
        }
        boolean fast = fastLeft > 0 || !withdrawing.isEmpty();
        if (current == null && withdrawing.isEmpty()) {
            nextAt = NEVER;
        } else {
            long interval = MIN_INTERVAL_MS + random.nextLong(MAX_INTERVAL_MS - MIN_INTERVAL_MS + 1);
            if (fast) {
                interval = Math.min(interval, MAX_INITIAL_INTERVAL_MS);
            }
            nextAt = now + (current == null ? interval : cap(lifetime, interval));
        }
        return out;
    }

    /** The interval, shortened to a third of the lifetime but not under MIN_DELAY_BETWEEN_RAS. */
    private static long cap(long lifetimeSeconds, long intervalMs) {
        return Math.max(MIN_DELAY_BETWEEN_RAS_MS, Math.min(intervalMs, lifetimeSeconds * 1000 / 3));
    }

    /** When {@link #due} next has something, or {@link Long#MAX_VALUE} for never. */
    public long nextAt() {
        return nextAt;
    }

    /** What hosts are told now: the announced prefix, or null. */
    public Pref64 announced() {
        return current;
    }

    /** The options of a final RA at stop: everything announced or being withdrawn, at lifetime 0. */
    public List<Pref64Advertisement.Announced> finalAdvertisement() {
        List<Pref64Advertisement.Announced> out = new ArrayList<>();
        if (current != null) {
            out.add(new Pref64Advertisement.Announced(current, 0));
        }
        for (Pref64 p : withdrawing.keySet()) {
            out.add(new Pref64Advertisement.Announced(p, 0));
        }
        return out;
    }
}
