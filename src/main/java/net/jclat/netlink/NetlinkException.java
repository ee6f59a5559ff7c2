package net.jclat.netlink;

import java.io.IOException;

/** A netlink request the kernel refused; carries the errno so callers can accept EEXIST or ENOENT. */
public final class NetlinkException extends IOException {
    private static final long serialVersionUID = 1L;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOBUFS = 105;

    private final int errno;

    NetlinkException(String what, int errno) {
        super(what + ": " + describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    static String describe(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted (EPERM: run as root or with CAP_NET_ADMIN)";
            case ENOENT -> "no such entry (ENOENT)";
            case ESRCH -> "no such process/entry (ESRCH)";
            case ENODEV -> "no such device (ENODEV)";
            case EEXIST -> "already exists (EEXIST)";
            case 22 -> "invalid argument (EINVAL)";
            case 101 -> "network unreachable (ENETUNREACH)";
            default -> "errno " + errno;
        };
    }
}
