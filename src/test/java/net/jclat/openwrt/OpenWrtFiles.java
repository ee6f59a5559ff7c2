package net.jclat.openwrt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Where the repository's OpenWrt files are, and copying them (or a stand-in) into a test root. */
final class OpenWrtFiles {
    static final Path REPO = Path.of(System.getProperty("user.dir"));
    static final Path FEED = REPO.resolve("openwrt-package");
    static final Path PACKAGE_FILES = FEED.resolve("net/jclat/files");
    /** Each package's directory in the feed, by package name. */
    static final java.util.Map<String, Path> PACKAGES = java.util.Map.of(
            "jclat", FEED.resolve("net/jclat"),
            "jclat-natives", FEED.resolve("net/jclat-natives"),
            "jclat-jre", FEED.resolve("lang/jclat-jre"),
            "luci-app-jclat", FEED.resolve("luci/luci-app-jclat"));

    private OpenWrtFiles() {
    }

    static void install(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Copies a stand-in from src/test/resources/openwrt-standin/{@code path} to {@code root/path}. */
    static void installStandIn(Path root, String path) throws IOException {
        try (InputStream in = OpenWrtFiles.class.getResourceAsStream("/openwrt-standin/" + path)) {
            if (in == null) {
                throw new IOException("no stand-in " + path);
            }
            Path to = root.resolve(path);
            Files.createDirectories(to.getParent());
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    static void writeExecutable(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
