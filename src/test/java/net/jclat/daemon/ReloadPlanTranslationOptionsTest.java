package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jclat.config.RunConfig;
import net.jclat.config.RunConfigParser;
import org.junit.jupiter.api.Test;

/**
 * A reload rebuilds the translator's configuration from the new settings (ClatDaemon#reload →
 * Datapath#reconfigure), so every translation option is applied live; none may be one that needs a restart.
 */
class ReloadPlanTranslationOptionsTest {
    private static RunConfig parse(String... flags) throws Exception {
        String[] args = new String[flags.length + 2];
        args[0] = "--uplink";
        args[1] = "wan0";
        System.arraycopy(flags, 0, args, 2, flags.length);
        return new RunConfigParser().parse(args, 0);
    }

    @Test
    void translationOptionsChangeWithoutARestart() throws Exception {
        RunConfig running = parse();
        RunConfig next = parse("--allow-wkp-non-global", "on", "--ignore-tos", "on", "--icmp-errors", "off",
                "--icmp-errors-per-second", "5", "--hairpinning", "off", "--udp-zero-checksum", "drop",
                "--eam", "192.0.2.1/32=2001:db8:9::1/128", "--translator-v4", "192.0.0.9/32",
                "--lowest-ipv6-mtu", "1400");
        assertEquals(List.of(), ReloadPlan.needsRestart(running, next));
    }

    @Test
    void aRestartOnlyKeyIsStillRefused() throws Exception {
        assertEquals(List.of("workers"), ReloadPlan.needsRestart(parse("--workers", "1"), parse("--workers", "2")));
    }
}
