package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    @TempDir
    Path dir;

    /** The instance's command, arguments joined by spaces, for options given as "option=value". */
    private String command(String... options) throws Exception {
        OpenWrtFiles.installStandIn(dir, "procd-instance.sh");
        Path out = dir.resolve("command");
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "STANDIN_OUT=" + out,
                "UCI_enabled=1", "UCI_uplink=eth1"));
        for (String o : options) {
            cmd.add("UCI_" + o);
        }
        cmd.addAll(List.of("sh", dir.resolve("procd-instance.sh").toString(),
                OpenWrtFiles.PACKAGE_FILES.resolve("jclat.init").toString(), "clat"));
        Netns.Result r = Netns.exec(30, cmd.toArray(new String[0]));
        assertEquals(0, r.code(), r.output());
        return String.join(" ", Files.readAllLines(out)) + " ";
    }

    /** RFC 7915 §4.1/§5.1 (TOS) and §4.4/§5.4 (ICMP errors), as 0/1 or off/on, and the zero-checksum policy. */
    @Test
    void ignoreTosIcmpErrorsAndUdpZeroChecksumBecomeJclatRunsFlags() throws Exception {
        String c = command("ignore_tos=1", "icmp_errors=off", "udp_zero_checksum=drop");
        assertTrue(c.startsWith("/usr/bin/jclat run --uplink eth1 --name clat "), c);
        assertTrue(c.contains(" --ignore-tos on --icmp-errors off "), c);
        assertTrue(c.contains(" --udp-zero-checksum drop "), c);
        c = command("ignore_tos=off", "icmp_errors=1");
        assertTrue(c.contains(" --ignore-tos off --icmp-errors on "), c);
    }

    @Test
    void unsetOrUnknownValuesPassNothingSoJclatsDefaultsStay() throws Exception {
        String c = command("pref64=64:ff9b::/96", "icmp_errors=maybe");
        assertTrue(c.contains(" --pref64 64:ff9b::/96 "), c);
        assertFalse(c.contains("--ignore-tos") || c.contains("--icmp-errors ") || c.contains("--udp-zero-checksum"), c);
    }
}
