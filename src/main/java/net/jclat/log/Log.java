package net.jclat.log;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.TimeZone;

/**
 * jclat's logger: {@code Log.info("translating on {}", tun)}, {@code Log.error(e, "worker {} failed", i)}.
 * Replaces tinylog, whose start-up alone cost ~3.6 MB of resident memory and ~430 classes (JMX, JFR
 * providers, java.util.logging, java.time) in a daemon meant for routers (docs/architecture.md, "Logging").
 * The console threshold is the system property {@code jclat.log.level} (error, warn, info, debug, trace;
 * default info), e.g. {@code JCLAT_JAVA_OPTS=-Djclat.log.level=debug}.
 */
public final class Log {
    private static final LogSink SINK = new LogSink(System.err, TimeZone.getDefault(),
            Level.parse(System.getProperty("jclat.log.level")));

    private Log() {
    }

    public static void error(String message, Object... args) {
        log(Level.ERROR, null, message, args);
    }

    public static void error(Throwable thrown, String message, Object... args) {
        log(Level.ERROR, thrown, message, args);
    }

    public static void warn(String message, Object... args) {
        log(Level.WARN, null, message, args);
    }

    public static void warn(Throwable thrown, String message, Object... args) {
        log(Level.WARN, thrown, message, args);
    }

    public static void info(String message, Object... args) {
        log(Level.INFO, null, message, args);
    }

    public static void info(Throwable thrown, String message, Object... args) {
        log(Level.INFO, thrown, message, args);
    }

    public static void debug(String message, Object... args) {
        log(Level.DEBUG, null, message, args);
    }

    public static void debug(Throwable thrown, String message, Object... args) {
        log(Level.DEBUG, thrown, message, args);
    }

    /** For the SLF4J bridge, whose callers ask before formatting. */
    static boolean enabled(Level level) {
        return SINK.enabled(level);
    }

    /** For the SLF4J bridge: a message already formatted by SLF4J's own rules. */
    static void write(Level level, String message, Throwable thrown) {
        if (SINK.enabled(level)) {
            SINK.write(level, message, thrown);
        }
    }

    private static void log(Level level, Throwable thrown, String message, Object[] args) {
        if (SINK.enabled(level)) {
            SINK.write(level, Placeholders.fill(String.valueOf(message), args), thrown);
        }
    }

    /**
     * Starts every console line with {@code jclat[NAME]}. Before the first line only: a later call throws
     * {@link UnsupportedOperationException}.
     */
    public static void tagConsoleLines(String name) {
        SINK.tagConsole(name);
    }

    /**
     * Also sends info and above to a syslog receiver over UDP (see {@link SyslogSender} for the bytes).
     * Before the first line only, like {@link #tagConsoleLines}.
     *
     * @throws IOException when no UDP socket can be opened
     */
    public static void sendToSyslog(String host, int port) throws IOException {
        InetSocketAddress to = new InetSocketAddress(host, port);
        if (to.isUnresolved()) {
            throw new IOException("syslog host " + host + " does not resolve");
        }
        SINK.sendToSyslog(to);
    }

    /** Ends logging: later lines are dropped and settings can no longer change. For the stop hook. */
    public static void shutDown() {
        SINK.shutDown();
    }
}
