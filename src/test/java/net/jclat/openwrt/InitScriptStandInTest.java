package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.config.RunConfig;
import net.jclat.config.RunConfigParser;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone service's {@code start_instance} (init script {@code jclat.init}) against a STAND-IN for
 * functions.sh's {@code config_*} and procd.sh's {@code procd_*} (src/test/resources/openwrt-standin/
 * procd-instance.sh; procd and libuci do not run on Debian): which {@code jclat run} command a section of
 * /etc/config/jclat becomes.
 */
class InitScriptStandInTest {
    /** Settings the init script sets itself or that belong to the netifd handler (docs/openwrt.md). */
    private static final Set<String> NOT_UCI = Set.of("uplink", "name", "config", "netifd-managed");

    @TempDir
    Path dir;

    /** The instance's command, one argument each, for list values given as "option=v1 v2", options as "UCIOPT_option=v". */
    private List<String> args(String... options) throws Exception {
        OpenWrtFiles.installStandIn(dir, "procd-instance.sh");
        Path out = dir.resolve("command");
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "STANDIN_OUT=" + out,
                "UCI_enabled=1", "UCI_uplink=eth1"));
        for (String o : options) {
            cmd.add(o.startsWith("UCIOPT_") ? o : "UCI_" + o); // UCIOPT_: an "option" line, not a "list"
        }
        cmd.addAll(List.of("sh", dir.resolve("procd-instance.sh").toString(),
                OpenWrtFiles.PACKAGE_FILES.resolve("jclat.init").toString(), "clat"));
        Netns.Result r = Netns.exec(30, cmd.toArray(new String[0]));
        assertEquals(0, r.code(), r.output());
        return Files.readAllLines(out);
    }

    /** The instance's command, arguments joined by spaces, ending in a space. */
    private String command(String... options) throws Exception {
        return String.join(" ", args(options)) + " ";
    }

    /** RFC 7915 §4.1/§5.1 (TOS) and §4.4/§5.4 (ICMP errors), as 0/1 or off/on, and the zero-checksum policy. */
    @Test
    void ignoreTosIcmpErrorsAndUdpZeroChecksumBecomeJclatRunsFlags() throws Exception {
        String c = command("ignore_tos=1", "icmp_errors=off", "udp_zero_checksum=drop");
        assertTrue(c.startsWith("/usr/bin/jclat run --uplink eth1 --name clat "), c);
        assertTrue(c.contains(" --ignore-tos on ") && c.contains(" --icmp-errors off "), c);
        assertTrue(c.contains(" --udp-zero-checksum drop "), c);
        c = command("ignore_tos=off", "icmp_errors=1");
        assertTrue(c.contains(" --ignore-tos off ") && c.contains(" --icmp-errors on "), c);
    }

    /** Unset: nothing, so jclat's defaults stay; a value that is no boolean reaches jclat, which refuses it. */
    @Test
    void unsetOptionsPassNothingAndAWrongBooleanReachesJclatsOwnError() throws Exception {
        String c = command("pref64=64:ff9b::/96", "icmp_errors=maybe");
        assertTrue(c.contains(" --pref64 64:ff9b::/96 "), c);
        assertFalse(c.contains("--ignore-tos") || c.contains("--udp-zero-checksum"), c);
        assertTrue(c.contains(" --icmp-errors maybe "), c);
        ConfigError e = parseError(args("icmp_errors=maybe"));
        assertTrue(e.message.contains("icmp-errors must be 'on' or 'off', got 'maybe'"), e.message);
    }

    /**
     * docs/openwrt.md: a section's {@code config} file comes first, so the section's own options override
     * it: a file written for a plain Linux box (uplink eth0) must not move the service off its uplink.
     */
    @Test
    void theConfigFileComesFirstSoTheSectionsOptionsOverrideIt() throws Exception {
        Path file = dir.resolve("plain-linux.conf");
        Files.writeString(file, "uplink eth0\ntun other\nname other\nworkers 1\n");
        List<String> a = args("config=" + file, "tun=clat9", "workers=3");
        assertEquals(List.of("/usr/bin/jclat", "run", "--config", file.toString(), "--uplink", "eth1"), a.subList(0, 6), a.toString());
        RunConfig c = new RunConfigParser().parse(a.toArray(new String[0]), 2);
        assertEquals("eth1", c.uplink());
        assertEquals("clat9", c.tun());
        assertEquals("clat", c.name());
        assertEquals(3, c.workers());
    }

    /**
     * docs/openwrt.md and jclat.config: every {@code jclat run} setting is an option with '_' for '-'. The
     * keys come from RunConfigParser's own source, so a setting added there and not here fails this test.
     */
    @Test
    void everyJclatRunSettingIsAUciOption() throws Exception {
        List<Setting> settings = runSettings();
        assertTrue(settings.size() > 40, settings.toString());
        List<String> options = new ArrayList<>();
        for (Setting s : settings) {
            String o = s.key.replace('-', '_');
            options.add(o + "=" + (s.onOff ? "1" : s.list ? "a-" + o + " b-" + o : "v-" + o));
        }
        String c = command(options.toArray(new String[0]));
        for (Setting s : settings) {
            String o = s.key.replace('-', '_');
            String want = s.onOff ? " --" + s.key + " on "
                    : s.list ? " --" + s.key + " a-" + o + " --" + s.key + " b-" + o + " " : " --" + s.key + " v-" + o + " ";
            assertTrue(c.contains(want), s.key + " (" + want.strip() + ") not in: " + c);
        }
        // a list written as one "option" line still counts (functions.sh's config_list_foreach skips it)
        for (Setting s : settings) {
            if (s.list) {
                String o = s.key.replace('-', '_');
                assertTrue(command("UCIOPT_" + o + "=x-" + o).contains(" --" + s.key + " x-" + o + " "), s.key);
            }
        }
        // booleans take OpenWrt's forms too, and 0 is off
        for (Setting s : settings) {
            if (s.onOff) {
                assertTrue(command(s.key.replace('-', '_') + "=0").contains(" --" + s.key + " off "), s.key);
            }
        }
    }

    /** A section with many of the settings, in their real forms: jclat accepts the command it becomes. */
    @Test
    void aSectionWithManySettingsBecomesACommandJclatAccepts() throws Exception {
        List<String> a = args("hairpinning=0", "dns_timeout_ms=500", "dns_retries=1", "retry_initial_s=5",
                "retry_max_s=60", "lowest_ipv6_mtu=1400", "translator_v4=192.0.2.0/24", "syslog=127.0.0.1:514",
                "metrics_listen=127.0.0.1:9464", "tun_io=filechannel", "offload=off", "plat_probe=198.51.100.10:80",
                "plat_probe_interval_s=5", "plat_probe_fall=2", "plat_probe_rise=1", "plat_down_routes=withdraw",
                "ipv6_mostly=lan0 guest0", "ipv6_mostly_ra=yes", "v6only_wait=900", "status_file=/tmp/s.json",
                "control_socket=/tmp/s.sock", "route_v4=10.0.0.0/8", "dns64_server=2001:db8::53");
        RunConfig c = new RunConfigParser().parse(a.toArray(new String[0]), 2);
        assertFalse(c.hairpinning());
        assertEquals(500, c.discovery().dnsTimeoutMillis());
        assertEquals(1400, c.lowestIpv6Mtu());
        assertEquals("192.0.2.0/24", c.translatorIpv4().toString());
        assertEquals(9464, c.metricsListen().getPort());
        assertEquals(List.of("lan0", "guest0"), c.ipv6Mostly().interfaces());
        assertTrue(c.ipv6Mostly().sendRa());
        assertEquals(900, c.ipv6Mostly().v6onlyWait());
        assertEquals(Path.of("/tmp/s.sock"), c.controlSocket());
        assertEquals(1, c.discovery().dnsServers().size());
    }

    private record Setting(String key, boolean onOff, boolean list) {
    }

    /** The keys of RunConfigParser.set, read from its source: one {@code case "key" -> ...} line each. */
    private static List<Setting> runSettings() throws Exception {
        String src = Files.readString(Path.of("src/main/java/net/jclat/config/RunConfigParser.java"));
        int start = src.indexOf("private void set(String key, String v)");
        String body = src.substring(start, src.indexOf("default ->", start));
        List<Setting> out = new ArrayList<>();
        Matcher m = Pattern.compile("case \"([a-z0-9-]+)\" -> ([^\n]*)").matcher(body);
        while (m.find()) {
            if (!NOT_UCI.contains(m.group(1))) {
                String rhs = m.group(2);
                out.add(new Setting(m.group(1), rhs.contains("onOff("),
                        rhs.contains(".add(") || rhs.contains("addInterfaces(")));
            }
        }
        return out;
    }

    private record ConfigError(String message) {
    }

    private static ConfigError parseError(List<String> a) {
        try {
            new RunConfigParser().parse(a.toArray(new String[0]), 2);
        } catch (Exception e) {
            return new ConfigError(e.getMessage());
        }
        throw new AssertionError("jclat accepted " + a);
    }
}
