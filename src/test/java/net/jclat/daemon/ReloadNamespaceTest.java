package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@code jclat reload} and SIGHUP against the real daemon started with {@code --config}: a bad file
 * changes nothing and names file and line, a good one switches the NAT64 prefix without dropping the TUN,
 * a change that needs a restart is refused.
 */
class ReloadNamespaceTest {
    private static final String PREFIX_A = "2001:db8:64::/96";
    private static final String PREFIX_B = "2001:db8:65::/96";
    private CpeLab lab;
    private Path dir;
    private Path conf;
    private Path socket;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        lab.serveSecondPrefix();
        dir = Files.createTempDirectory("jclat-reload");
        conf = dir.resolve("jclat.conf");
        socket = dir.resolve("clat.sock");
        writeConfig(PREFIX_A, "2001:db8:100::c", "100");
        // Started under nohup, so it inherits SIGHUP ignored, as under many shells and supervisors: the
        // SIGHUP reload below must work all the same (ReloadSignal).
        List<String> nohup = new java.util.ArrayList<>(CpeLab.jclat());
        nohup.add(0, "nohup");
        lab.launcher(nohup).startDaemon(List.of("--config", conf.toString()));
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

    private void writeConfig(String pref64, String clatV6, String icmpRate) throws Exception {
        Files.writeString(conf, "# jclat test configuration\n"
                + "icmp-errors-per-second " + icmpRate + "\n"
                + "pref64 " + pref64 + "\n"
                + "clat-v6 " + clatV6 + "\n"
                + "control-socket " + socket + "\n");
    }

    private Netns.Result reload() throws Exception {
        return Netns.exec(20, CpeLab.jclat("reload", "--socket", socket.toString()).toArray(new String[0]));
    }

    private void awaitPrefix(String prefix) throws Exception {
        lab.awaitStatus("\"pref64\":\"" + prefix + "\"", 5);
    }

    @Test
    void aBadFileChangesNothingAndNamesFileAndLine() throws Exception {
        lab.warmUp();
        writeConfig(PREFIX_B, "2001:db8:100::c", "lots");
        Netns.Result r = reload();
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("reload refused, nothing changed: " + conf
                + ":2: icmp-errors-per-second must be a whole number"), r.output());
        Thread.sleep(1200);
        assertTrue(lab.daemon().isAlive());
        awaitPrefix(PREFIX_A);
        lab.warmUp();
    }

    @Test
    void aGoodFileSwitchesThePrefixWithoutDroppingTheTun() throws Exception {
        lab.warmUp();
        String ifindex = Netns.in(lab.cpe, 5, "cat", "/sys/class/net/clat/ifindex").output();
        writeConfig(PREFIX_B, "2001:db8:100::c", "100");
        Netns.Result r = reload();
        assertEquals(0, r.code(), r.output() + lab.log());
        awaitPrefix(PREFIX_B);
        CpeLab.ip(lab.isp, "-6", "route", "replace", "unreachable", PREFIX_A);
        Netns.Result ping = lab.lanPing();
        assertEquals(0, ping.code(), ping.output() + lab.log());
        assertEquals(ifindex, Netns.in(lab.cpe, 5, "cat", "/sys/class/net/clat/ifindex").output(), "same TUN");
        assertTrue(lab.log().contains("configuration reloaded"), lab.log());
    }

    @Test
    void aChangeThatNeedsARestartIsRefusedAndSighupReloadsEvenUnderNohup() throws Exception {
        writeConfig(PREFIX_B, "2001:db8:100::d", "100");
        Netns.Result r = reload();
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("clat-v6 change only with a restart"), r.output());
        awaitPrefix(PREFIX_A);

        writeConfig(PREFIX_B, "2001:db8:100::c", "100");
        Netns.run("kill", "-HUP", Long.toString(lab.daemon().pid()));
        awaitPrefix(PREFIX_B);
        assertTrue(lab.daemon().isAlive());
    }
}
