package net.jclat.discovery;

import java.util.List;
import java.util.Objects;

/**
 * What asking DNS for {@code ipv4only.arpa} AAAA (RFC 7050 §3) told us.
 *
 * @param prefixes the prefixes in answer order; non-empty exactly when the outcome is {@code FOUND}
 * @param detail   for people: which server(s) said or failed to say what
 */
public record DnsResult(Outcome outcome, List<DiscoveredPrefix> prefixes, String detail) {

    public enum Outcome {
        /** A server answered with at least one synthesised address holding a well-known IPv4 address. */
        FOUND,
        /** A server answered, with NXDOMAIN or without such an address: no NAT64 here (RFC 7050 §3). */
        NO_NAT64,
        /** No server gave an answer: time-outs, SERVFAIL, REFUSED, network errors. */
        NO_ANSWER
    }

    public DnsResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        prefixes = List.copyOf(prefixes);
        if (prefixes.isEmpty() == (outcome == Outcome.FOUND)) {
            throw new IllegalArgumentException(outcome + " with " + prefixes.size() + " prefixes");
        }
    }

    public static DnsResult found(List<DiscoveredPrefix> prefixes, String detail) {
        return new DnsResult(Outcome.FOUND, prefixes, detail);
    }

    public static DnsResult noNat64(String detail) {
        return new DnsResult(Outcome.NO_NAT64, List.of(), detail);
    }

    public static DnsResult noAnswer(String detail) {
        return new DnsResult(Outcome.NO_ANSWER, List.of(), detail);
    }
}
