package net.jclat.discovery;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jclat.xlat.Pref64;

/**
 * Whether the PLAT behind each NAT64 prefix answers, from consecutive probe results, and the rule that
 * picks the prefix to use: the first in priority order that is not failing. A prefix is failing after
 * {@code fall} failed probes in a row and healthy again after {@code rise} successes in a row, so one lost
 * probe does not move traffic and a flapping PLAT does not get it back at once. Pure; owned by one thread.
 */
public final class PlatHealth {
    public enum State {
        /** Not probed yet, or probing is off: usable. */
        UNKNOWN,
        HEALTHY,
        FAILING;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final class Entry {
        State state = State.UNKNOWN;
        int successes;
        int failures;
    }

    private final int fall;
    private final int rise;
    private final Map<Pref64, Entry> entries = new HashMap<>();

    public PlatHealth(int fall, int rise) {
        if (fall < 1 || rise < 1) {
            throw new IllegalArgumentException("fall and rise must be at least 1");
        }
        this.fall = fall;
        this.rise = rise;
    }

    /** Records one probe result; returns whether the prefix's state changed. */
    public boolean record(Pref64 prefix, boolean ok) {
        Entry e = entries.computeIfAbsent(prefix, p -> new Entry());
        State before = e.state;
        if (ok) {
            e.failures = 0;
            e.successes++;
            if (e.state == State.UNKNOWN || (e.state == State.FAILING && e.successes >= rise)) {
                e.state = State.HEALTHY;
            }
        } else {
            e.successes = 0;
            e.failures++;
            if (e.failures >= fall) {
                e.state = State.FAILING;
            }
        }
        return e.state != before;
    }

    public State state(Pref64 prefix) {
        Entry e = entries.get(prefix);
        return e == null ? State.UNKNOWN : e.state;
    }

    /** Forgets prefixes no longer known, so one that comes back starts fresh. */
    public void retain(Collection<Pref64> live) {
        entries.keySet().retainAll(live);
    }

    /**
     * The prefix to translate with: the first of {@code ordered} that is not failing; if every one is
     * failing, the first (trying is better than certain loss); null when there is none.
     */
    public PrefixCandidates.Candidate choose(List<PrefixCandidates.Candidate> ordered) {
        for (PrefixCandidates.Candidate c : ordered) {
            if (state(c.prefix()) != State.FAILING) {
                return c;
            }
        }
        return ordered.isEmpty() ? null : ordered.get(0);
    }
}
