package net.jclat.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, run for real after packaging: {@code bin/jclat-lab up} builds the lab with a
 * real unbound (DNS64 / ipv4only.arpa) and a real TAYGA PLAT, starts the packaged jclat in the CPE, and
 * fetches a page and a 10 MiB file from an IPv4-only server through the IPv6-only provider;
 * {@code down} must leave nothing behind.
 */
class LabIT {
    private static final Path REPO = Path.of("").toAbsolutePath();

    record Result(int code, String output) {
    }

    static Result run(int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().put("JCLAT_LAB_NO_BUILD", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void down() throws Exception {
        if ("root".equals(System.getProperty("user.name"))) {
            run(60, "bin/jclat-lab", "down");
        }
    }

    @Test
    void labUpFetchesThePageAndTenMebibytesThroughTheIpv6OnlyProviderAndDownLeavesNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
                "the lab needs root and /dev/net/tun");
        assumeTrue(Files.exists(REPO.resolve("target/jclat.jar")), "runs after mvn package");
        Result up = run(600, "bin/jclat-lab", "up");
        assertEquals(0, up.code(), up.output());
        assertTrue(up.output().contains("ipv4only.arpa AAAA 2001:db8:64::c000:aa"), up.output());
        assertTrue(up.output().contains("Hello from 203.0.113.10"), up.output());
        assertTrue(up.output().matches("(?s).*sha256 \\S+ matches.*"), up.output());
        assertTrue(up.output().contains("\"state\": \"running\"") || up.output().contains("\"state\":\"running\""),
                up.output());

        Result down = run(120, "bin/jclat-lab", "down");
        assertEquals(0, down.code(), down.output());
        Result ns = run(10, "ip", "netns", "list");
        assertTrue(!ns.output().contains("jclat-"), "namespaces left: " + ns.output());
        assertTrue(!Files.exists(Path.of("/run/jclat-lab")), "lab state directory left behind");
    }
}
