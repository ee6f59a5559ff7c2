package net.jclat.discovery;

import java.util.List;

/**
 * One valid Router Advertisement heard on the uplink, with what it says about NAT64.
 *
 * <p>An RA that carries no PREF64 option is reported too ({@code prefixes} empty). It does not withdraw a prefix
 * learned earlier: only a PREF64 option with lifetime 0 does that (RFC 8781 §4.1), so a prefix stays usable
 * until its own lifetime runs out. It does tell the caller this router offers no NAT64 prefix, which is when
 * another mechanism may be used: RFC 8781 §5.1 has a host select one source only, preferring the RA option over
 * RFC 7050 DNS discovery.
 *
 * @param router the RA's source, a link-local address as text
 * @param routerLifetime the Router Lifetime in seconds (RFC 4861 §4.2); 0 means not a default router
 * @param prefixes the PREF64 options, in message order; lifetime 0 entries are withdrawals
 * @param receivedAtNanos {@link System#nanoTime()} when the RA was read; lifetimes count from here
 */
public record RaEvent(String router, int routerLifetime, List<DiscoveredPrefix> prefixes, long receivedAtNanos) {
    public RaEvent {
        prefixes = List.copyOf(prefixes);
    }

    /** True when the RA carried at least one acceptable PREF64 option (a withdrawal counts). */
    public boolean hasPref64() {
        return !prefixes.isEmpty();
    }

    /**
     * The prefixes that may be used: RFC 8781 §5.1 limits the choice among several to "the NAT64 prefixes that
     * have non-zero lifetime".
     */
    public List<DiscoveredPrefix> usable() {
        return prefixes.stream().filter(p -> p.lifetimeSeconds() > 0).toList();
    }

    /** The prefixes this RA withdraws: lifetime 0, "SHOULD NOT be used anymore" (RFC 8781 §4.1). */
    public List<DiscoveredPrefix> withdrawn() {
        return prefixes.stream().filter(p -> p.lifetimeSeconds() == 0).toList();
    }
}
