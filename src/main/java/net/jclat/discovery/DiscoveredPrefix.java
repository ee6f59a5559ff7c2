package net.jclat.discovery;

import java.util.Objects;
import net.jclat.xlat.Pref64;

/**
 * A NAT64 prefix learnt at run time. The lifetime is relative (seconds from when it was learnt): the
 * AAAA record's TTL for DNS, the PREF64 option's lifetime for an RA; the caller owns the clock.
 *
 * @param origin who told us, as text: the DNS server or the router's address
 */
public record DiscoveredPrefix(Pref64 prefix, PrefixSource source, long lifetimeSeconds, String origin) {

    public DiscoveredPrefix {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(origin, "origin");
        if (lifetimeSeconds < 0) {
            throw new IllegalArgumentException("lifetime must not be negative, got " + lifetimeSeconds);
        }
    }

    @Override
    public String toString() {
        return prefix + " (" + source.label() + " from " + origin + ", lifetime " + lifetimeSeconds + " s)";
    }
}
