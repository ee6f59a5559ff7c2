package net.jclat.log;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.TimeZone;

/**
 * Where lines go: stderr always, a syslog receiver when asked. Its settings are fixed by the first line
 * written or by {@link #shutDown}: a change after that throws {@link UnsupportedOperationException}, as
 * tinylog's configuration did, so a start-up that was overtaken by a stop (RunCommand) can tell. After
 * shutDown lines are dropped: the stop hook has ended logging and the JVM is about to halt.
 */
final class LogSink {
    private final PrintStream console;
    private final LocalTimeText time;
    private final Level consoleLevel;
    private String consoleTag = "";
    private volatile SyslogSender syslog; // read unlocked by enabled()
    private boolean frozen;
    private boolean shut;

    LogSink(PrintStream console, TimeZone zone, Level consoleLevel) {
        this.console = console;
        this.time = new LocalTimeText(zone);
        this.consoleLevel = consoleLevel;
    }

    /** True when a line at this level would be written anywhere: callers skip formatting otherwise. */
    boolean enabled(Level level) {
        return level.atLeast(consoleLevel) || level.atLeast(Level.INFO) && syslog != null;
    }

    synchronized void tagConsole(String name) {
        checkNotFrozen();
        consoleTag = "jclat[" + name + "] ";
    }

    synchronized void sendToSyslog(InetSocketAddress receiver) throws java.io.IOException {
        checkNotFrozen();
        if (syslog != null) {
            syslog.close();
        }
        syslog = new SyslogSender(receiver);
    }

    synchronized void write(Level level, String message, Throwable thrown) {
        frozen = true;
        if (shut) {
            return;
        }
        String text = LineText.of(message, thrown);
        if (level.atLeast(consoleLevel)) {
            // One print per line: System.err is locked per call, so lines of other writers never interleave.
            console.print(time.at(System.currentTimeMillis()) + " " + consoleTag + level.label + " " + text + "\n");
            console.flush();
        }
        // Syslog takes info and above whatever the console's level: its level was fixed at info in tinylog's
        // settings too, so debug never leaves the machine.
        if (syslog != null && level.atLeast(Level.INFO)) {
            syslog.send(level, text);
        }
    }

    synchronized void shutDown() {
        frozen = true;
        shut = true;
        if (syslog != null) {
            syslog.close();
        }
    }

    private void checkNotFrozen() {
        if (frozen) {
            throw new UnsupportedOperationException("logging has started; its settings are fixed");
        }
    }
}
