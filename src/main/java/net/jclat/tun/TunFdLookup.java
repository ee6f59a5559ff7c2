package net.jclat.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds the file descriptor under a JDK {@code FileChannel}, which the JDK does not expose: the one entry
 * of {@code /proc/self/fd} that points to {@code /dev/net/tun} and was not there before the channel opened.
 * Callers hold {@link #LOCK} around every open and close of {@code /dev/net/tun} so the before/after
 * difference is exactly the new channel.
 */
final class TunFdLookup {
    static final Object LOCK = new Object();
    static final Path DEVICE = Path.of("/dev/net/tun");
    private static final Path FDS = Path.of("/proc/self/fd");

    private TunFdLookup() {
    }

    /** The process's open descriptors of {@code /dev/net/tun}. */
    static Set<Integer> openDescriptors() throws IOException {
        Set<Integer> fds = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(FDS)) {
            for (Path p : dir) {
                try {
                    if (Files.readSymbolicLink(p).equals(DEVICE)) {
                        fds.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed while listing (the directory stream's own fd), or not a descriptor
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot list " + FDS + " to find the TUN's file descriptor (is /proc mounted?): "
                    + e.getMessage(), e);
        }
        return fds;
    }

    /**
     * The interface a TUN descriptor is attached to, from the kernel's {@code iff:} line in
     * {@code /proc/self/fdinfo/FD} (drivers/net/tun.c, tun_chr_show_fdinfo); null if it has none.
     */
    static String attachedInterface(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd), StandardCharsets.US_ASCII)) {
            if (line.startsWith("iff:")) {
                return line.substring(4).strip();
            }
        }
        return null;
    }
}
