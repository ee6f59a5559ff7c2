package net.jclat.luci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A STAND-IN for the UCI store behind rpcd's {@code uci} ubus object, as far as LuCI pages use it: {@code get}
 * of a whole config (sections with {@code .name}, {@code .type}, {@code .index}), {@code set} of options on a
 * section and {@code delete} of options. Lists are JSON arrays, as rpcd gives them. Test scaffolding only.
 */
final class UciStandIn {
    private static final int UBUS_STATUS_NOT_FOUND = 4;

    private final Map<String, Map<String, Map<String, Object>>> configs = new LinkedHashMap<>();

    /** Adds (or replaces) a section with its options; the order of adding is the section order. */
    synchronized void section(String config, String name, String type, Map<String, Object> options) {
        Map<String, Object> s = new LinkedHashMap<>(options);
        s.put(".type", type);
        configs.computeIfAbsent(config, c -> new LinkedHashMap<>()).put(name, s);
    }

    /** An option's value (a String, or a List for a list), or null. */
    synchronized Object get(String config, String section, String option) {
        Map<String, Object> s = configs.getOrDefault(config, Map.of()).get(section);
        return s == null ? null : s.get(option);
    }

    synchronized Object call(String method, Map<?, ?> args) {
        Map<String, Map<String, Object>> config = configs.get(String.valueOf(args.get("config")));
        if (config == null) {
            return List.of(UBUS_STATUS_NOT_FOUND);
        }
        switch (method) {
            case "get" -> {
                Map<String, Object> values = new LinkedHashMap<>();
                int index = 0;
                for (Map.Entry<String, Map<String, Object>> e : config.entrySet()) {
                    Map<String, Object> s = new LinkedHashMap<>(e.getValue());
                    s.put(".name", e.getKey());
                    s.put(".index", index++);
                    values.put(e.getKey(), s);
                }
                return List.of(0, Map.of("values", values));
            }
            case "set", "delete" -> {
                Map<String, Object> s = config.get(String.valueOf(args.get("section")));
                if (s == null) {
                    return List.of(UBUS_STATUS_NOT_FOUND);
                }
                if (method.equals("set")) {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) args.get("values")).entrySet()) {
                        Object v = e.getValue();
                        s.put(String.valueOf(e.getKey()), v instanceof List<?> l ? new ArrayList<>(l) : String.valueOf(v));
                    }
                } else {
                    for (Object o : (List<?>) args.get("options")) {
                        s.remove(String.valueOf(o));
                    }
                }
                return List.of(0);
            }
            default -> {
                return List.of(3);
            }
        }
    }
}
