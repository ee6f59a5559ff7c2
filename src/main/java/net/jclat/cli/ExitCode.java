package net.jclat.cli;

/** What jclat's exit status means; scripts (netifd's protocol handler among them) rely on these. */
final class ExitCode {
    private ExitCode() {
    }

    static final int OK = 0;
    /** Unexpected failure inside jclat. */
    static final int FAILURE = 1;
    /** Bad command line, bad configuration or unreadable input, or (discover) no answer: nothing was done. */
    static final int USAGE = 2;
    /** {@code jclat discover}: the network answered that it has no NAT64 (no PLAT here). */
    static final int NO_NAT64 = 3;
}
