package net.jclat.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * {@code # HELP}, a {@code # TYPE} or a sample; each metric has one HELP and one TYPE before its samples,
 * its samples are contiguous, no series appears twice, counters are named {@code *_total} and are not
 * negative. A violation fails with the line number and the line.
 */
public final class ExpositionFormat {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Pattern VALUE = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|[+-]Inf");

    /** One sample: metric name, labels (unescaped), value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private ExpositionFormat() {
    }

    /** Parses {@code text}, failing on the first line that breaks the format. */
    public static List<Sample> parse(String text) {
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> finished = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "': ";
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                String n = m.group(1);
                check(helped.add(n), where + "a second HELP for " + n);
                check(!m.group(2).matches(".*\\\\[^\\\\n].*"), where + "bad escape in HELP");
                current = switchTo(current, n, finished, where);
            } else if ((m = TYPE.matcher(line)).matches()) {
                String n = m.group(1);
                check(types.putIfAbsent(n, m.group(2)) == null, where + "a second TYPE for " + n);
                check(!m.group(2).equals("counter") || n.endsWith("_total"), where + "a counter not named *_total");
                current = switchTo(current, n, finished, where);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String n = m.group(1);
                check(types.containsKey(n) && helped.contains(n), where + "a sample without HELP and TYPE before it");
                check(n.equals(current), where + "samples of " + n + " are not contiguous");
                Map<String, String> labels = labels(m.group(3) == null ? "" : m.group(3), where);
                check(series.add(n + labels), where + "the same series twice");
                check(VALUE.matcher(m.group(4)).matches(), where + "not a number: " + m.group(4));
                double v = Double.parseDouble(m.group(4).replace("Inf", "Infinity"));
                check(!types.get(n).equals("counter") || v >= 0, where + "a negative counter");
                samples.add(new Sample(n, labels, v));
            } else {
                throw new AssertionError(where + "neither HELP, TYPE nor a sample");
            }
        }
        return samples;
    }

    private static String switchTo(String current, String next, Set<String> finished, String where) {
        if (!next.equals(current)) {
            check(!finished.contains(next), where + next + " continues after another metric");
            if (current != null) {
                finished.add(current);
            }
        }
        return next;
    }

    private static Map<String, String> labels(String s, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(s);
        int at = 0;
        while (at < s.length()) {
            check(m.find(at) && m.start() == at, where + "bad label list at column " + at);
            String v = unescape(m.group(2));
            check(out.put(m.group(1), v) == null, where + "label " + m.group(1) + " twice");
            at = m.end();
            check(!m.group(3).equals(",") || at < s.length(), where + "trailing comma");
        }
        return out;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                char e = s.charAt(++i);
                b.append(e == 'n' ? '\n' : e);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /** The value of the one sample with this name and labels; fails if there is none. */
    public static double value(List<Sample> samples, String name, String... labelPairs) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(want)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + want)).value();
    }
}
