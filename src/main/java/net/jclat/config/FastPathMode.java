package net.jclat.config;

/** Whether the kernel fast path (TC eBPF programs on the uplink and the TUN) translates the common packets. */
public enum FastPathMode {
    /** Everything on the TUN path. */
    OFF,
    /** The fast path where the kernel accepts the programs; else one log line and everything on the TUN path. */
    AUTO,
    /** The fast path, and fail to start if the kernel does not accept or attach the programs. */
    ON;

    public static FastPathMode parse(String s) {
        return switch (s) {
            case "off" -> OFF;
            case "auto" -> AUTO;
            case "on" -> ON;
            default -> throw new IllegalArgumentException("fast-path must be on, off or auto, got '" + s + "'");
        };
    }
}
