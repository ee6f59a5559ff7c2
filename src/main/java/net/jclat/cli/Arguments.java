package net.jclat.cli;

import java.util.ArrayList;
import java.util.List;

/** A cursor over {@code --option value} arguments that names the option in every error. */
final class Arguments {
    private final String[] args;
    private int next;

    Arguments(String[] args, int start) {
        this.args = args;
        this.next = start;
    }

    boolean hasNext() {
        return next < args.length;
    }

    String nextOption() {
        return args[next++];
    }

    String value(String option) throws UsageException {
        if (next >= args.length || args[next].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[next++];
    }

    int intValue(String option) throws UsageException {
        String v = value(option);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number, got '" + v + "'");
        }
    }

    static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }
}
