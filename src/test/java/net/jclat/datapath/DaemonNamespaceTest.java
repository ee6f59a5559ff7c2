package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jclat.testsupport.ByteExactDownload;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jclat run} as a real process in a CPE namespace, between an IPv4-only LAN host and an IPv6-only
 * provider router that leads to a server holding the synthesized address of 198.51.100.10. The provider
 * link to the server has a smaller MTU, so path MTU discovery across the translator can be seen.
 */
class DaemonNamespaceTest {
    private static final String SERVER6 = CpeLab.SERVER6;
    private CpeLab labNet;
    private String lan;
    private String cpe;
    private String isp;
    private String srv;
    private Process daemon;
    private Path status;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        labNet = CpeLab.build();
        lan = labNet.lan;
        cpe = labNet.cpe;
        isp = labNet.isp;
        srv = labNet.srv;
        status = labNet.status;
    }

    private static void ip(String ns, String... args) throws IOException {
        CpeLab.ip(ns, args);
    }

    /** Starts {@code jclat run} with the static prefix 2001:db8:64::/96 and these flags. */
    private void startDaemon(String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--pref64", "2001:db8:64::/96"));
        all.addAll(List.of(flags));
        daemon = labNet.startDaemon(all);
    }

    private String log() throws IOException {
        return labNet.log();
    }

    private void stopDaemon() throws Exception {
        labNet.stopDaemon();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (labNet != null) {
            labNet.close();
        }
    }

    private Netns.Result lanPing(String... args) throws IOException {
        return labNet.lanPing(args);
    }

    private void warmUp() throws IOException {
        labNet.warmUp();
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(strings = {"on", "off"})
    void nat44ModeWithAutoAddressPingsAndRemovesEverythingOnSigterm(String offload) throws Exception {
        startDaemon("--mode", "nat44", "--clat-v6", "auto", "--offload", offload);
        Netns.Result r = lanPing();
        assertEquals(0, r.code(), r.output() + log());
        String json = Files.readString(status);
        assertTrue(json.contains("\"mode\":\"nat44\"") && json.contains("\"clat_ipv6\":\"2001:db8:100:"), json);
        stopDaemon();
        assertFalse(Files.exists(status), "status file removed");
        assertFalse(Netns.in(cpe, 5, "ip", "link", "show", "clat").code() == 0, "TUN removed");
        assertEquals("", Netns.in(cpe, 5, "ip", "-6", "neigh", "show", "proxy").output().strip(), "proxy NDP removed");
        assertFalse(Netns.in(cpe, 5, "nft", "list", "tables").output().contains("jclat"), "nft table removed");
        assertFalse(Netns.in(cpe, 5, "ip", "route").output().contains("proto 190"), "IPv4 routes removed");
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(strings = {"on", "off"})
    void hopLimitExpiringInTheProviderReturnsTimeExceededToTheLanHost(String offload) throws Exception {
        startDaemon("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--offload", offload);
        // TTL 3: LAN host→CPE (2), CPE→TUN→jclat (1 after translation), expires at the provider router,
        // whose ICMPv6 error is sourced from an address outside the prefix: RFC 6791 pool, 192.0.0.8.
        warmUp();
        Netns.Result r = lanPing("-t", "3", "-i", "1.1");
        assertTrue(r.output().contains("From 192.0.0.8") && r.output().contains("Time to live exceeded"),
                r.output() + log());
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(strings = {"on", "off"})
    void dfPacketTooBigForTheProviderPathReturnsFragmentationNeededWithTheIpv4Mtu(String offload) throws Exception {
        startDaemon("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--offload", offload);
        // 1400 bytes of ICMP payload: IPv4 1428, IPv6 1448 > the provider's 1400-byte link. Its ICMPv6
        // Packet Too Big (MTU 1400) comes back as Fragmentation Needed with MTU 1400 - 20 = 1380.
        warmUp();
        Netns.Result r = lanPing("-M", "do", "-s", "1400", "-i", "1.1");
        assertTrue(r.output().contains("mtu = 1380") || r.output().contains("mtu=1380"), r.output() + log());
    }

    @Test
    void prefixModeTranslatesTheLanSubnetWithoutNat() throws Exception {
        ip(isp, "-6", "route", "replace", "2001:db8:50::/64", "via", "2001:db8:100::2");
        startDaemon("--mode", "prefix", "--map", "192.168.1.0/24=2001:db8:50::/96");
        Netns.Result r = lanPing();
        assertEquals(0, r.code(), r.output() + log());
        assertFalse(Netns.in(cpe, 5, "nft", "list", "tables").output().contains("jclat"), "no NAT44 in prefix mode");
        // The server saw the LAN host's own address embedded in the dedicated prefix.
        String neigh = Netns.in(srv, 5, "ip", "-6", "route", "get", "2001:db8:50::c0a8:102").output();
        assertTrue(neigh.contains("2001:db8:50::c0a8:102"), neigh);
    }

    @Test
    void siitModeMapsTheServerByEamAndTheLanByTheNat64Prefix() throws Exception {
        // SIIT (RFC 7756 edge relay): the IPv4 side is represented under the NAT64 prefix, the IPv6 server
        // by an explicit address mapping; the provider routes the IPv4 side's prefix back to the CPE.
        ip(isp, "-6", "route", "add", "2001:db8:64::c0a8:100/120", "via", "2001:db8:100::2");
        startDaemon("--mode", "siit", "--eam", "198.51.100.10/32=2001:db8:200::2/128", "--route-v4",
                "192.0.2.0/24");
        Netns.Result r = lanPing();
        assertEquals(0, r.code(), r.output() + log());
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(strings = {"on", "off"})
    void tenMebibyteHttpDownloadArrivesByteExact(String offload) throws Exception {
        startDaemon("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--offload", offload);
        try (ByteExactDownload download = ByteExactDownload.serve(srv, SERVER6, 7)) {
            warmUp();
            download.assertArrivesByteExact(lan, "198.51.100.10", this::log);
            if (offload.equals("on")) {
                // The download came through as 64 KiB super-packets translated whole (status file, each second).
                labNet.awaitStatus("\"offloads\":\"csum tso4 tso6", 3);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (gsoTranslatedWhole() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertTrue(gsoTranslatedWhole() > 0, labNet.statusJson());
            }
        }
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(strings = {"on", "off"})
    void udpDatagramOf4000BytesArrivesIntact(String offload) throws Exception {
        startDaemon("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--offload", offload);
        labNet.assertLargeUdpDatagramEchoes();
    }

    private long gsoTranslatedWhole() throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"gso_translated_whole\":(\\d+)")
                .matcher(labNet.statusJson());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void restartAfterKillNineClearsTheLeftoversAndWorks() throws Exception {
        startDaemon("--mode", "nat44", "--clat-v6", "2001:db8:100::c");
        Netns.run("kill", "-KILL", Long.toString(daemon.pid()));
        assertTrue(daemon.waitFor(5, TimeUnit.SECONDS));
        assertTrue(Netns.in(cpe, 5, "nft", "list", "tables").output().contains("jclat"), "kill -9 left the table");
        Files.deleteIfExists(status);
        startDaemon("--mode", "nat44", "--clat-v6", "2001:db8:100::c");
        Netns.Result r = lanPing();
        assertEquals(0, r.code(), r.output() + log());
        stopDaemon();
        assertFalse(Netns.in(cpe, 5, "nft", "list", "tables").output().contains("jclat"), "nft table removed");
        assertEquals("", Netns.in(cpe, 5, "ip", "-6", "neigh", "show", "proxy").output().strip());
    }

    @Test
    void missingUplinkFailsWithExitCodeOneAndOneClearLine() throws Exception {
        Netns.Result r = Netns.in(cpe, 20, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "net.jclat.cli.Main", "run", "--uplink", "nosuch0",
                "--pref64", "2001:db8:64::/96", "--clat-v6", "2001:db8:100::c", "--status-file", status.toString());
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("ERROR cannot start: uplink nosuch0 does not exist"), r.output());
        assertFalse(Netns.in(cpe, 5, "ip", "link", "show", "clat").code() == 0, "no TUN left behind");
    }

    @Test
    void logLinesReachASyslogReceiver() throws Exception {
        String receiver = "import socket\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "s.bind(('127.0.0.1',5514))\n"
                + "s.settimeout(20)\n"
                + "while True:\n"
                + "    d=s.recv(4096).decode()\n"
                + "    if 'translating on' in d:\n"
                + "        print(d.strip()); break\n";
        Process p = new ProcessBuilder("ip", "netns", "exec", cpe, "python3", "-c", receiver).start();
        try {
            Thread.sleep(300);
            startDaemon("--mode", "nat44", "--clat-v6", "2001:db8:100::c", "--syslog", "127.0.0.1:5514");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "no syslog line arrived: " + log());
            String line = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            // RFC 5424: <PRI> with facility daemon (3) and severity info (6) = 30.
            assertTrue(line.startsWith("<30>") && line.contains("jclat: translating on clat"), line);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badConfigFileLineIsNamedAndExitCodeIsTwo() throws Exception {
        Path conf = Files.createTempFile("jclat", ".conf");
        try {
            Files.writeString(conf, "uplink wan0\n# comment\nworkers many\n");
            Netns.Result r = Netns.exec(20, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "net.jclat.cli.Main", "run", "--config",
                    conf.toString());
            assertEquals(2, r.code(), r.output());
            assertTrue(r.output().contains(conf + ":3: workers must be a whole number"), r.output());
        } finally {
            Files.delete(conf);
        }
    }
}
