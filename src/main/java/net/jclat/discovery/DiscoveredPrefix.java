package net.jclat.discovery;

import net.jclat.xlat.Pref64;

/**
 * A NAT64 prefix as one discovery mechanism reported it.
 *
 * @param prefix the RFC 6052 prefix
 * @param source the mechanism that reported it
 * @param lifetimeSeconds how long it may be used from the moment it was reported; 0 means withdrawn
 * @param origin who reported it, as text: the router's link-local address (RA) or the DNS server (DNS)
 */
public record DiscoveredPrefix(Pref64 prefix, PrefixSource source, long lifetimeSeconds, String origin) {}
