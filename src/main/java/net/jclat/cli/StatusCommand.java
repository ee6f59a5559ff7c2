package net.jclat.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import net.jclat.config.RunConfigParser;
import net.jclat.control.ControlClient;
import net.jclat.control.ControlServer;

/**
 * {@code jclat status} (and later requests of the same shape): asks the running daemon over its control
 * socket and prints the answer. Exit 0: answered; 1: no daemon there; 2: refused or bad request.
 */
final class StatusCommand {
    static final String USAGE = """
            usage: jclat status [--json] [--tun NAME | --socket PATH]
              --json     the status as JSON (the same object as the status file)
              --tun      the daemon running for this TUN (default clat): /var/run/jclat/NAME.sock
              --socket   the control socket's path, when it was set with control-socket""";

    private StatusCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UsageException {
        boolean json = false;
        Path socket = RunConfigParser.defaultControlSocket("clat");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--tun", "--socket" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException(args[i] + " needs a value\n" + USAGE);
                    }
                    socket = args[i].equals("--tun") ? RunConfigParser.defaultControlSocket(args[++i])
                            : Path.of(args[++i]);
                }
                default -> throw new UsageException("unknown option '" + args[i] + "'\n" + USAGE);
            }
        }
        return ask(socket, json ? "status json" : "status", out, err);
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
        return r.code();
    }
}
