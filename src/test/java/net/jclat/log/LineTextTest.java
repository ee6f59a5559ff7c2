package net.jclat.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A throwable after the message, in the shape tinylog printed it (its 2.7 output, captured 2026-12-06). */
class LineTextTest {
    @Test
    void messageAlone() {
        assertEquals("plain", LineText.of("plain", null));
    }

    @Test
    void throwableFollowsTheMessageWithItsFramesAndCause() {
        RuntimeException e = new RuntimeException("boom", new IllegalStateException("cause"));
        String t = LineText.of("err 5", e);
        assertTrue(t.startsWith("err 5: java.lang.RuntimeException: boom\n\tat net.jclat.log.LineTextTest."), t);
        assertTrue(t.contains("\nCaused by: java.lang.IllegalStateException: cause\n"), t);
        assertTrue(!t.endsWith("\n"), "the sink ends the line, not the trace");
    }

    @Test
    void throwableWithoutMessageIsTheTraceAlone() {
        String t = LineText.of("", new RuntimeException("only"));
        assertTrue(t.startsWith("java.lang.RuntimeException: only\n\tat "), t);
    }
}
