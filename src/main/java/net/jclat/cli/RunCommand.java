package net.jclat.cli;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.jclat.config.ConfigException;
import net.jclat.config.RunConfig;
import net.jclat.config.RunConfigParser;
import net.jclat.daemon.ClatDaemon;
import net.jclat.daemon.ReloadSignal;
import net.jclat.log.Log;

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
                             [--plat-down-routes keep|withdraw]
              IPv6-mostly:   [--ipv6-mostly IFACE[,IFACE...]]... [--ipv6-mostly-ra on|off]
                             [--v6only-wait SECONDS] [--dhcp-options-file PATH] [--dhcp-server-pid-file PATH]
            Every flag can also be a "key value" line in the --config file. See docs/running.md.""";

    private RunCommand() {
    }

    /**
     * Sends info lines and above to a syslog receiver over UDP too, facility daemon (net.jclat.log.SyslogSender
     * says which bytes). Must run before the first log line: the logger fixes its settings then.
     */
    private static void sendLogsToSyslog(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        try {
            Log.sendToSyslog(host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IOException e) {
            // As with tinylog, a receiver that cannot be reached does not keep jclat from translating.
            Log.warn("cannot send logs to syslog {}: {}", hostPort, e.getMessage());
        }
    }

    /**
     * Starts every console line with {@code jclat[NAME]}: under netifd, jclat's output is logged as
     * {@code IFACE (PID): LINE} with nothing else naming it, so this is what {@code logread -e jclat}
     * finds (docs/openwrt.md). Must run before the first log line, like {@link #sendLogsToSyslog}.
     */
    private static void tagConsoleLines(String name) {
        Log.tagConsoleLines(name);
    }

    static int run(String[] args) throws UsageException {
        // The stop hook goes in first, so a SIGTERM at any later moment of start-up ends in a clean stop
        // with exit 0; before this line jclat has done nothing that would need undoing.
        AtomicReference<ClatDaemon> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            ClatDaemon d = running.get();
            if (d != null) {
                Log.info("stopping: removing what jclat added");
                d.stop(); // waits for a start step in progress, then undoes every step taken
            }
            stopped.countDown();
            shutDownLogging();
            // A stop asked for by SIGTERM/SIGINT is a normal end: exit 0, not the JVM's 128+signal.
            Runtime.getRuntime().halt(ExitCode.OK);
        }, "jclat-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        RunConfig cfg;
        try {
            cfg = new RunConfigParser().parse(args, 1);
        } catch (ConfigException | IllegalArgumentException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            throw new UsageException(e.getMessage());
        }
        try {
            tagConsoleLines(cfg.name());
            if (cfg.syslog() != null) {
                sendLogsToSyslog(cfg.syslog());
            }
        } catch (UnsupportedOperationException frozen) {
            // The logger refuses a change once it has started: here only because a SIGTERM's hook already shut
            // logging down. That hook ends the process with exit 0.
            if (!stopping.get()) {
                throw frozen;
            }
            awaitQuietly(stopped);
            return ExitCode.OK;
        }
        ClatDaemon daemon = new ClatDaemon(cfg, () -> new RunConfigParser().parse(args, 1));
        running.set(daemon);
        // SIGHUP reloads, as procd_send_signal and "kill -HUP" expect of a daemon.
        ReloadSignal.install(daemon::reload);
        try {
            daemon.start(); // returns early, having undone nothing, when a stop came during start-up
        } catch (IOException e) {
            // start() already undid its steps
            Log.error("cannot start: {}", e.getMessage());
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyStopping) {
                awaitQuietly(stopped); // a SIGTERM came meanwhile: its hook ends the process
            }
            return ExitCode.FAILURE;
        }
        awaitQuietly(stopped);
        return ExitCode.OK;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends logging from the stop hook, after its last line. The logger registers no shutdown hook of its own
     * (tinylog's threw "Shutdown in progress" when a stop came during start-up, and could close the writers
     * while the stop was still logging), so this is the one place logging ends.
     */
    private static void shutDownLogging() {
        Log.shutDown();
    }
}
