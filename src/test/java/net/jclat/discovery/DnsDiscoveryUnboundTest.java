package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jclat.testsupport.Unbound;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link DnsDiscovery} against a real unbound serving {@code ipv4only.arpa} from local data, one unbound per
 * case, on 127.0.0.1 in this namespace (no root needed). The query name stays {@code ipv4only.arpa.}: each
 * case configures its own server.
 */
class DnsDiscoveryUnboundTest {
    private static final DnsDiscovery DISCOVERY = new DnsDiscovery(Duration.ofMillis(400), 1);

    @BeforeAll
    static void needsUnbound() {
        assumeTrue(Unbound.available(), "needs " + Unbound.BINARY + " (Debian package unbound, see bin/jclat-setup)");
    }

    private static String aaaa(long ttl, String address) {
        return "local-data: \"ipv4only.arpa. " + ttl + " IN AAAA " + address + "\"";
    }

    private static List<String> staticZone(String... data) {
        List<String> lines = new ArrayList<>();
        lines.add("local-zone: \"ipv4only.arpa.\" static");
        lines.addAll(List.of(data));
        return lines;
    }

    private static DnsResult discover(List<String> serverLines) throws Exception {
        try (Unbound u = Unbound.start(serverLines)) {
            return DISCOVERY.discover(List.of(u.server()));
        }
    }

    private static List<Pref64> prefixes(DnsResult r) {
        return r.prefixes().stream().map(DiscoveredPrefix::prefix).toList();
    }

    @ParameterizedTest(name = "/{3}")
    @CsvSource({
        "2001:db8:c000:aa::,           2001:db8:c000:ab::,           2001:db8::/32,         32",
        "2001:db8:1c0:0:aa::,          2001:db8:1c0:0:ab::,          2001:db8:100::/40,     40",
        "2001:db8:122:c000:0:aa00::,   2001:db8:122:c000:0:ab00::,   2001:db8:122::/48,     48",
        "2001:db8:122:3c0:0:aa::,      2001:db8:122:3c0:0:ab::,      2001:db8:122:300::/56, 56",
        "2001:db8:122:344:c0:0:aa00:0, 2001:db8:122:344:c0:0:ab00:0, 2001:db8:122:344::/64, 64",
        "2001:db8:122:344::c000:aa,    2001:db8:122:344::c000:ab,    2001:db8:122:344::/96, 96",
    })
    void eachPrefixLengthIsFoundWithTheRecordTtl(String a170, String a171, String prefix, int length) throws Exception {
        try (Unbound u = Unbound.start(staticZone(aaaa(300, a170), aaaa(300, a171)))) {
            DnsResult r = DISCOVERY.discover(List.of(u.server()));
            assertEquals(DnsResult.Outcome.FOUND, r.outcome(), r.detail());
            String origin = "127.0.0.1:" + u.port;
            assertEquals(List.of(new DiscoveredPrefix(Pref64.parse(prefix), PrefixSource.DNS, 300, origin)),
                    r.prefixes());
            assertEquals(length, r.prefixes().get(0).prefix().length());
            assertTrue(r.detail().contains(origin), r.detail());
        }
    }

    @Test
    void twoPrefixesArriveInAnswerOrder() throws Exception {
        DnsResult r = discover(staticZone(aaaa(60, "2001:db8:122:344::c000:aa"), aaaa(60, "64:ff9b::c000:aa"),
                aaaa(60, "2001:db8:122:344::c000:ab"), aaaa(60, "64:ff9b::c000:ab")));
        assertEquals(DnsResult.Outcome.FOUND, r.outcome(), r.detail());
        assertEquals(List.of(Pref64.parse("2001:db8:122:344::/96"), Pref64.parse("64:ff9b::/96")), prefixes(r));
    }

    @Test
    void lifetimeIsTheAaaaTtl() throws Exception {
        DnsResult r = discover(staticZone(aaaa(1234, "64:ff9b::c000:aa"), aaaa(1234, "64:ff9b::c000:ab")));
        assertEquals(DnsResult.Outcome.FOUND, r.outcome(), r.detail());
        assertEquals(1234, r.prefixes().get(0).lifetimeSeconds());
    }

    @Test
    void nxdomainIsNoNat64() throws Exception {
        DnsResult r = discover(List.of("local-zone: \"ipv4only.arpa.\" always_nxdomain"));
        assertEquals(DnsResult.Outcome.NO_NAT64, r.outcome(), r.detail());
        assertTrue(r.detail().contains("NXDOMAIN"), r.detail());
    }

    @Test
    void nodataIsNoNat64() throws Exception {
        // The name exists with its A records (as it does without DNS64), but has no AAAA.
        DnsResult r = discover(staticZone("local-data: \"ipv4only.arpa. 60 IN A 192.0.0.170\"",
                "local-data: \"ipv4only.arpa. 60 IN A 192.0.0.171\""));
        assertEquals(DnsResult.Outcome.NO_NAT64, r.outcome(), r.detail());
        assertTrue(r.detail().contains("no AAAA"), r.detail());
    }

