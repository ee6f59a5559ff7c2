package net.jclat.cli;

import java.io.PrintStream;

/** {@code jclat COMMAND [OPTIONS]}: picks the command; each command parses its own options. */
public final class Main {
    static final String USAGE = """
            usage: jclat COMMAND [OPTIONS]
              run         run the CLAT daemon (jclat run --help)
              discover    find the network's NAT64 prefixes: DNS (RFC 7050) and RAs (RFC 8781)
              status      ask the running daemon for its state and counters (jclat status --help)
              reload      make the running daemon re-read its configuration (jclat reload --help)
              translate   translate the packets of a pcap file offline (jclat translate --help)
              version     print the version""";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(USAGE);
            return args.length == 0 ? ExitCode.USAGE : ExitCode.OK;
        }
        try {
            return switch (args[0]) {
                case "translate" -> {
                    if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
                        out.println(TranslateCommand.USAGE);
                        yield ExitCode.OK;
                    }
                    yield TranslateCommand.run(args, out, err);
                }
                case "run" -> {
                    if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
                        out.println(RunCommand.USAGE);
                        yield ExitCode.OK;
                    }
                    yield RunCommand.run(args);
                }
                case "discover" -> {
                    if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
                        out.println(DiscoverCommand.USAGE);
                        yield ExitCode.OK;
                    }
                    yield DiscoverCommand.run(args, out, err);
                }
                case "status", "reload" -> {
                    if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
                        out.println(args[0].equals("status") ? ControlCommand.STATUS_USAGE : ControlCommand.RELOAD_USAGE);
                        yield ExitCode.OK;
                    }
                    yield ControlCommand.run(args, out, err);
                }
                case "version", "--version" -> {
                    out.println("jclat " + version());
                    yield ExitCode.OK;
                }
                default -> throw new UsageException("unknown command '" + args[0] + "'\n" + USAGE);
            };
        } catch (UsageException e) {
            err.println("jclat: " + e.getMessage());
            return ExitCode.USAGE;
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
