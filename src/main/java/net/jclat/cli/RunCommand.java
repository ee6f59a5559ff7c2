package net.jclat.cli;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import net.jclat.config.ConfigException;
import net.jclat.config.RunConfig;
import net.jclat.config.RunConfigParser;
import net.jclat.daemon.ClatDaemon;
import net.jclat.daemon.ReloadSignal;
import org.tinylog.Logger;

/** {@code jclat run}: parse settings, start the daemon, stop it cleanly on SIGTERM or SIGINT. */
final class RunCommand {
    static final String USAGE = """
            usage: jclat run --uplink IF [--tun NAME] [--workers N] [--mode nat44|prefix|siit]
                             [--clat-v4 A] [--clat-v6 ADDR|auto] [--map V4PFX=V6PFX]... [--eam V4PFX=V6PFX]...
                             [--translator-v4 X[/N]] [--translator-v6 Y] [--ipv4-mtu N] [--lowest-ipv6-mtu N]
                             [--route-metric N] [--route-v4 PFX]... [--udp-zero-checksum drop|compute]
                             [--hairpinning on|off] [--icmp-errors on|off] [--icmp-errors-per-second N]
                             [--allow-wkp-non-global on|off] [--ignore-tos on|off] [--status-file PATH]
                             [--syslog HOST[:PORT]] [--control-socket PATH] [--tun-io netty|filechannel|auto]
                             [--metrics-listen 127.0.0.1:PORT] [--offload on|off|auto]
                             [--cpu-steering on|off|auto] [--fast-path on|off|auto]
                             [--config FILE]
              OpenWrt:       [--name NAME] [--hook PROGRAM] [--netifd-managed on|off]
              NAT64 prefix:  [--pref64 PFX]... [--pref64-source static,ra,dns] [--dns SERVER[:PORT]]...
                             [--dns-timeout-ms N] [--dns-retries N] [--retry-initial-s N] [--retry-max-s N]
                             [--native-ipv4-standby on|off]
              PLAT health:   [--plat-probe IPV4:PORT]... [--plat-probe-interval-s N]
                             [--plat-probe-timeout-ms N] [--plat-probe-fall N] [--plat-probe-rise N]
            Every flag can also be a "key value" line in the --config file. See docs/running.md.""";

    private RunCommand() {
    }

    /**
     * Adds tinylog's syslog writer (RFC 5424 over UDP, facility daemon) beside stderr. Must run before the
     * first log line: tinylog fixes its configuration then.
     */
    private static void sendLogsToSyslog(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        org.tinylog.configuration.Configuration.set("writer2", "syslog");
        org.tinylog.configuration.Configuration.set("writer2.host", hostPort.substring(0, colon));
        org.tinylog.configuration.Configuration.set("writer2.port", hostPort.substring(colon + 1));
        org.tinylog.configuration.Configuration.set("writer2.protocol", "udp");
        org.tinylog.configuration.Configuration.set("writer2.facility", "DAEMON");
        org.tinylog.configuration.Configuration.set("writer2.level", "info");
        org.tinylog.configuration.Configuration.set("writer2.format", "jclat: {message}");
    }

    /**
     * Starts every console line with {@code jclat[NAME]}: under netifd, jclat's output is logged as
     * {@code IFACE (PID): LINE} with nothing else naming it, so this is what {@code logread -e jclat}
     * finds (docs/openwrt.md). Must run before the first log line, like {@link #sendLogsToSyslog}.
     */
    private static void tagConsoleLines(String name) {
        org.tinylog.configuration.Configuration.set("writer.format",
                "{date:yyyy-MM-dd HH:mm:ss} jclat[" + name + "] {level} {message}");
    }

    static int run(String[] args) throws UsageException {
        RunConfig cfg;
        try {
            cfg = new RunConfigParser().parse(args, 1);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        tagConsoleLines(cfg.name());
        if (cfg.syslog() != null) {
            sendLogsToSyslog(cfg.syslog());
        }
        ClatDaemon daemon = new ClatDaemon(cfg, () -> new RunConfigParser().parse(args, 1));
        // SIGHUP reloads, as procd_send_signal and "kill -HUP" expect of a daemon.
        ReloadSignal.install(daemon::reload);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            Logger.info("stopping: removing what jclat added");
            daemon.stop();
            stopped.countDown();
            // A stop asked for by SIGTERM/SIGINT is a normal end: exit 0, not the JVM's 128+signal.
            Runtime.getRuntime().halt(ExitCode.OK);
        }, "jclat-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            daemon.start();
        } catch (IOException e) {
            Runtime.getRuntime().removeShutdownHook(hook); // start() already undid its steps
            Logger.error("cannot start: {}", e.getMessage());
            return ExitCode.FAILURE;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }
}
