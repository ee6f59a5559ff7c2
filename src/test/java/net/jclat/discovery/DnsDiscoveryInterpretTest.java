package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** How one server's response is read (RFC 7050 §3), on hand-built dnsjava messages: no network. */
class DnsDiscoveryInterpretTest {
    private static final Name Q = DnsDiscovery.IPV4ONLY_ARPA;

    private static Message response(int rcode) {
        Message m = new Message();
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(Record.newRecord(Q, Type.AAAA, DClass.IN), Section.QUESTION);
        return m;
    }

    private static Message add(Message m, Name owner, long ttl, String ipv6) throws Exception {
        m.addRecord(new AAAARecord(owner, DClass.IN, ttl, InetAddress.getByName(ipv6)), Section.ANSWER);
        return m;
    }

    @Test
    void lifetimeIsTheShortestTtlOfTheRecordsThatGaveThePrefix() throws Exception {
        Message m = response(Rcode.NOERROR);
        add(m, Q, 600, "2001:db8:64::c000:aa");
        add(m, Q, 900, "64:ff9b::c000:aa");
        add(m, Q, 300, "2001:db8:64::c000:ab");
        add(m, Q, 1200, "64:ff9b::c000:ab");
        DnsResult r = DnsDiscovery.interpret(m, "192.0.2.53");
        assertEquals(DnsResult.Outcome.FOUND, r.outcome());
        assertEquals(List.of(
                new DiscoveredPrefix(Pref64.parse("2001:db8:64::/96"), PrefixSource.DNS, 300, "192.0.2.53"),
                new DiscoveredPrefix(Pref64.parse("64:ff9b::/96"), PrefixSource.DNS, 900, "192.0.2.53")),
                r.prefixes());
        assertTrue(r.detail().contains("192.0.2.53") && r.detail().contains("2001:db8:64::/96"), r.detail());
    }

    @Test
    void aCnameChainFromTheQueryNameIsFollowedAndStrangersAreNot() throws Exception {
        Name alias = Name.fromConstantString("dns64.example.");
        Message m = response(Rcode.NOERROR);
        m.addRecord(new CNAMERecord(Q, DClass.IN, 60, alias), Section.ANSWER);
        add(m, Name.fromConstantString("other.example."), 60, "64:ff9b::c000:aa");
        add(m, alias, 60, "2001:db8:64::c000:ab");
        DnsResult r = DnsDiscovery.interpret(m, "s");
        assertEquals(List.of(Pref64.parse("2001:db8:64::/96")),
                r.prefixes().stream().map(DiscoveredPrefix::prefix).toList());
    }

    @Test
    void nxdomainMeansNoNat64() {
        DnsResult r = DnsDiscovery.interpret(response(Rcode.NXDOMAIN), "192.0.2.53");
        assertEquals(DnsResult.Outcome.NO_NAT64, r.outcome());
        assertTrue(r.detail().contains("NXDOMAIN") && r.detail().contains("192.0.2.53"), r.detail());
    }

    @Test
    void noerrorWithoutAaaaMeansNoNat64() throws Exception {
        Message m = response(Rcode.NOERROR);
        m.addRecord(Record.fromString(Q, Type.A, DClass.IN, 60, "192.0.0.170", Name.root), Section.ANSWER);
        DnsResult r = DnsDiscovery.interpret(m, "192.0.2.53");
        assertEquals(DnsResult.Outcome.NO_NAT64, r.outcome());
        assertTrue(r.detail().contains("no AAAA"), r.detail());
    }

    @Test
    void aaaaWithoutTheWellKnownAddressesIsIgnoredAndMeansNoNat64() throws Exception {
        Message m = add(add(response(Rcode.NOERROR), Q, 60, "2001:db8::1"), Q, 60, "64:ff9b::c000:ac");
        DnsResult r = DnsDiscovery.interpret(m, "192.0.2.53");
        assertEquals(DnsResult.Outcome.NO_NAT64, r.outcome());
        assertTrue(r.detail().contains("ignored") && r.detail().contains("2001:db8::1"), r.detail());
    }

    @Test
    void servfailAndRefusedAreNoAnswer() {
        for (int rcode : new int[] {Rcode.SERVFAIL, Rcode.REFUSED, Rcode.NOTIMP}) {
            DnsResult r = DnsDiscovery.interpret(response(rcode), "192.0.2.53");
            assertEquals(DnsResult.Outcome.NO_ANSWER, r.outcome(), Rcode.string(rcode));
            assertTrue(r.detail().contains(Rcode.string(rcode)), r.detail());
        }
    }

    @Test
    void foundIsExactlyTheOutcomeWithPrefixes() {
        assertThrows(IllegalArgumentException.class, () -> DnsResult.found(List.of(), "x"));
        DiscoveredPrefix p = new DiscoveredPrefix(Pref64.parse("64:ff9b::/96"), PrefixSource.DNS, 1, "x");
        assertThrows(IllegalArgumentException.class,
                () -> new DnsResult(DnsResult.Outcome.NO_NAT64, List.of(p), "x"));
    }

    @Test
    void constructorRejectsNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new DnsDiscovery(Duration.ZERO, 0));
        assertThrows(IllegalArgumentException.class, () -> new DnsDiscovery(Duration.ofSeconds(1), -1));
    }

    @Test
    void noServersIsNoAnswer() {
        DnsResult r = new DnsDiscovery(Duration.ofSeconds(1), 0).discover(List.of());
        assertEquals(DnsResult.Outcome.NO_ANSWER, r.outcome());
    }
}
