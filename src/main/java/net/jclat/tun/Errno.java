package net.jclat.tun;

/** errno values worth naming in messages. */
final class Errno {
    private Errno() {
    }

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EINVAL = 22;

    static String describe(int errno) {
        String name = switch (errno) {
            case EPERM -> "EPERM (operation not permitted)";
            case ENOENT -> "ENOENT (no such file or device)";
            case EBADF -> "EBADF (bad file descriptor)";
            case EAGAIN -> "EAGAIN";
            case EACCES -> "EACCES (permission denied)";
            case EBUSY -> "EBUSY (device busy)";
            case EINVAL -> "EINVAL (invalid argument)";
            default -> "errno " + errno;
        };
        return name;
    }
}
