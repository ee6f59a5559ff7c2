package net.jclat.discovery;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jclat.xlat.Pref64;

/**
 * Every NAT64 prefix jclat currently knows, from every source, each with the moment it expires, listed in
 * the configured order of sources (default static > RA > DNS) and, within a source, in the order they
 * arrived. Pure: the caller passes the time in, so tests need no clock. Not thread-safe: owned by the
 * daemon's control thread.
 */
public final class PrefixCandidates {
    /** Expiry of a prefix that does not expire (a static one). */
    public static final long NEVER = Long.MAX_VALUE;

    /** One known prefix. {@code expiresAtNanos} is on the {@link System#nanoTime()} scale. */
    public record Candidate(Pref64 prefix, PrefixSource source, String origin, long expiresAtNanos) {
        public boolean expired(long nowNanos) {
            return expiresAtNanos != NEVER && nowNanos - expiresAtNanos >= 0;
        }

        /** Seconds of life left, or -1 for never. */
        public long secondsLeft(long nowNanos) {
            return expiresAtNanos == NEVER ? -1 : Math.max(0, (expiresAtNanos - nowNanos) / 1_000_000_000L);
        }
    }

    private final List<PrefixSource> order;
    private final Map<PrefixSource, List<Candidate>> bySource = new EnumMap<>(PrefixSource.class);

    /** @param order the sources in priority order; a source left out is ignored */
    public PrefixCandidates(List<PrefixSource> order) {
        if (order.isEmpty()) {
            throw new IllegalArgumentException("at least one prefix source is needed");
        }
        this.order = List.copyOf(order);
        for (PrefixSource s : PrefixSource.values()) {
            bySource.put(s, new ArrayList<>());
        }
    }

    public boolean uses(PrefixSource source) {
        return order.contains(source);
    }

    /**
     * Replaces every prefix of one source with a new answer. A DNS answer is complete (RFC 7050 §3: all
     * prefixes come in one response), so it replaces what the last answer said.
     */
    public void replace(PrefixSource source, List<DiscoveredPrefix> prefixes, long nowNanos) {
        List<Candidate> next = new ArrayList<>();
        for (DiscoveredPrefix d : prefixes) {
            if (d.lifetimeSeconds() > 0 && next.stream().noneMatch(c -> c.prefix().equals(d.prefix()))) {
                next.add(candidate(d, nowNanos));
            }
        }
        List<Candidate> current = bySource.get(source);
        current.clear();
        current.addAll(next);
    }

    /**
     * Applies one Router Advertisement's PREF64 options (RFC 8781 §5): each prefix gets the lifetime the
     * router gives it now, a lifetime of 0 withdraws it, and prefixes the RA does not mention keep their
     * own lifetimes. Prefixes are kept per router.
     */
    public void updateFromRouter(String router, List<DiscoveredPrefix> prefixes, long nowNanos) {
        List<Candidate> ra = bySource.get(PrefixSource.RA);
        for (DiscoveredPrefix d : prefixes) {
            int at = -1;
            for (int i = 0; i < ra.size(); i++) {
                Candidate c = ra.get(i);
                if (c.origin().equals(router) && c.prefix().equals(d.prefix())) {
                    at = i;
                    break;
                }
            }
            if (d.lifetimeSeconds() == 0) {
                if (at >= 0) {
                    ra.remove(at);
                }
            } else if (at >= 0) {
                ra.set(at, candidate(d, nowNanos));
            } else {
                ra.add(candidate(d, nowNanos));
            }
        }
    }

    /** Drops expired prefixes; returns whether any went. */
    public boolean expire(long nowNanos) {
        boolean removed = false;
        for (List<Candidate> list : bySource.values()) {
            for (Iterator<Candidate> it = list.iterator(); it.hasNext();) {
                if (it.next().expired(nowNanos)) {
                    it.remove();
                    removed = true;
                }
            }
        }
        return removed;
    }

    /** Live prefixes in priority order, a prefix known from two sources listed once (its best source). */
    public List<Candidate> ordered(long nowNanos) {
        List<Candidate> out = new ArrayList<>();
        for (PrefixSource s : order) {
            for (Candidate c : bySource.get(s)) {
                if (!c.expired(nowNanos) && out.stream().noneMatch(o -> o.prefix().equals(c.prefix()))) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** When the next prefix expires, or {@link #NEVER}. */
    public long nextExpiry() {
        long next = NEVER;
        for (List<Candidate> list : bySource.values()) {
            for (Candidate c : list) {
                if (c.expiresAtNanos() != NEVER && (next == NEVER || c.expiresAtNanos() - next < 0)) {
                    next = c.expiresAtNanos();
                }
            }
        }
        return next;
    }

    private static Candidate candidate(DiscoveredPrefix d, long nowNanos) {
        long expires = d.source() == PrefixSource.STATIC ? NEVER
                : nowNanos + Math.min(d.lifetimeSeconds(), 100L * 365 * 86400) * 1_000_000_000L;
        return new Candidate(d.prefix(), d.source(), d.origin(), expires);
    }
}
