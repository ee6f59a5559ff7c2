package net.jclat.log;

import org.slf4j.Marker;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger (dnsjava's) that writes through {@link Log} at the same level. The message is formatted
 * by SLF4J's own MessageFormatter, so its rules ("\\{}" escapes, arrays printed by content) hold for SLF4J
 * callers. The logger's name is not printed: tinylog's format had no room for it either.
 */
final class Slf4jLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    Slf4jLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return Log.enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return Log.enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return Log.enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return Log.enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return Log.enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null; // no caller location is printed, so none is looked up
    }

    @Override
    protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String pattern,
            Object[] args, Throwable thrown) {
        Log.write(of(level), MessageFormatter.basicArrayFormat(pattern, args), thrown);
    }

    /** SLF4J's five levels carry the same names as ours. */
    static Level of(org.slf4j.event.Level level) {
        return Level.valueOf(level.name());
    }
}
