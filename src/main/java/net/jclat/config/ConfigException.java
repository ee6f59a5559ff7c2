package net.jclat.config;

/** A configuration jclat cannot run with; the message names the file and line, or the flag. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
