package net.jclat.config;

/** How packets the kernel sends into jclat's multi-queue TUN are spread over the workers. */
public enum Steering {
    /** The kernel's own choice: a queue per flow hash; workers run on any CPU. */
    OFF,
    /** Per-CPU steering where it can be set up (more than one queue, every queue gets a CPU), else OFF. */
    AUTO,
    /** Per-CPU steering, and fail to start if it cannot be set up. */
    ON;

    public static Steering parse(String s) {
        return switch (s) {
            case "off" -> OFF;
            case "auto" -> AUTO;
            case "on" -> ON;
            default -> throw new IllegalArgumentException("cpu-steering must be on, off or auto, got '" + s + "'");
        };
    }
}
