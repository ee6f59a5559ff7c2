package net.jclat.log;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The text of one log event after the date and level: the message, then a throwable's stack trace the way
 * tinylog printed it ("message: java.io.IOException: why" and the frames on the following lines; only the
 * trace when there is no message). Shared by the console and syslog, which both carried it whole.
 */
final class LineText {
    private LineText() {
    }

    static String of(String message, Throwable thrown) {
        if (thrown == null) {
            return message;
        }
        StringWriter trace = new StringWriter(512);
        try (PrintWriter w = new PrintWriter(trace)) {
            thrown.printStackTrace(w);
        }
        String t = trace.toString().stripTrailing();
        return message == null || message.isEmpty() ? t : message + ": " + t;
    }
}
