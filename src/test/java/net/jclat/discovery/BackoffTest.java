package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheCapAndResetsOnSuccess() {
        Backoff b = new Backoff(1000, 5000);
        assertEquals(1000, b.failed());
        assertEquals(2000, b.failed());
        assertEquals(4000, b.failed());
        assertEquals(5000, b.failed());
        assertEquals(5000, b.failed());
        b.succeeded();
        assertEquals(1000, b.failed());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
    }
}
