package net.jclat.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, run for real after packaging: {@code bin/jclat-lab up} builds the lab with a
 * real unbound (DNS64 / ipv4only.arpa) and a real TAYGA PLAT, starts the packaged jclat in the CPE, and
 * fetches a page and a 10 MiB file from an IPv4-only server through the IPv6-only provider;
 * {@code down} must leave nothing behind.
 *
 * <p>The LAN is IPv6-mostly (issue 16): the legacy host leases its address from a real dnsmasq with
 * BusyBox udhcpc; the second host takes a SLAAC address from a real radvd, runs jclat as its own host CLAT
 * with the prefix from the router jclat's PREF64 RAs, and fetches the page with no IPv4 on its LAN
 * interface; a real dhcpcd asking for option 108 backs off; {@code status} names each host's CLAT.
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
        assertTrue(up.output().matches("(?s).*jclat-lan leased 192\\.168\\.1\\.(1\\d\\d|200)/24 by DHCPv4.*"), up.output());
        assertTrue(up.output().contains("IPv6-Only Preferred received (1800 seconds)"), up.output());

        // The host CLAT's fetch, checked here rather than trusted from the script: byte for byte, and
        // with nothing but IPv6 on the host's LAN interface.
        byte[] want = Files.readAllBytes(Path.of("/run/jclat-lab/www/index.html"));
        ProcessBuilder curl = new ProcessBuilder("ip", "netns", "exec", "jclat-lan6", "curl", "-sS", "--max-time", "10",
                "http://203.0.113.10/").redirectError(ProcessBuilder.Redirect.DISCARD);
        Process c = curl.start();
        byte[] got = c.getInputStream().readAllBytes();
        assertTrue(c.waitFor(20, TimeUnit.SECONDS));
        assertEquals(new String(want, StandardCharsets.UTF_8), new String(got, StandardCharsets.UTF_8));
        assertEquals("", run(10, "ip", "-n", "jclat-lan6", "-4", "-o", "addr", "show", "dev", "eth0").output());
        assertTrue(run(10, "ip", "-n", "jclat-lan6", "-4", "route", "show", "default").output()
                .contains("dev clat"));

        Result status = run(30, "bin/jclat-lab", "status");
        assertEquals(0, status.code(), status.output());
        String legacy = hostBlock(status.output(), "jclat-lan");
        String mostly = hostBlock(status.output(), "jclat-lan6");
        assertTrue(legacy.contains("IPv4 uses:  the router's CLAT (jclat in jclat-cpe"), status.output());
        assertTrue(legacy.matches("(?s).*address by: DHCPv4 \\(bound 192\\.168\\.1\\.\\d+/24 router 192\\.168\\.1\\.1 lease \\d+ opt108 none\\).*"),
                status.output());
        assertTrue(mostly.contains("IPv4 uses:  its own host CLAT (jclat, TUN clat"), status.output());
        assertTrue(mostly.contains("prefix:     2001:db8:64::/96 from ra (fe80::"), status.output());
        assertTrue(!mostly.contains("router's CLAT") && !legacy.contains("host CLAT"), status.output());
        assertTrue(status.output().matches("(?s).*router jclat ipv6_mostly: \\{[^\\n]*\"announcing\": true.*"),
                status.output());

        // radvd's RAs (no PREF64) and the CPE jclat's (PREF64 only) alternate on the LAN; once the host CLAT
        // has its prefix, radvd's must not log a change of RA state each time (one line per real change).
        String hostLog = Files.readString(Path.of("/run/jclat-lab/jclat-lan6.log"));
        int learnt = hostLog.indexOf("RFC 8781 PREF64: PREF64 from");
        assertTrue(learnt >= 0, hostLog);
        assertTrue(!hostLog.substring(learnt).contains("without PREF64"), hostLog);

        Result down = run(120, "bin/jclat-lab", "down");
        assertEquals(0, down.code(), down.output());
        Result ns = run(10, "ip", "netns", "list");
        // Exactly the lab's names: other jclat tests' namespaces (jclat-bench-*) may exist meanwhile.
        assertTrue(!ns.output().matches("(?s)(.*\\n)?jclat-(lan|lan6|cpe|isp|inet)( .*)?(\\n.*)?"),
                "namespaces left: " + ns.output());
        assertTrue(!Files.exists(Path.of("/run/jclat-lab")), "lab state directory left behind");
        assertEquals("", labProcesses(), "processes of the lab left running (radvd, dnsmasq, jclat, udhcpc...)");
    }

    /** The lines of {@code status} about one LAN host, from its heading to the next host's or section's. */
    static String hostBlock(String status, String ns) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(ns) + " \\(.*?(?=^  \\S|^\\S|\\z)", Pattern.DOTALL)
                .matcher(status);
        assertTrue(m.find(), "no block for " + ns + " in: " + status);
        return m.group();
    }

    /** Command lines of processes that name the lab's state directory (every lab daemon does). */
    static String labProcesses() throws IOException {
        StringBuilder left = new StringBuilder();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs.filter(d -> d.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmd.contains("/run/jclat-lab/")) {
                        left.append(p.getFileName()).append(": ").append(cmd).append('\n');
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return left.toString();
    }
}
