package net.jclat.fastpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jclat.netlink.RtNetlink;
import net.jclat.netlink.TcBpfFilters;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.OwnThread;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.XlatConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fast path forwarding real traffic between namespaces, with nothing but the kernel programs to translate:
 *
 * <pre>
 *  lan 192.168.1.2 ── cpe: clat0 (a TUN no process reads) + uplink veth 2001:db8:1::2 ── isp 2001:db8:1::1
 *                                                                   server 2001:db8:64::93.184.216.34
 * </pre>
 * In prefix mode and in nat44 mode (NAT64 prefix 2001:db8:64::/96; the server is 93.184.216.34 to the LAN).
 * The TUN has no reader, so a packet the programs left on the TUN path would be lost: a reply proves both
 * directions were translated in the kernel, a 4 MB TCP transfer that arrives byte-exact proves it for
 * super-packets (veth offloads) and checksum offload too. Programs attach with TCX (Linux 6.6).
 */
class FastPathNamespaceTest {
    private interface C extends Library {
        C LIB = Native.load(Platform.C_LIBRARY_NAME, C.class);

        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int CLONE_NEWNET = 0x40000000;
    private static final String SERVER4 = "93.184.216.34";
    private static final String SERVER6 = "2001:db8:64::5db8:d822";
    private static final int BYTES = 4 << 20;
    private static final String CLAT6 = "2001:db8:c1a7::1";

    private Netns netns;
    private String lan;
    private String cpe;
    private String isp;
    private FastPathPrograms programs;
    private final List<TcxLink> links = new ArrayList<>();
    private Process server;

    @BeforeEach
    void build() throws IOException {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        netns = new Netns();
        lan = netns.add("fpl");
        cpe = netns.add("fpc");
        isp = netns.add("fpi");
        Netns.run("ip", "link", "add", "l0", "netns", lan, "type", "veth", "peer", "name", "c-lan", "netns", cpe);
        Netns.run("ip", "link", "add", "c-wan", "netns", cpe, "type", "veth", "peer", "name", "i0", "netns", isp);
        ip(lan, "addr", "add", "192.168.1.2/24", "dev", "l0");
        ip(lan, "link", "set", "l0", "up");
        ip(lan, "route", "add", "default", "via", "192.168.1.1");
        ip(cpe, "addr", "add", "192.168.1.1/24", "dev", "c-lan");
        ip(cpe, "link", "set", "c-lan", "up");
        ip(cpe, "tuntap", "add", "dev", "clat0", "mode", "tun");
        ip(cpe, "link", "set", "clat0", "up");
        ip(cpe, "route", "add", "default", "dev", "clat0");
        ip(cpe, "addr", "add", "2001:db8:1::2/64", "dev", "c-wan", "nodad");
        ip(cpe, "link", "set", "c-wan", "up");
        ip(cpe, "route", "add", "2001:db8:64::/96", "via", "2001:db8:1::1");
        Netns.in(cpe, 10, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        ip(isp, "addr", "add", "2001:db8:1::1/64", "dev", "i0", "nodad");
        ip(isp, "link", "set", "i0", "up");
        ip(isp, "addr", "add", SERVER6 + "/128", "dev", "lo");
        ip(isp, "route", "add", "2001:db8:aaaa::/96", "via", "2001:db8:1::2");
        ip(isp, "route", "add", CLAT6 + "/128", "via", "2001:db8:1::2");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.destroyForcibly();
        }
        links.forEach(TcxLink::close);
        if (programs != null) {
            programs.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    private static void ip(String ns, String... args) throws IOException {
        net.jclat.testsupport.CpeLab.ip(ns, args);
    }

    private static int ifindex(String ns, String dev) throws IOException {
        String out = Netns.run("ip", "-n", ns, "-o", "link", "show", "dev", dev);
        return Integer.parseInt(out.substring(0, out.indexOf(':')).strip());
    }

    /** Attaches the programs from a thread that has entered the CPE's namespace (ifindexes are per namespace). */
    private void attach(XlatConfig x) throws Throwable {
        assumeTrue(hasTcx(), "TCX needs Linux 6.6, this is " + System.getProperty("os.version")
                + " (the clsact test covers older kernels)");
        programs = load(x);
        FastPathPrograms p = programs;
        inCpe(() -> {
            links.add(TcxLink.attach(p.uplinkIngressFd(), ifindex(cpe, "c-wan"), true));
            links.add(TcxLink.attach(p.tunEgressFd(), ifindex(cpe, "clat0"), false));
        });
    }

    private static boolean hasTcx() {
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]);
        return major > 6 || major == 6 && Integer.parseInt(v[1]) >= 6;
    }

