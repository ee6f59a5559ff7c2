package net.jclat.log;

/**
 * How serious a line is. The label is what the console shows (the words tinylog printed, which tests and
 * {@code logread} filters match); the severity is the syslog code of RFC 5424 section 6.2.1, table 2.
 */
public enum Level {
    ERROR("ERROR", 3),
    WARN("WARN", 4),
    INFO("INFO", 6),
    DEBUG("DEBUG", 7),
    /** Only SLF4J callers (dnsjava) use it; syslog has nothing below debug. */
    TRACE("TRACE", 7);

    final String label;
    final int syslogSeverity;

    Level(String label, int syslogSeverity) {
        this.label = label;
        this.syslogSeverity = syslogSeverity;
    }

    /** True when a line at this level passes a threshold: ERROR passes every threshold, TRACE only TRACE. */
    boolean atLeast(Level threshold) {
        return ordinal() <= threshold.ordinal();
    }

    /** The threshold named by a setting such as {@code -Djclat.log.level=debug}; info for null or unknown. */
    static Level parse(String name) {
        if (name != null) {
            for (Level l : values()) {
                if (l.name().equalsIgnoreCase(name.trim())) {
                    return l;
                }
            }
        }
        return INFO;
    }
}
