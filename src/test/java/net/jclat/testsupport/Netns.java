package net.jclat.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts in network namespaces, built with iproute2. Test scaffolding only: jclat itself never
 * shells out. Namespaces get a per-run suffix so parallel or left-over runs do not collide.
 */
public final class Netns implements AutoCloseable {
    public final String suffix = Long.toString(ProcessHandle.current().pid() % 100000, 36)
            + Long.toString(System.nanoTime() % 1296, 36);
    private final List<String> created = new ArrayList<>();

    public static boolean available() {
        boolean ip = Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"));
        return ip && Files.exists(Path.of("/dev/net/tun")) && "root".equals(System.getProperty("user.name"));
    }

    public String add(String role) throws IOException {
        String name = "jc" + role + suffix;
        run("ip", "netns", "add", name);
        created.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** Runs a command, fails with its output if it exits non-zero. */
    public static String run(String... cmd) throws IOException {
        Result r = exec(30, cmd);
        if (r.code != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + r.code + ": " + r.output);
        }
        return r.output;
    }

    public record Result(int code, String output) {
    }

    public static Result exec(int timeoutSeconds, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    public static Result in(String ns, int timeoutSeconds, String... cmd) throws IOException {
        String[] full = new String[cmd.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        return exec(timeoutSeconds, full);
    }

    @Override
    public void close() throws IOException {
        for (String ns : created) {
            exec(10, "ip", "netns", "del", ns);
        }
    }
}
