package net.jclat.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The datagram's bytes: "<" PRI ">" with PRI = facility * 8 + severity (RFC 5424 section 6.2.1; daemon = 3,
 * error 3, warning 4, informational 6), then what tinylog 2.7 wrote after it for jclat's settings (an empty
 * identification, ": ", the format "jclat: {message}", a newline), UTF-8. Golden values captured from
 * tinylog on 2026-12-06.
 */
class SyslogSenderTest {
    private static String text(Level l, String m) {
        return new String(SyslogSender.datagram(l, m), StandardCharsets.UTF_8);
    }

    @Test
    void priorityIsDaemonTimesEightPlusSeverity() {
        assertEquals("<30>: jclat: translating on clat a=1 b={}\n", text(Level.INFO, "translating on clat a=1 b={}"));
        assertEquals("<28>: jclat: w x\n", text(Level.WARN, "w x"));
        assertEquals("<27>: jclat: e\n", text(Level.ERROR, "e"));
        assertEquals("<31>: jclat: d\n", text(Level.DEBUG, "d"));
    }

    @Test
    void utf8AndAStackTraceTravelInTheOneDatagram() {
        byte[] b = SyslogSender.datagram(Level.ERROR,
                LineText.of("err 5", new RuntimeException("boom", new IllegalStateException("cause"))));
        String s = new String(b, StandardCharsets.UTF_8);
        assertTrue(s.startsWith("<27>: jclat: err 5: java.lang.RuntimeException: boom\n\tat "), s);
        assertTrue(s.contains("\nCaused by: java.lang.IllegalStateException: cause\n") && s.endsWith("\n"), s);
        assertEquals("<30>: jclat: line é\n".getBytes(StandardCharsets.UTF_8).length,
                SyslogSender.datagram(Level.INFO, "line é").length);
    }
}
