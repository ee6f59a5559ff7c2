package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.Tayga;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a LAN gets from jclat under netifd, through the STAND-IN netifd of {@link NetifdStandIn}
 * (src/test/resources/openwrt-standin): the right IPv4 MTU on the routes netifd installs, proved by TCP both
 * ways through a real PLAT (Debian's TAYGA) that, like the provider's, does not clamp MSS; and jclat's
 * lines found in netifd's log ("IFACE (PID): LINE") by the filter docs/openwrt.md gives.
 */
class NetifdMtuAndLogStandInNamespaceTest {
    private static final String PREFIX = "2001:db8:64::/96";
    /** Python: waits until the server answers a HEAD request (small: fits any MTU). */
    private static final String WAIT_FOR_SERVER = "import urllib.request,hashlib,time\n"
            + "url='http://198.51.100.10:8080/blob'\n"
            + "for i in range(60):\n"
            + "    try: urllib.request.urlopen(urllib.request.Request(url,method='HEAD'),timeout=2).close(); break\n"
            + "    except Exception: time.sleep(0.25)\n";
    private CpeLab lab;
    private NetifdStandIn netifd;
    private Path plat;
    private Path files;
    private Process server;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        netifd = new NetifdStandIn(lab);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.destroyForcibly();
        }
        if (netifd != null) {
            netifd.close();
        }
        if (plat != null) {
            Tayga.stopAll(plat, "a");
        }
        if (lab != null) {
            lab.close();
        }
        if (files != null) {
            Netns.run("rm", "-rf", files.toString());
        }
    }

    private void setUp() throws Exception {
        netifd.handler("setup", "{\"tunlink\":\"wan6\",\"ip6addr\":\"2001:db8:100::c\",\"ip6prefix\":\"" + PREFIX
                + "\"}", "");
        netifd.awaitCalls("proto_close_data\nproto_send_update " + netifd.iface + "\n", 1);
    }

    @Test
    void theLanGetsTheIpv4MtuAndTcpGoesThroughAPlatThatDoesNotClampMssBothWays() throws Exception {
        // Provider: TAYGA translates the NAT64 prefix to a real IPv4 server; nothing on the path clamps MSS.
        String v4 = lab.addIpv4Server();
        CpeLab.ip(lab.isp, "-6", "route", "del", PREFIX);
        plat = Files.createTempDirectory("jclat-plat");
        Tayga.start(lab.isp, plat.resolve("a"), "plat64a", PREFIX, "100.64.1");
        setUp();

        // The route netifd installed says 1480 (uplink 1500 - 20): a LAN host's full-size packet is answered
        // by the router itself with Fragmentation Needed (RFC 1191), not sent into the TUN.
        String route = Netns.in(lab.cpe, 5, "ip", "route", "show", "default").output();
        assertTrue(route.contains("dev 464-" + netifd.iface + " ") && route.contains(" mtu 1480"), route);
        Netns.Result big = Netns.in(lab.lan, 20, "ping", "-n", "-c", "1", "-w", "5", "-M", "do", "-s", "1472",
                "198.51.100.10");
        assertTrue(big.output().contains("From 192.168.1.1") && big.output().contains("mtu = 1480"), big.output());

        files = Files.createTempDirectory("jclat-http");
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(13).nextBytes(data);
        Files.write(files.resolve("blob"), data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        String expected = data.length + " " + sha;
        String serve = "import http.server,hashlib\n"
                + "class H(http.server.BaseHTTPRequestHandler):\n"
                + "    def reply(self, body):\n"
                + "        self.send_response(200); self.send_header('Content-Length', str(len(body)))\n"
                + "        self.end_headers(); self.wfile.write(body)\n"
                + "    def do_HEAD(self):\n"
                + "        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()\n"
                + "    def do_GET(self):\n"
                + "        self.reply(open('" + files.resolve("blob") + "','rb').read())\n"
                + "    def do_PUT(self):\n"
                + "        d=self.rfile.read(int(self.headers['Content-Length']))\n"
                + "        self.reply(('%d %s' % (len(d), hashlib.sha256(d).hexdigest())).encode())\n"
                + "http.server.ThreadingHTTPServer(('198.51.100.10',8080),H).serve_forever()\n";
        server = new ProcessBuilder("ip", "netns", "exec", v4, "python3", "-c", serve).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

        // The router's own download from a server behind a PMTUD black hole (it drops Fragmentation Needed,
        // as many do): only the route's MTU makes the router's SYN ask for segments that fit (MSS 1440).
        Netns.Result hole = Netns.in(v4, 5, "nft", "add table ip hole; add chain ip hole in { type filter hook input"
                + " priority 0; }; add rule ip hole in icmp type destination-unreachable icmp code frag-needed drop");
        assertEquals(0, hole.code(), hole.output());
        Netns.Result own = Netns.in(lab.cpe, 90, "python3", "-c", WAIT_FOR_SERVER
                + "d=urllib.request.urlopen(url,timeout=20).read()\n"
                + "print(len(d), hashlib.sha256(d).hexdigest())\n");
        assertEquals(expected, own.output().strip(), own.output() + netifd.log());
        assertEquals(0, Netns.in(v4, 5, "nft", "delete table ip hole").code());

        // A LAN host, TCP both ways, byte-exact: 4 MiB down (GET) and up (PUT; the server answers its hash).
        String client = WAIT_FOR_SERVER
                + "d=urllib.request.urlopen(url,timeout=20).read()\n"
                + "print(len(d), hashlib.sha256(d).hexdigest())\n"
                + "up=open('" + files.resolve("blob") + "','rb').read()\n"
                + "r=urllib.request.Request(url,data=up,method='PUT')\n"
                + "print(urllib.request.urlopen(r,timeout=20).read().decode())\n";
        Netns.Result r = Netns.in(lab.lan, 120, "python3", "-c", client);
        assertEquals(expected + "\n" + expected, r.output().strip(), r.output() + netifd.log());
    }

    @Test
    void theDocumentedLogFilterFindsEveryLineJclatWritesUnderNetifd() throws Exception {
        setUp();
        netifd.handler("teardown", "{}", "");
        netifd.awaitExit();
        // docs/openwrt.md names the filter; logread -e takes a regular expression, as grep -E does.
        String docs = Files.readString(OpenWrtFiles.REPO.resolve("docs/openwrt.md"));
        Matcher m = Pattern.compile("`logread -e '?([^'`]+)'?`").matcher(docs);
        assertTrue(m.find(), "docs/openwrt.md gives a logread filter");
        Pattern filter = Pattern.compile(m.group(1));
        String pid = netifd.commandPid();
        List<String> jclat = netifd.log().lines().filter(l -> l.startsWith(netifd.iface + " (" + pid + "): ")).toList();
        assertTrue(jclat.size() >= 3, "jclat wrote to netifd's log: " + netifd.log());
        for (String line : jclat) {
            assertTrue(filter.matcher(line).find(), "'" + filter + "' finds " + line);
        }
        assertTrue(jclat.stream().anyMatch(l -> l.contains("jclat[" + netifd.iface + "] INFO stopping")), netifd.log());
    }
}
