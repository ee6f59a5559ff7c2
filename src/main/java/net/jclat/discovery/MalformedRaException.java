package net.jclat.discovery;

/**
 * A Router Advertisement that RFC 4861 §6.1.2 says to discard as a whole. Checked, because the bytes come
 * from the network: a hostile or broken router must never be able to raise an unchecked exception in us.
 */
public final class MalformedRaException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedRaException(String reason) {
        super(reason);
    }

    /** Why the message was rejected, for a log line or a drop counter. */
    public String reason() {
        return getMessage();
    }
}
