package net.jclat.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** "{}" filling as tinylog did it for jclat's calls (outputs checked against tinylog 2.7 on 2026-12-06). */
class PlaceholdersTest {
    @Test
    void fillsInOrder() {
        assertEquals("f:3: 'x': resolv.conf takes", Placeholders.fill("{}:{}: '{}': resolv.conf takes",
                new Object[] {"f", 3, "x"}));
    }

    @Test
    void extraArgumentsAreIgnoredAndMissingOnesLeaveThePlaceholder() {
        assertEquals("w x", Placeholders.fill("w {}", new Object[] {"x", "extra"}));
        assertEquals("translating on clat a=1 b={}", Placeholders.fill("translating on {} a={} b={}",
                new Object[] {"clat", 1}));
    }

    @Test
    void withoutArgumentsTheMessageIsVerbatim() {
        assertEquals("obj {}", Placeholders.fill("obj {}", new Object[0]));
        assertEquals("obj {}", Placeholders.fill("obj {}", null));
    }

    @Test
    void nullAndApostrophesPrintAsThemselves() {
        assertEquals("null null; the CLAT's setup 1 it's", Placeholders.fill("null {}; the CLAT's setup {} it's",
                new Object[] {null, 1}));
        assertEquals("ends { 1", Placeholders.fill("ends { {}", new Object[] {1}));
    }
}
