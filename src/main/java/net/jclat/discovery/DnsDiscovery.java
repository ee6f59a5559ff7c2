package net.jclat.discovery;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeoutException;
import net.jclat.xlat.Addresses;
import net.jclat.xlat.Pref64;
import net.jclat.log.Log;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * RFC 7050 §3 discovery: asks each DNS server in turn for the AAAA records of {@code ipv4only.arpa.} and
 * reads the NAT64 prefixes out of the answer ({@link Rfc7050Prefixes}). The first server that answers —
 * with prefixes, or with NXDOMAIN / no usable AAAA record — decides; only when none answers is the outcome
 * {@link DnsResult.Outcome#NO_ANSWER}.
 *
 * <p>Immutable and safe to call from any thread: each query gets its own dnsjava {@link SimpleResolver}.
 * Queries go without EDNS, so a UDP answer is at most 512 bytes; a longer one comes back truncated (TC) and
 * SimpleResolver asks again over TCP (RFC 1035 §4.2.1, RFC 7766 §5). The answer is small — two AAAA records
 * — so this costs nothing normally and avoids EDNS trouble with home-router forwarders.
 */
public final class DnsDiscovery {
    /** The Well-Known IPv4-only Name, RFC 7050 §2.1 and §8.1. */
    public static final Name IPV4ONLY_ARPA = Name.fromConstantString("ipv4only.arpa.");

    private final Duration timeout;
    private final int retries;

    /**
     * @param timeout how long one query (the UDP try plus a TCP retry after truncation) may take
     * @param retries how many more times a server is asked after a time-out, network error or SERVFAIL
     */
    public DnsDiscovery(Duration timeout, int retries) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive, got " + timeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("DNS retries must not be negative, got " + retries);
        }
        this.timeout = timeout;
        this.retries = retries;
    }

    public Duration timeout() {
        return timeout;
    }

    public int retries() {
        return retries;
    }

    /** Asks the servers in order; the first FOUND or NO_NAT64 decides. */
    public DnsResult discover(List<DnsServer> servers) {
        if (servers.isEmpty()) {
            return DnsResult.noAnswer("no DNS server to ask for " + IPV4ONLY_ARPA);
        }
        List<String> failures = new ArrayList<>();
        for (DnsServer server : servers) {
            DnsResult result = ask(server);
            if (result.outcome() != DnsResult.Outcome.NO_ANSWER) {
                if (failures.isEmpty()) {
                    return result;
                }
                String after = " (after " + String.join("; ", failures) + ")";
                return new DnsResult(result.outcome(), result.prefixes(), result.detail() + after);
            }
            failures.add(result.detail());
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        return DnsResult.noAnswer("DNS did not answer for " + IPV4ONLY_ARPA + " AAAA: " + String.join("; ", failures));
    }

    /** Asks one server, with the retries. */
    public DnsResult ask(DnsServer server) {
        String origin = server.toString();
        SimpleResolver resolver = new SimpleResolver(server.socketAddress());
        resolver.setTimeout(timeout);
        resolver.setEDNS(-1, 0, 0, List.of());
        resolver.setIgnoreTruncation(false); // the default, and what makes the TCP retry happen
        String problem = "no attempt";
        int attempts = 0;
        while (attempts <= retries) {
            attempts++;
            Message query = Message.newQuery(Record.newRecord(IPV4ONLY_ARPA, Type.AAAA, DClass.IN));
            try {
                Message response = resolver.send(query);
                DnsResult result = interpret(response, origin);
                if (response.getRcode() != Rcode.SERVFAIL) {
                    return result; // a definite answer, or REFUSED and the like, which asking again will not change
                }
                problem = "SERVFAIL";
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return DnsResult.noAnswer(origin + ": interrupted");
                }
                problem = describe(e);
            }
            Log.debug("DNS {} attempt {} for {} AAAA: {}", origin, attempts, IPV4ONLY_ARPA, problem);
        }
        return DnsResult.noAnswer(origin + ": " + problem
                + (attempts > 1 ? " (" + attempts + " attempts of " + timeout.toMillis() + " ms)" : ""));
    }

    private String describe(IOException e) {
        if (e instanceof SocketTimeoutException || e.getCause() instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
    }

    /** What one server's response means (RFC 7050 §3). Package-private for tests. */
    static DnsResult interpret(Message response, String origin) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return DnsResult.noNat64(origin + " says " + IPV4ONLY_ARPA + " does not exist (NXDOMAIN): no NAT64 here");
        }
        if (rcode != Rcode.NOERROR) {
            return DnsResult.noAnswer(origin + " answered " + Rcode.string(rcode));
        }
        List<AAAARecord> records = aaaaRecords(response);
        if (records.isEmpty()) {
            return DnsResult.noNat64(origin + " has no AAAA record for " + IPV4ONLY_ARPA + ": no NAT64 here");
        }
        Map<Pref64, Long> ttls = new LinkedHashMap<>();
        for (AAAARecord r : records) {
            // The lifetime of a prefix is the shortest TTL among the records that gave it.
            // The RDATA itself: getAddress() would turn ::ffff:a.b.c.d into a 4-byte Inet4Address.
            Rfc7050Prefixes.prefixOf(r.rdataToWireCanonical())
                    .ifPresent(p -> ttls.merge(p, r.getTTL(), Math::min));
        }
        if (ttls.isEmpty()) {
            StringJoiner addresses = new StringJoiner(", ");
            records.forEach(r -> addresses.add(text(r.rdataToWireCanonical())));
            return DnsResult.noNat64(origin + " answered " + records.size() + " AAAA record(s) (" + addresses
                    + ") without 192.0.0.170 or 192.0.0.171 embedded: ignored (RFC 7050 §3), no NAT64 here");
        }
        List<DiscoveredPrefix> prefixes = new ArrayList<>();
        StringJoiner text = new StringJoiner(", ");
        ttls.forEach((p, ttl) -> {
            prefixes.add(new DiscoveredPrefix(p, PrefixSource.DNS, ttl, origin));
            text.add(p + " (ttl " + ttl + " s)");
        });
        return DnsResult.found(prefixes, origin + " gave " + text);
    }

    private static String text(byte[] ipv6) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (ipv6[i] & 0xFF);
            lo = lo << 8 | (ipv6[i + 8] & 0xFF);
        }
        return Addresses.formatIpv6(hi, lo);
    }

    /** The answer's AAAA records for the query name, following a CNAME chain, in answer order. */
    private static List<AAAARecord> aaaaRecords(Message response) {
        Set<Name> names = new HashSet<>();
        names.add(IPV4ONLY_ARPA);
        List<Record> answer = response.getSection(Section.ANSWER);
        for (Record r : answer) {
            if (r instanceof CNAMERecord c && names.contains(c.getName())) {
                names.add(c.getTarget());
            }
        }
        List<AAAARecord> out = new ArrayList<>();
        for (Record r : answer) {
            if (r instanceof AAAARecord a && r.getDClass() == DClass.IN && names.contains(a.getName())) {
                out.add(a);
            }
        }
        return out;
    }
}
