package net.jclat.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real unbound in a {@link CpeLab}'s provider namespace at [2001:db8:100::1]:53, authoritative for
 * {@code ipv4only.arpa} with the given {@code local-data} lines (none: NXDOMAIN, "no NAT64 here").
 * Test scaffolding only.
 */
public final class ProviderUnbound implements AutoCloseable {
    public static final String ADDRESS = "[2001:db8:100::1]:53";

    private final Path dir;
    private final Process process;

    private ProviderUnbound(CpeLab lab, String... data) throws Exception {
        dir = Files.createTempDirectory("jclat-unbound");
        StringBuilder conf = new StringBuilder("server:\n");
        List<String> lines = new ArrayList<>(List.of("interface: 2001:db8:100::1", "port: 53", "do-ip4: no",
                "do-daemonize: no", "chroot: \"\"", "username: \"\"", "directory: \"" + dir + "\"",
                "pidfile: \"\"", "use-syslog: no", "logfile: \"\"", "verbosity: 1", "num-threads: 1",
                "module-config: \"iterator\"", "access-control: ::/0 allow", "local-zone: \"ipv4only.arpa.\" static"));
        lines.addAll(List.of(data));
        for (String l : lines) {
            conf.append("  ").append(l).append('\n');
        }
        conf.append("remote-control:\n  control-enable: no\n");
        Path file = Files.writeString(dir.resolve("unbound.conf"), conf, StandardCharsets.UTF_8);
        process = new ProcessBuilder("ip", "netns", "exec", lab.isp, "/usr/sbin/unbound", "-d", "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Netns.in(lab.isp, 5, "ss", "-Hlnu").output().contains("[2001:db8:100::1]:53")) {
            if (System.nanoTime() > deadline) {
                String out = Files.readString(dir.resolve("out"));
                close();
                throw new IOException("unbound did not start: " + out);
            }
            Thread.sleep(100);
        }
    }

    /** Starts unbound answering {@code ipv4only.arpa AAAA} under this /96 (null: no answer, NXDOMAIN). */
    public static ProviderUnbound answering(CpeLab lab, String nat64Prefix96) throws Exception {
        if (nat64Prefix96 == null) {
            return new ProviderUnbound(lab);
        }
        String base = nat64Prefix96.substring(0, nat64Prefix96.indexOf("::/96"));
        return new ProviderUnbound(lab, "local-data: \"ipv4only.arpa. 2 IN AAAA " + base + "::c000:aa\"");
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