    @Test
    void spoofedAaaaWithoutTheWellKnownAddressesIsIgnored() throws Exception {
        DnsResult r = discover(staticZone(aaaa(60, "2001:db8::1"), aaaa(60, "2001:db8:122:344::c000:ac")));
        assertEquals(DnsResult.Outcome.NO_NAT64, r.outcome(), r.detail());
        assertEquals(List.of(), r.prefixes());
        assertTrue(r.detail().contains("ignored"), r.detail());
    }

    @Test
    void refusedIsNoAnswer() throws Exception {
        DnsResult r = discover(List.of("local-zone: \"ipv4only.arpa.\" refuse"));
        assertEquals(DnsResult.Outcome.NO_ANSWER, r.outcome(), r.detail());
        assertTrue(r.detail().contains("REFUSED"), r.detail());
    }

    @Test
    void aRefusalWithoutQuestionSectionIsNoAnswerToo() throws Exception {
        // unbound's access-control refuse answers REFUSED with an empty question section, which dnsjava
        // rejects as not matching the query (RFC 5452 §9.1): still no answer, never a verdict.
        try (Unbound u = Unbound.start(List.of("access-control: 127.0.0.0/8 refuse"))) {
            DnsResult r = DISCOVERY.discover(List.of(u.server()));
            assertEquals(DnsResult.Outcome.NO_ANSWER, r.outcome(), r.detail());
            assertTrue(r.detail().contains("127.0.0.1:" + u.port) && r.detail().contains("question"), r.detail());
        }
    }

    @Test
    void aSilentServerIsNoAnswerWithinTheTimeouts() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DnsServer server = new DnsServer(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            long t0 = System.nanoTime();
            DnsResult r = DISCOVERY.discover(List.of(server));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(DnsResult.Outcome.NO_ANSWER, r.outcome(), r.detail());
            assertTrue(r.detail().contains("127.0.0.1:" + silent.getLocalPort()) && r.detail().contains("400 ms")
                    && r.detail().contains("2 attempts"), r.detail());
            // two attempts of 400 ms: not less (it did wait), and not much more
            assertTrue(ms >= 700 && ms < 3000, ms + " ms");
        }
    }

    @Test
    void aServerThatAnswersAfterASilentOneDecides() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                Unbound u = Unbound.start(staticZone(aaaa(60, "64:ff9b::c000:aa")))) {
            DnsServer dead = new DnsServer(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            DnsResult r = DISCOVERY.discover(List.of(dead, u.server()));
            assertEquals(DnsResult.Outcome.FOUND, r.outcome(), r.detail());
            assertEquals(List.of(Pref64.parse("64:ff9b::/96")), prefixes(r));
            assertEquals("127.0.0.1:" + u.port, r.prefixes().get(0).origin());
            assertTrue(r.detail().contains("127.0.0.1:" + silent.getLocalPort()), r.detail());
        }
    }

    @Test
    void theFirstServerThatAnswersDecidesEvenWithNoNat64() throws Exception {
        try (Unbound none = Unbound.start(List.of("local-zone: \"ipv4only.arpa.\" always_nxdomain"));
                Unbound some = Unbound.start(staticZone(aaaa(60, "64:ff9b::c000:aa")))) {
            DnsResult r = DISCOVERY.discover(List.of(none.server(), some.server()));
            assertEquals(DnsResult.Outcome.NO_NAT64, r.outcome(), r.detail());
            DnsResult reversed = DISCOVERY.discover(List.of(some.server(), none.server()));
            assertEquals(DnsResult.Outcome.FOUND, reversed.outcome(), reversed.detail());
        }
    }

    @Test
    void aTruncatedUdpAnswerIsFetchedAgainOverTcp() throws Exception {
        // 50 × 28 bytes of answer: over 512 without EDNS and over unbound's UDP cap (1232) with it, so the
        // UDP answer is truncated whatever the query advertises.
        List<String> data = new ArrayList<>(List.of("max-udp-size: 1232"));
        for (int i = 1; i <= 50; i++) {
            data.add(aaaa(60, "2001:db8:ffff::" + Integer.toHexString(i)));
        }
        data.add(aaaa(60, "2001:db8:64::c000:aa"));
        data.add(aaaa(60, "2001:db8:64::c000:ab"));
        try (Unbound u = Unbound.start(staticZone(data.toArray(new String[0])))) {
            // Precondition: over UDP, even with EDNS at 4096, unbound really does truncate this answer.
            Message query = Message.newQuery(Record.newRecord(DnsDiscovery.IPV4ONLY_ARPA, Type.AAAA, DClass.IN));
            query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
            byte[] wire = query.toWire();
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(2000);
                s.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), u.port));
                DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
                s.receive(p);
                Message udp = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                assertTrue(udp.getHeader().getFlag(Flags.TC), "unbound did not truncate: " + udp);
                assertTrue(p.getLength() <= 1232, p.getLength() + " bytes");
            }
            DnsResult r = DISCOVERY.discover(List.of(u.server()));
            assertEquals(DnsResult.Outcome.FOUND, r.outcome(), r.detail());
            assertEquals(List.of(Pref64.parse("2001:db8:64::/96")), prefixes(r));
        }
    }
}
