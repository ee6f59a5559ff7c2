package net.jclat.luci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.json.Json;

/**
 * Runs the real rpcd exec plugin {@code luci.jclat} from the package tree the way rpcd does ({@code list},
 * {@code call METHOD} with the arguments on stdin), under a chosen shell and PATH. Test scaffolding only.
 */
final class RpcdPlugin {
    static final Path PACKAGE = Path.of("openwrt-package", "luci", "luci-app-jclat");
    static final Path SCRIPT = PACKAGE.resolve("root/usr/libexec/rpcd/luci.jclat");

    /** The shell to run it with and the PATH its commands come from. */
    record Shell(String name, List<String> command, String path) {
        /** Debian's /bin/sh (dash) with coreutils. */
        static Shell dash() {
            return new Shell("dash", List.of("/bin/sh"), System.getenv("PATH"));
        }

        /** BusyBox ash with only BusyBox applets on PATH, as on OpenWrt; null when busybox is missing. */
        static Shell busybox(Path appletDir) throws IOException {
            Path bb = Path.of("/bin/busybox");
            if (!Files.isExecutable(bb)) {
                return null;
            }
            Files.createDirectories(appletDir);
            for (String applet : List.of("sh", "cat", "date")) {
                Path link = appletDir.resolve(applet);
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, bb);
                }
            }
            return new Shell("busybox ash", List.of(appletDir.resolve("sh").toString()), appletDir.toString());
        }
    }

    record Result(int code, String stdout, String stderr) {
    }

    private final Shell shell;
    private final Path statusDir;

    RpcdPlugin(Shell shell, Path statusDir) {
        this.shell = shell;
        this.statusDir = statusDir;
    }

    Result run(String stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(shell.command());
        cmd.add(SCRIPT.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PATH", shell.path());
        if (statusDir != null) {
            pb.environment().put("JCLAT_STATUS_DIR", statusDir.toString());
        }
        Path err = Files.createTempFile("rpcd-plugin", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            try (java.io.OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a plugin may exit without reading its input (list, usage errors); rpcd copes too
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(shell.name() + ": the plugin did not finish in 20 s");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** {@code call getStatus}, which must exit 0 and print one JSON object. */
    Map<String, Object> getStatus() throws IOException {
        Result r = run("{}", "call", "getStatus");
        if (r.code() != 0) {
            throw new AssertionError(shell.name() + ": call getStatus exited " + r.code() + ": " + r.stderr());
        }
        return object(r.stdout());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        Object o;
        try {
            o = new Json().toType(json, Object.class);
        } catch (RuntimeException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
        if (!(o instanceof Map)) {
            throw new AssertionError("not a JSON object: " + json);
        }
        return (Map<String, Object>) o;
    }
}
