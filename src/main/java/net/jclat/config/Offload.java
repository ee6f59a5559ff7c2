package net.jclat.config;

/** Whether jclat's TUN uses virtio-net headers with checksum and segmentation offload (TSO/USO). */
public enum Offload {
    /** Plain packets, no virtio-net header. */
    OFF,
    /** Offload with whatever the kernel accepts; plain if it accepts nothing (the default). */
    AUTO,
    /** Offload, and fail to start unless the kernel accepts at least checksum and TCP segmentation offload. */
    ON;

    public static Offload parse(String s) {
        return switch (s) {
            case "off" -> OFF;
            case "auto" -> AUTO;
            case "on" -> ON;
            default -> throw new IllegalArgumentException("offload must be on, off or auto, got '" + s + "'");
        };
    }
}
