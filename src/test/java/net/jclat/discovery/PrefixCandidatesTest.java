package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;

class PrefixCandidatesTest {
    private static final long S = 1_000_000_000L;
    private static final List<PrefixSource> DEFAULT = List.of(PrefixSource.STATIC, PrefixSource.RA, PrefixSource.DNS);

    private static DiscoveredPrefix p(String prefix, PrefixSource s, long life, String origin) {
        return new DiscoveredPrefix(Pref64.parse(prefix), s, life, origin);
    }

    private static List<String> names(PrefixCandidates c, long now) {
        return c.ordered(now).stream().map(x -> x.prefix() + "@" + x.source().label()).toList();
    }

    @Test
    void staticBeatsRaBeatsDnsByDefault() {
        PrefixCandidates c = new PrefixCandidates(DEFAULT);
        c.replace(PrefixSource.DNS, List.of(p("2001:db8:d::/96", PrefixSource.DNS, 300, "dns")), 0);
        c.updateFromRouter("fe80::1", List.of(p("2001:db8:a::/64", PrefixSource.RA, 600, "fe80::1")), 0);
        c.replace(PrefixSource.STATIC, List.of(p("2001:db8:5::/96", PrefixSource.STATIC, 1, "config")), 0);
        assertEquals(List.of("2001:db8:5::/96@static", "2001:db8:a::/64@ra", "2001:db8:d::/96@dns"), names(c, 0));
    }

    @Test
    void configuredOrderIsHonouredAndUnlistedSourcesIgnored() {
        PrefixCandidates c = new PrefixCandidates(List.of(PrefixSource.DNS, PrefixSource.RA));
        c.replace(PrefixSource.DNS, List.of(p("2001:db8:d::/96", PrefixSource.DNS, 300, "dns")), 0);
        c.updateFromRouter("fe80::1", List.of(p("2001:db8:a::/64", PrefixSource.RA, 600, "fe80::1")), 0);
        c.replace(PrefixSource.STATIC, List.of(p("2001:db8:5::/96", PrefixSource.STATIC, 1, "config")), 0);
        assertEquals(List.of("2001:db8:d::/96@dns", "2001:db8:a::/64@ra"), names(c, 0));
        assertFalse(c.uses(PrefixSource.STATIC));
    }

    @Test
    void dnsAnswerReplacesThePreviousOneAndExpiresWithItsTtl() {
        PrefixCandidates c = new PrefixCandidates(DEFAULT);
        c.replace(PrefixSource.DNS, List.of(p("2001:db8:1::/96", PrefixSource.DNS, 300, "dns"),
                p("2001:db8:2::/96", PrefixSource.DNS, 300, "dns")), 0);
        assertEquals(2, c.ordered(0).size());
        c.replace(PrefixSource.DNS, List.of(p("2001:db8:3::/96", PrefixSource.DNS, 60, "dns")), 10 * S);
        assertEquals(List.of("2001:db8:3::/96@dns"), names(c, 10 * S));
        assertEquals(70 * S, c.nextExpiry());
        assertEquals(List.of("2001:db8:3::/96@dns"), names(c, 69 * S));
        assertEquals(List.of(), names(c, 70 * S));
        assertTrue(c.expire(70 * S));
        assertFalse(c.expire(71 * S));
        assertEquals(PrefixCandidates.NEVER, c.nextExpiry());
    }

    @Test
    void raLifetimeZeroWithdrawsOnlyThatPrefixOfThatRouter() {
        PrefixCandidates c = new PrefixCandidates(DEFAULT);
        c.updateFromRouter("fe80::1", List.of(p("2001:db8:a::/96", PrefixSource.RA, 600, "fe80::1")), 0);
        c.updateFromRouter("fe80::2", List.of(p("2001:db8:b::/96", PrefixSource.RA, 600, "fe80::2")), 0);
        // RFC 8781 §5: a prefix not in this RA keeps its lifetime; lifetime 0 removes the one named.
        c.updateFromRouter("fe80::1", List.of(p("2001:db8:c::/96", PrefixSource.RA, 600, "fe80::1")), S);
        assertEquals(3, c.ordered(S).size());
        c.updateFromRouter("fe80::1", List.of(p("2001:db8:a::/96", PrefixSource.RA, 0, "fe80::1")), 2 * S);
        assertEquals(List.of("2001:db8:b::/96@ra", "2001:db8:c::/96@ra"), names(c, 2 * S));
    }

    @Test
    void raRefreshExtendsTheLifetime() {
        PrefixCandidates c = new PrefixCandidates(DEFAULT);
        c.updateFromRouter("fe80::1", List.of(p("2001:db8:a::/96", PrefixSource.RA, 10, "fe80::1")), 0);
        c.updateFromRouter("fe80::1", List.of(p("2001:db8:a::/96", PrefixSource.RA, 10, "fe80::1")), 8 * S);
        assertEquals(1, c.ordered(15 * S).size());
        assertEquals(3, c.ordered(15 * S).get(0).secondsLeft(15 * S));
    }

    @Test
    void staticNeverExpiresAndDuplicatesAreListedOnceUnderTheBestSource() {
        PrefixCandidates c = new PrefixCandidates(DEFAULT);
        c.replace(PrefixSource.STATIC, List.of(p("2001:db8:5::/96", PrefixSource.STATIC, 1, "config")), 0);
        c.replace(PrefixSource.DNS, List.of(p("2001:db8:5::/96", PrefixSource.DNS, 30, "dns")), 0);
        assertEquals(List.of("2001:db8:5::/96@static"), names(c, Long.MAX_VALUE - 1));
        assertEquals(-1, c.ordered(0).get(0).secondsLeft(0));
    }
}
