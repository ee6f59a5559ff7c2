package net.jclat.config;

/**
 * Whether the TUN's packets go to the queue of the CPU they arrive on, with each worker pinned to its queue's
 * CPUs ({@code cpu}), or to a queue chosen by flow hash, the kernel's default ({@code flow}).
 */
public enum CpuSteeringMode {
    /** Flow-hash steering, workers not pinned. */
    OFF,
    /** Per-CPU steering where it can be set up; otherwise flow hash, with one log line saying why (the default). */
    AUTO,
    /** Per-CPU steering, and fail to start when it cannot be set up. */
    ON;

    public static CpuSteeringMode parse(String s) {
        return switch (s) {
            case "off" -> OFF;
            case "auto" -> AUTO;
            case "on" -> ON;
            default -> throw new IllegalArgumentException("cpu-steering must be on, off or auto, got '" + s + "'");
        };
    }
}
