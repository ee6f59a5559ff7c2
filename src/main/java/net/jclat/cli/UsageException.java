package net.jclat.cli;

/** A command line that cannot be run as written; its message is shown to the user as is. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