    private FastPathPrograms load(XlatConfig x) throws IOException {
        FastPathPrograms p = FastPathPrograms.load();
        p.configure(new FastPathConfig(x, ifindex(cpe, "clat0"), ifindex(cpe, "c-wan"), 1500, true, 0, 14, false));
        return p;
    }

    /** Runs the body on a thread that has entered the CPE's namespace (ifindexes and netlink are per namespace). */
    private void inCpe(OwnThread.Body body) throws Throwable {
        OwnThread.run(() -> {
            int fd = C.LIB.open("/run/netns/" + cpe, 0);
            try {
                C.LIB.setns(fd, CLONE_NEWNET);
            } finally {
                C.LIB.close(fd);
            }
            body.run();
        });
    }

    private void clsact(FastPathPrograms p) throws Throwable {
        inCpe(() -> {
            try (RtNetlink nl = new RtNetlink()) {
                TcBpfFilters tc = new TcBpfFilters(nl);
                tc.attach(ifindex(cpe, "c-wan"), true, p.uplinkIngressFd(), "jclat_up_in");
                tc.attach(ifindex(cpe, "clat0"), false, p.tunEgressFd(), "jclat_tun_eg");
            }
        });
    }

    private String filters() throws IOException {
        return Netns.run("ip", "netns", "exec", cpe, "tc", "filter", "show", "dev", "c-wan", "ingress")
                + Netns.run("ip", "netns", "exec", cpe, "tc", "filter", "show", "dev", "clat0", "egress");
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    /**
     * Kernels without TCX: clsact + cls_bpf through rtnetlink. The filters outlive the process, so a kill -9
     * (here: the program file descriptors closed without detaching) leaves them translating with the old
     * programs; the next start replaces them in place, and detaching removes them.
     */
    @Test
    void clsactFiltersAreReplacedAfterAKillAndRemovedOnDetach() throws Throwable {
        XlatConfig x = XlatConfig.builder().pref64("2001:db8:64::/96").pref64ForLocal(false)
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("192.168.1.0/24=2001:db8:aaaa::/96"))).build();
        FastPathPrograms first = load(x);
        clsact(first);
        first.close(); // as after kill -9: nothing detached
        assertEquals(2, count(filters(), "handle 0x1 jclat_"), filters());
        Netns.Result leftover = Netns.in(lan, 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", SERVER4);
        assertEquals(0, leftover.code(), "leftover filters still translate: " + leftover.output());

        programs = load(x); // the next start
        clsact(programs);
        String after = filters();
        assertEquals(2, count(after, "handle 0x1 jclat_"), "one filter per hook, the leftover replaced: " + after);
        assertEquals(2, count(after, "direct-action"), after);
        Netns.Result ping = Netns.in(lan, 20, "ping", "-c", "2", "-i", "0.2", "-W", "2", SERVER4);
        assertEquals(0, ping.code(), ping.output());
        assertTrue(programs.counters().get(FastPathCounters.DIR_6TO4, FastPathCounters.Slot.PACKETS) >= 2,
                "the new programs carry the traffic: " + programs.counters());

        inCpe(() -> {
            try (RtNetlink nl = new RtNetlink()) {
                TcBpfFilters tc = new TcBpfFilters(nl);
                assertTrue(tc.detach(ifindex(cpe, "c-wan"), true));
                assertTrue(tc.detach(ifindex(cpe, "clat0"), false));
                assertTrue(!tc.detach(ifindex(cpe, "clat0"), false), "nothing left to detach");
            }
        });
        assertEquals(0, count(filters(), "handle 0x1 jclat_"), filters());
        assertTrue(Netns.in(lan, 10, "ping", "-c", "1", "-W", "1", SERVER4).code() != 0,
                "without the programs nothing translates (the TUN has no reader)");
    }

