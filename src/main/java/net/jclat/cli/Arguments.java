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

    /**
     * A switch that may stand alone (on) or take {@code on}/{@code off}, the form {@code jclat run} and its
     * config file use, so one spelling works for both commands.
     */
    boolean onOff(String option) throws UsageException {
        if (next < args.length && (args[next].equals("on") || args[next].equals("off"))) {
            return args[next++].equals("on");
        }
        return true;
    }

    /** An option that always takes {@code on} or {@code off}. */
    boolean onOffValue(String option) throws UsageException {
        String v = value(option);
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new UsageException(option + " must be 'on' or 'off', got '" + v + "'");
        };
    }

    static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }
}
