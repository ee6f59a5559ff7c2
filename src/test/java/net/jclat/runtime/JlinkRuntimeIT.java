package net.jclat.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.Unbound;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime jclat ships on OpenWrt, built with openwrt-package/lang/jclat-jre/build-jre.sh from this machine's
 * JDK (issue 6: at most 45 MB), and the shaded jar run on it the way a router runs it: {@code version},
 * {@code translate} byte-identical to the full JDK, {@code discover} against a real unbound, and
 * {@code run} in namespaces with and without Netty's native library. A module missing from the list fails
 * here as a NoClassDefFoundError.
 */
class JlinkRuntimeIT {
    static final long LIMIT_BYTES = 45L * 1024 * 1024;
    static final Path JAR = Path.of("target/jclat.jar");
    static final Path SAMPLE = Path.of("docs/examples/sample.pcap");
    static final String[] TRANSLATE = {"translate", "--pref64", "2001:db8:64::/96", "--clat-v4", "192.0.0.1",
        "--clat-v6", "2001:db8:1::c", "--in", SAMPLE.toString(), "--explain"};
    private static Path runtime;

    @BeforeAll
    static void buildRuntime() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        assumeTrue(Files.exists(jdk.resolve("jmods/java.base.jmod")), "needs a JDK with jmods (bin/jclat-setup)");
        runtime = Path.of("target/jclat-jre");
        if (Files.exists(runtime)) {
            try (Stream<Path> s = Files.walk(runtime)) {
                for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
        Netns.Result r = Netns.exec(300, "openwrt-package/lang/jclat-jre/build-jre.sh", jdk.toString(), runtime.toString());
        assertEquals(0, r.code(), r.output());
        System.out.print(r.output());
    }

    static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(runtime.resolve("bin/java").toString(), "-XX:+UseSerialGC",
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Netns.Result run(List<String> cmd) throws IOException {
        return Netns.exec(120, cmd.toArray(new String[0]));
    }

    @Test
    void theRuntimeIsAtMost45MegabytesAndHoldsOnlyTheListedModules() throws Exception {
        long size = sizeOf(runtime);
        System.out.printf("jlink runtime %s: %.1f MB (%d bytes)%n", runtime, size / 1048576.0, size);
        assertTrue(size <= LIMIT_BYTES, "runtime is " + size + " bytes, more than 45 MB");
        Netns.Result modules = run(List.of(runtime.resolve("bin/java").toString(), "--list-modules"));
        assertEquals(List.of("java.base", "java.logging", "jdk.net", "jdk.unsupported"),
                modules.output().lines().map(l -> l.replaceAll("@.*", "")).sorted().toList());
    }

    @Test
    void versionAndTranslateRunOnItAndTranslateMatchesTheFullJdkByteForByte() throws Exception {
        Netns.Result v = run(java("version"));
        assertEquals(0, v.code(), v.output());
        assertTrue(v.output().startsWith("jclat "), v.output());

        Path small = Files.createTempFile("jclat-jre", ".pcap");
        Path full = Files.createTempFile("jclat-jdk", ".pcap");
        try {
            List<String> onSmall = java(TRANSLATE);
            onSmall.addAll(List.of("--out", small.toString()));
            List<String> onFull = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", JAR.toString()));
            onFull.addAll(List.of(TRANSLATE));
            onFull.addAll(List.of("--out", full.toString()));
            Netns.Result a = run(onSmall);
            Netns.Result b = run(onFull);
            assertEquals(0, a.code(), a.output());
            assertEquals(b.output(), a.output());
            assertTrue(a.output().contains("12 packets in, 10 out"), a.output());
            assertArrayEquals(Files.readAllBytes(full), Files.readAllBytes(small));
        } finally {
            Files.deleteIfExists(small);
            Files.deleteIfExists(full);
        }
    }

    @Test
    void discoverFindsThePrefixFromARealUnbound() throws Exception {
        assumeTrue(Unbound.available(), "needs /usr/sbin/unbound");
        try (Unbound u = Unbound.start(List.of("local-zone: \"ipv4only.arpa.\" static",
                "local-data: \"ipv4only.arpa. 300 IN AAAA 2001:db8:64::c000:aa\""))) {
            Netns.Result r = run(java("discover", "--dns", "127.0.0.1:" + u.port, "--json"));
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("{\"prefixes\":[{\"prefix\":\"2001:db8:64::/96\",\"source\":\"dns\""),
                    r.output());
        }
    }

    /** {@code jclat run} on the small runtime; without Netty's native library as on musl, too. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"with Netty's native library", "without Netty's native library"})
    void runTranslatesPingsAndAnswersStatusThenStopsCleanly(String variant) throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        boolean noNative = variant.startsWith("without");
        try (CpeLab lab = CpeLab.build()) {
            List<String> launcher = new ArrayList<>(java());
            if (noNative) {
                launcher.add(1, "-Dio.netty.transport.noNative=true");
            }
            lab.launcher(launcher);
            lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--clat-v6", "2001:db8:100::c"));
            lab.awaitStatus("\"state\":\"running\"", 15);
            assertTrue(lab.statusJson().contains("\"tun_io\":\"" + (noNative ? "filechannel" : "netty") + "\""),
                    lab.statusJson());
            Netns.Result ping = lab.lanPing();
            assertEquals(0, ping.code(), ping.output() + lab.log());
            Netns.Result status = run(java("status", "--socket", lab.controlSocket().toString()));
            assertEquals(0, status.code(), status.output() + lab.log());
            assertTrue(status.output().contains("state:           running"), status.output());
            lab.stopDaemon(); // SIGTERM: the shutdown hook (and sun.misc.Signal for HUP) need jdk.unsupported
            assertTrue(!lab.log().contains("Exception"), lab.log());
        }
    }
}
