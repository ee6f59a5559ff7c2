package net.jclat.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import net.jclat.config.RunConfigParser;
import net.jclat.control.ControlClient;
import net.jclat.control.ControlServer;

/**
 * {@code jclat status} and {@code jclat reload}: ask the running daemon over its control socket and print
 * the answer. Exit 0: done; 1: no daemon there; 2: refused (not root, or a reload the daemon refused).
 */
final class ControlCommand {
    static final String STATUS_USAGE = """
            usage: jclat status [--json] [--name NAME | --tun NAME | --socket PATH]
              --json     the status as JSON (the same object as the status file)
              --name     the daemon run with this name (OpenWrt: the interface): /var/run/jclat/NAME.sock
              --tun      the daemon running for this TUN (default clat), when it has no name
              --socket   the control socket's path, when it was set with control-socket""";
    static final String RELOAD_USAGE = """
            usage: jclat reload [--name NAME | --tun NAME | --socket PATH]
              re-reads the daemon's flags and --config file and applies them without dropping the TUN;
              a file with an error, or a change that needs a restart, changes nothing (exit 2, with why)""";

    private ControlCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UsageException {
        boolean reload = args[0].equals("reload");
        String usage = reload ? RELOAD_USAGE : STATUS_USAGE;
        boolean json = false;
        Path socket = RunConfigParser.defaultControlSocket("clat");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> {
                    if (reload) {
                        throw new UsageException("--json is for jclat status\n" + usage);
                    }
                    json = true;
                }
                case "--name", "--tun", "--socket" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException(args[i] + " needs a value\n" + usage);
                    }
                    socket = args[i].equals("--socket") ? Path.of(args[++i])
                            : RunConfigParser.defaultControlSocket(args[++i]);
                }
                default -> throw new UsageException("unknown option '" + args[i] + "'\n" + usage);
            }
        }
        return ask(socket, reload ? "reload" : json ? "status json" : "status", out, err);
    }

    /** Sends one request and prints the reply; the daemon's exit code is passed on. */
    static int ask(Path socket, String request, PrintStream out, PrintStream err) {
        ControlServer.Reply r;
        try {
            r = ControlClient.ask(socket, request);
        } catch (IOException e) {
            err.println("jclat: no daemon answers on " + socket + ": " + e.getMessage());
            return ExitCode.FAILURE;
        }
        (r.code() == 0 ? out : err).print(r.code() == 0 ? r.body() : "jclat: " + r.body());
        if (r.code() == 0 && !r.body().endsWith("\n")) {
            out.println();
        }
        return r.code();
    }
}
