package net.jclat.tun;

import io.netty.channel.epoll.Epoll;

/**
 * How packets move between a TUN queue and Java. {@link #NETTY} is Netty's JNI file-descriptor I/O (~45 ns
 * a call); {@link #FILECHANNEL} needs nothing beyond the JDK (~120 ns a call), for systems where Netty's
 * native library cannot load (OpenWrt's musl libc without a musl build of it). {@link #AUTO} takes Netty's
 * when it loads.
 */
public enum TunIo {
    NETTY("netty"),
    FILECHANNEL("filechannel"),
    AUTO("auto");

    private final String label;

    TunIo(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static TunIo parse(String s) {
        for (TunIo io : values()) {
            if (io.label.equals(s)) {
                return io;
            }
        }
        throw new IllegalArgumentException("tun-io must be netty, filechannel or auto, got '" + s + "'");
    }

    /** {@link #AUTO} made concrete: Netty's when its epoll native library loads, else the FileChannel. */
    public TunIo resolve() {
        if (this != AUTO) {
            return this;
        }
        return Epoll.isAvailable() ? NETTY : FILECHANNEL;
    }

    /** Why Netty's native I/O cannot be used here, or null when it can. */
    public static String nettyUnavailableReason() {
        Throwable cause = Epoll.unavailabilityCause();
        if (cause == null) {
            return null;
        }
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
