package net.jclat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.config.ConfigException;
import net.jclat.config.RunConfigParser;
import org.junit.jupiter.api.Test;

/**
 * {@code jclat run --help} names every setting the parser accepts. The keys come from RunConfigParser's own
 * switch (its source), and each is checked to be a setting the parser really knows, so a key added there and
 * not to the usage fails here.
 */
class RunCommandUsageTest {
    private static final Path PARSER = Path.of("src/main/java/net/jclat/config/RunConfigParser.java");

    /** The case labels of RunConfigParser#set, the method every flag and config line goes through. */
    private static List<String> parserKeys() throws Exception {
        String src = Files.readString(PARSER);
        int start = src.indexOf("private void set(String key, String v)");
        int end = src.indexOf("default ->", start);
        assertTrue(start >= 0 && end > start, "RunConfigParser#set not found in " + PARSER);
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("case \"([a-z0-9-]+)\" ->").matcher(src.substring(start, end));
        while (m.find()) {
            keys.add(m.group(1));
        }
        keys.add("config"); // read by parse() itself, where it appears
        return keys;
    }

    /** The parser's message for {@code --KEY VALUE}, or "" when it took it. */
    private static String parseMessage(String key, String value) {
        try {
            new RunConfigParser().parse(new String[] {"--uplink", "wan0", "--" + key, value}, 0);
            return "";
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    @Test
    void theKeysReadFromTheSourceAreTheParsersSettings() throws Exception {
        List<String> keys = parserKeys();
        assertTrue(keys.size() > 40, "too few keys found: " + keys);
        for (String key : keys) {
            assertFalse(parseMessage(key, "/nonexistent/x").contains("unknown setting"), key);
        }
        assertTrue(parseMessage("no-such-setting", "1").contains("unknown setting"));
    }

    /** README: the translate-only spellings are not run settings (run takes icmp-errors / hairpinning off). */
    @Test
    void theNoSpellingsAreTranslateOnly() {
        assertTrue(parseMessage("no-icmp-errors", "on").contains("unknown setting 'no-icmp-errors'"));
        assertTrue(parseMessage("no-hairpinning", "on").contains("unknown setting 'no-hairpinning'"));
    }

    @Test
    void usageNamesEverySetting() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String key : parserKeys()) {
            // "--ipv6-mostly" must not be found inside "--ipv6-mostly-ra": the flag ends at a space or ']'.
            if (!Pattern.compile("--" + Pattern.quote(key) + "[ \\]]").matcher(RunCommand.USAGE).find()) {
                missing.add(key);
            }
        }
        assertEquals(List.of(), missing, "settings jclat run accepts that its usage leaves out");
    }
}
