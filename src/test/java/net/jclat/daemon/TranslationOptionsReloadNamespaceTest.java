package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A translation option set in the config file of the real daemon reaches the translator, and a SIGHUP
 * applies a changed one without a restart: {@code icmp-errors off} keeps jclat's own Time Exceeded (RFC 7915
 * §4.1) from the LAN host, {@code icmp-errors on} after the reload brings it back.
 */
class TranslationOptionsReloadNamespaceTest {
    private CpeLab lab;
    private Path dir;
    private Path conf;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        dir = Files.createTempDirectory("jclat-xlat-options");
        conf = dir.resolve("jclat.conf");
        writeConfig("off");
        lab.startDaemon(List.of("--config", conf.toString()));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            Netns.run("rm", "-rf", dir.toString());
        }
    }

    private void writeConfig(String icmpErrors) throws Exception {
        Files.writeString(conf, "pref64 2001:db8:64::/96\nclat-v6 2001:db8:100::c\n"
                + "control-socket " + dir.resolve("clat.sock") + "\nicmp-errors " + icmpErrors + "\n");
    }

    /** TTL 2: the CPE's kernel takes it to 1, so it expires in jclat, which answers from 192.0.0.8. */
    private Netns.Result pingExpiringInJclat() throws Exception {
        return lab.lanPing("-t", "2", "-i", "1.1");
    }

    @Test
    void icmpErrorsFromTheConfigFileAndASighupReloadReachTheTranslator() throws Exception {
        lab.warmUp();
        Netns.Result quiet = pingExpiringInJclat();
        assertFalse(quiet.output().contains("Time to live exceeded"), quiet.output() + lab.log());
        lab.awaitStatus("\"ttl-expired\"", 5);

        writeConfig("on");
        Netns.run("kill", "-HUP", Long.toString(lab.daemon().pid()));
        lab.awaitLog("configuration reloaded", 10);
        Netns.Result told = pingExpiringInJclat();
        assertTrue(told.output().contains("From 192.0.0.8") && told.output().contains("Time to live exceeded"),
                told.output() + lab.log());
        assertTrue(lab.daemon().isAlive());
    }
}
