package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jclat.config.RunConfig;
import net.jclat.config.RunConfigParser;
import org.junit.jupiter.api.Test;

/**
 * Settings read only at start must be refused by a reload (or it would answer "reloaded" and change nothing),
 * settings read live must not be, and docs/running.md must name every restart-only setting.
 */
class ReloadPlanRestartOnlyTest {
    private static RunConfig parse(String... flags) throws Exception {
        String[] args = new String[flags.length + 2];
        args[0] = "--uplink";
        args[1] = "wan0";
        System.arraycopy(flags, 0, args, 2, flags.length);
        return new RunConfigParser().parse(args, 0);
    }

    /** The Ipv4Standby watch is built once at start (ClatDaemon#startSteps), so only a restart changes it. */
    @Test
    void nativeIpv4StandbyNeedsARestart() throws Exception {
        assertEquals(List.of("native-ipv4-standby"),
                ReloadPlan.needsRestart(parse(), parse("--native-ipv4-standby", "off")));
        assertEquals(List.of("native-ipv4-standby"),
                ReloadPlan.needsRestart(parse("--native-ipv4-standby", "off"), parse()));
    }

    /** Ipv4Standby#platDown reads plat-down-routes from the configuration of the moment: live. */
    @Test
    void platDownRoutesChangesLive() throws Exception {
        RunConfig keep = parse("--plat-probe", "192.0.2.1:80", "--plat-down-routes", "keep");
        RunConfig withdraw = parse("--plat-probe", "192.0.2.1:80", "--plat-down-routes", "withdraw");
        assertEquals(List.of(), ReloadPlan.needsRestart(keep, withdraw));
    }

    @Test
    void runningMdListsEveryRestartOnlySetting() throws Exception {
        String doc = Files.readString(Path.of("docs/running.md"));
        int start = doc.indexOf("### `jclat reload`");
        int end = doc.indexOf("### ", start + 4);
        assertTrue(start >= 0 && end > start, "docs/running.md has no reload section");
        String section = doc.substring(start, end);
        List<String> missing = new ArrayList<>();
        for (String key : ReloadPlan.restartOnlyKeys()) {
            if (!section.contains("`" + key + "`")) {
                missing.add(key);
            }
        }
        assertEquals(List.of(), missing, "restart-only settings missing from docs/running.md's reload section");
    }
}