    /** Prefix mode (RFC 6877 §6.3): the LAN's /24 embedded 1:1 in 2001:db8:aaaa::/96, no NAT44. */
    @Test
    void prefixMode() throws Throwable {
        attach(XlatConfig.builder().pref64("2001:db8:64::/96").pref64ForLocal(false)
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("192.168.1.0/24=2001:db8:aaaa::/96"))).build());
        pingAndTcpCrossTheCpe();
    }

    /**
     * nat44 mode: the CPE's nftables SNAT the LAN to the CLAT address 192.0.0.1 before the TUN; the replies,
     * redirected into the TUN's ingress, are un-NATed by conntrack as if jclat had written them to the TUN.
     */
    @Test
    void nat44ModeThroughConntrack() throws Throwable {
        Netns.Result nft = Netns.in(cpe, 10, "nft", "add table ip fpnat; add chain ip fpnat post "
                + "{ type nat hook postrouting priority 100; }; add rule ip fpnat post oifname clat0 snat to 192.0.0.1");
        assertEquals(0, nft.code(), nft.output());
        attach(XlatConfig.builder().pref64("2001:db8:64::/96").pref64ForLocal(false)
                .clat("192.0.0.1", CLAT6).build());
        pingAndTcpCrossTheCpe();
    }

    private void pingAndTcpCrossTheCpe() throws Throwable {
        Netns.Result ping = Netns.in(lan, 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", SERVER4);
        assertEquals(0, ping.code(), ping.output());
        FastPathCounters c = programs.counters();
        assertTrue(c.get(FastPathCounters.DIR_4TO6, FastPathCounters.Slot.PACKETS) >= 3, c.toString());
        assertTrue(c.get(FastPathCounters.DIR_6TO4, FastPathCounters.Slot.PACKETS) >= 3, c.toString());

        server = new ProcessBuilder("ip", "netns", "exec", isp, "python3", "-c",
                "import socket\n"
                        + "s = socket.socket(socket.AF_INET6)\n"
                        + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                        + "s.bind(('" + SERVER6 + "', 8080)); s.listen(1)\n"
                        + "c, _ = s.accept()\n"
                        + "c.sendall(bytes(range(256)) * " + BYTES / 256 + "); c.close()\n")
                .redirectErrorStream(true).start();
        Netns.Result fetch = null;
        for (int i = 0; i < 50; i++) { // until the server listens
            fetch = Netns.in(lan, 30, "python3", "-c",
                    "import socket, hashlib\n"
                            + "s = socket.create_connection(('" + SERVER4 + "', 8080), timeout=20)\n"
                            + "h = hashlib.sha256(); n = 0\n"
                            + "while True:\n"
                            + "    b = s.recv(65536)\n"
                            + "    if not b: break\n"
                            + "    h.update(b); n += len(b)\n"
                            + "print(n, h.hexdigest())\n");
            if (fetch.code() == 0 || !fetch.output().contains("refused")) {
                break;
            }
            Thread.sleep(100);
        }
        byte[] expected = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            expected[i] = (byte) i;
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
        assertEquals(BYTES + " " + sha, fetch.output().strip(), "what the LAN host received");
        FastPathCounters after = programs.counters();
        assertEquals(0, after.get(FastPathCounters.DIR_6TO4, FastPathCounters.Slot.SHOT_HELPER));
        assertEquals(0, after.get(FastPathCounters.DIR_4TO6, FastPathCounters.Slot.SHOT_HELPER));
        // veth hands TCP over as super-packets (TSO): the download came through the program as such.
        assertTrue(after.get(FastPathCounters.DIR_6TO4, FastPathCounters.Slot.SUPER_PACKETS) > 0, after.toString());
        System.out.println("namespace test counters: " + after);
    }
}
