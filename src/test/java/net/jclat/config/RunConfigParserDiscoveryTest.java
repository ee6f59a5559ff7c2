package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jclat.discovery.PrefixSource;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.Test;

/** The discovery settings of {@code jclat run}: defaults, parsing, and errors that say what is wrong. */
class RunConfigParserDiscoveryTest {
    private static RunConfig parse(String... args) throws ConfigException {
        return new RunConfigParser().parse(args, 0);
    }

    @Test
    void withoutPref64TheDaemonDiscoversWithTheDefaults() throws Exception {
        DiscoveryConfig d = parse("--uplink", "wan0").discovery();
        assertEquals(List.of(), d.staticPrefixes());
        assertEquals(List.of(PrefixSource.STATIC, PrefixSource.RA, PrefixSource.DNS), d.order());
        assertEquals(List.of(), d.dnsServers());
        assertEquals(2, d.retryInitialSeconds());
        assertEquals(300, d.retryMaxSeconds());
        assertEquals(List.of(), d.probes());
        assertTrue(parse("--uplink", "wan0").nativeIpv4Standby());
    }

    @Test
    void repeatedSettingsKeepTheirOrder() throws Exception {
        RunConfig c = parse("--uplink", "wan0", "--pref64", "2001:db8:a::/96", "--pref64", "64:ff9b::/96",
                "--dns", "[2001:db8::53]:5353", "--dns", "192.0.2.53", "--plat-probe", "198.51.100.1:80",
                "--pref64-source", "dns,static", "--native-ipv4-standby", "off");
        DiscoveryConfig d = c.discovery();
        assertEquals(List.of(Pref64.parse("2001:db8:a::/96"), Pref64.parse("64:ff9b::/96")), d.staticPrefixes());
        assertEquals(List.of(PrefixSource.DNS, PrefixSource.STATIC), d.order());
        assertEquals(5353, d.dnsServers().get(0).port());
        assertEquals(53, d.dnsServers().get(1).port());
        assertEquals("198.51.100.1:80", d.probes().get(0).toString());
        assertEquals(false, c.nativeIpv4Standby());
    }

    @Test
    void platDownRoutesKeepsByDefaultAndWithdrawNeedsAProbe() throws Exception {
        assertEquals(false, parse("--uplink", "w").discovery().withdrawWhenPlatDown());
        assertEquals(true, parse("--uplink", "w", "--plat-probe", "198.51.100.1:80", "--plat-down-routes",
                "withdraw").discovery().withdrawWhenPlatDown());
        assertTrue(assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--plat-down-routes", "withdraw"))
                .getMessage().contains("needs at least one plat-probe"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--plat-down-routes", "drop"))
                .getMessage().contains("must be 'keep' or 'withdraw', got 'drop'"));
    }

    @Test
    void badValuesSayWhatIsWrong() {
        assertTrue(assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--pref64-source", "ra,ldap"))
                .getMessage().contains("static, ra and dns, got 'ldap'"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--pref64-source", "ra,ra"))
                .getMessage().contains("lists ra twice"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--plat-probe", "198.51.100.1"))
                .getMessage().contains("expected IPV4:PORT"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--retry-initial-s", "60",
                "--retry-max-s", "10")).getMessage().contains("less than retry-initial-s"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("--uplink", "w", "--pref64", "2001:db8::/96",
                "--pref64-source", "dns")).getMessage().contains("leaves out static"));
    }

    @Test
    void aBadLineInTheFileNamesFileAndLine() throws Exception {
        Path f = Files.createTempFile("jclat", ".conf");
        try {
            Files.writeString(f, "uplink wan0\ndns 192.0.2.53\nplat-probe-fall 0\n");
            ConfigException e = assertThrows(ConfigException.class, () -> parse("--config", f.toString()));
            assertTrue(e.getMessage().startsWith(f + ":3: plat-probe-fall must be a whole number from 1"),
                    e.getMessage());
        } finally {
            Files.delete(f);
        }
    }
}
