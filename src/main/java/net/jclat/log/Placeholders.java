package net.jclat.log;

/**
 * Fills {@code {}} in a message with arguments, the way tinylog did for jclat's calls: in order, each
 * argument's {@code String.valueOf}; arguments beyond the placeholders are ignored, placeholders beyond the
 * arguments stay {@code {}}. No other pattern is special: jclat's messages use only {@code {}} and often
 * contain apostrophes ("the uplink's ingress"), which must print as they are.
 */
final class Placeholders {
    private Placeholders() {
    }

    static String fill(String pattern, Object[] args) {
        if (args == null || args.length == 0) {
            return pattern; // a message without arguments prints verbatim, "{}" and all
        }
        StringBuilder out = new StringBuilder(pattern.length() + 16 * args.length);
        int next = 0;
        int from = 0;
        int at;
        while (next < args.length && (at = pattern.indexOf("{}", from)) >= 0) {
            out.append(pattern, from, at).append(String.valueOf(args[next++]));
            from = at + 2;
        }
        return out.append(pattern, from, pattern.length()).toString();
    }
}
