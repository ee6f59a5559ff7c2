package net.jclat.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian package the build makes (target/jclat_all.deb), the way an administrator uses it: installed with
 * {@code apt-get install ./…}, its template unit accepted by {@code systemd-analyze verify}, the installed
 * {@code /usr/bin/jclat} running the lab under the unit's restrictions, and {@code apt-get remove} leaving
 * nothing but the configuration. systemd is not PID 1 on the test machines, so the unit's sandbox is imposed
 * by a stand-in (as-jclat-unit.sh: setpriv and a private mount namespace); its settings are checked to be the
 * unit's own below.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageIT {
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DEB = REPO.resolve("target/jclat_all.deb");
    private static final Path UNIT = Path.of("/lib/systemd/system/jclat@.service");
    private static final List<String> PAYLOAD = List.of("/usr/bin/jclat", "/usr/share/jclat/jclat.jar",
            "/lib/systemd/system/jclat@.service", "/usr/share/doc/jclat/running.md");
    private static final Path CONFIG = Path.of("/etc/jclat/example.conf");

    record Result(int code, String output) {
    }

    static Result run(int timeoutSeconds, Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result run(int timeoutSeconds, String... cmd) throws Exception {
        return run(timeoutSeconds, Map.of(), cmd);
    }

    static void assumeInstallable() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/apt-get"))
                && Files.exists(Path.of("/dev/net/tun")), "installing a .deb needs root on Debian");
        assumeTrue(Files.exists(DEB), "runs after mvn package");
    }

    @AfterAll
    static void purge() throws Exception {
        if ("root".equals(System.getProperty("user.name")) && Files.exists(DEB)) {
            run(120, "bin/jclat-lab", "down");
            run(300, "apt-get", "purge", "-y", "jclat");
        }
    }

    @Test
    @Order(1)
    void thePackageCarriesTheJarLauncherUnitAndConfigAndDependsOnAJava17Runtime() throws Exception {
        assumeTrue(Files.exists(DEB), "runs after mvn package");
        Result fields = run(30, "dpkg-deb", "-f", DEB.toString(), "Package", "Architecture", "Depends");
        assertEquals(0, fields.code(), fields.output());
        assertTrue(fields.output().contains("Package: jclat"), fields.output());
        assertTrue(fields.output().contains("Architecture: all"), fields.output());
        assertTrue(fields.output().matches("(?s).*Depends:.*java17-runtime-headless.*"), fields.output());
        Result contents = run(30, "dpkg-deb", "-c", DEB.toString());
        for (String file : PAYLOAD) {
            assertTrue(contents.output().contains("." + file), file + " missing:\n" + contents.output());
        }
        assertTrue(contents.output().matches("(?s).*-rwxr-xr-x root/root .* \\./usr/bin/jclat\n.*"), contents.output());
        Result conffiles = run(30, "sh", "-c", "dpkg-deb --ctrl-tarfile '" + DEB + "' | tar -xOf - ./conffiles");
        assertEquals(CONFIG + "\n", conffiles.output(), "the example config is a conffile: upgrades keep edits");
    }

    @Test
    @Order(2)
    void aptGetInstallsItAndSystemdAnalyzeVerifyAcceptsTheUnit() throws Exception {
        assumeInstallable();
        Result install = run(300, "apt-get", "install", "-y", DEB.toString());
        assertEquals(0, install.code(), install.output());
        for (String file : PAYLOAD) {
            assertTrue(Files.exists(Path.of(file)), file + " not installed");
        }
        Result version = run(60, "/usr/bin/jclat", "version");
        assertEquals(0, version.code(), version.output());
        assertTrue(version.output().startsWith("jclat "), version.output());

        // An instance name gives verify a concrete unit; it checks keys, values and ExecStart's program.
        Path dir = Files.createTempDirectory("jclat-unit");
        Path instance = dir.resolve("jclat@wan.service");
        Files.copy(UNIT, instance);
        Result verify = run(60, "systemd-analyze", "verify", instance.toString());
        assertEquals(0, verify.code(), verify.output());
        assertEquals("", verify.output().strip(), "systemd-analyze verify warned");
    }

    @Test
    @Order(3)
    void theUnitAsksForWhatTheSandboxStandInImposes() throws Exception {
        assumeInstallable();
        String unit = Files.readString(UNIT);
        for (String line : List.of("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_BPF CAP_PERFMON",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "StateDirectory=jclat", "CacheDirectory=jclat", "RuntimeDirectory=jclat",
                "ReadWritePaths=/proc/sys/net", "Environment=XDG_CACHE_HOME=/var/cache/jclat",
                "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "RestartPreventExitStatus=2",
                "StartLimitBurst=5", "ExecStart=/usr/bin/jclat run --config /etc/jclat/%i.conf --name %i")) {
            assertTrue(unit.lines().anyMatch(line::equals), "jclat@.service lacks " + line);
        }
    }

    @Test
    @Order(4)
    void theInstalledJclatRunsTheLabInsideTheUnitsSandbox() throws Exception {
        assumeInstallable();
        assumeTrue(Files.exists(UNIT), "runs after the install test");
        // Resources lose their mode when Maven copies them: run a copy marked executable.
        Path wrapper = Files.createTempDirectory("jclat-unit").resolve("as-jclat-unit.sh");
        Files.copy(REPO.resolve("src/test/resources/net/jclat/deb/as-jclat-unit.sh"), wrapper);
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = Files.createTempDirectory(Path.of("/run"), "jclat-lab-deb");
        Map<String, String> env = Map.of("JCLAT_LAB_NO_BUILD", "1", "JCLAT_LAB_JCLAT", wrapper.toString(),
                "JCLAT_LAB_STATE", state.toString(), "JCLAT_UNIT_RW", state.toString());
        try {
            Result up = run(600, env, "bin/jclat-lab", "up");
            assertEquals(0, up.code(), up.output());
            assertTrue(up.output().contains("Hello from 203.0.113.10"), up.output());
            assertTrue(up.output().matches("(?s).*sha256 \\S+ matches.*"), up.output());
            // The JVM runs the installed jar, not the checkout's.
            String pid = Files.readString(state.resolve("jclat.pid")).strip();
            Result cmdline = run(10, "sh", "-c", "tr '\\0' ' ' </proc/" + pid + "/cmdline");
            assertTrue(cmdline.output().contains("/usr/share/jclat/jclat.jar"), cmdline.output());
            Result down = run(120, env, "bin/jclat-lab", "down");
            assertEquals(0, down.code(), down.output());
        } finally {
            run(120, env, "bin/jclat-lab", "down");
        }
    }

    @Test
    @Order(5)
    void aptGetRemoveLeavesOnlyTheConfiguration() throws Exception {
        assumeInstallable();
        assumeTrue(Files.exists(UNIT), "runs after the install test");
        Files.createDirectories(Path.of("/var/lib/jclat"));
        Files.writeString(Path.of("/var/lib/jclat/jclat.jsa"), "an archive the launcher recorded");
        Result remove = run(300, "apt-get", "remove", "-y", "jclat");
        assertEquals(0, remove.code(), remove.output());
        for (String path : List.of("/usr/bin/jclat", "/usr/share/jclat", "/lib/systemd/system/jclat@.service",
                "/usr/share/doc/jclat", "/var/lib/jclat", "/var/cache/jclat", "/run/jclat")) {
            assertFalse(Files.exists(Path.of(path)), path + " left after apt-get remove");
        }
        assertTrue(Files.exists(CONFIG), "apt-get remove must keep the configuration");
        Result purge = run(300, "apt-get", "purge", "-y", "jclat");
        assertEquals(0, purge.code(), purge.output());
        assertFalse(Files.exists(Path.of("/etc/jclat")), "purge leaves /etc/jclat");
    }
}
