package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.Netns;
import net.jclat.xlat.Pref64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real Router Advertisements, sent by scapy from a router namespace over a veth whose other end stays in the
 * root namespace, where the JVM (and so the RaListener) runs. The root-side end has a per-run name, does not
 * accept RAs (so the kernel installs no route from them) and is deleted afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RaListenerNamespaceTest {
    private static final String PYTHON = "/usr/bin/python3"; // Debian's, which has python3-scapy
    private static final String ROUTER = "fe80::1";

    private Netns net;
    private String rtr;
    private String hostIf;
    private String hostLinkLocal;
    private Process helper;
    private Writer helperIn;
    private final BlockingQueue<String> helperOut = new LinkedBlockingQueue<>();
    private Path helperErr;

    private RaListener listener;
    private final BlockingQueue<RaEvent> events = new LinkedBlockingQueue<>();

    @BeforeAll
    void link() throws Exception {
        assumeTrue(Netns.available(), "needs root and iproute2");
        assumeTrue(Files.isExecutable(Path.of(PYTHON))
                && Netns.exec(20, PYTHON, "-c", "import scapy.all").code() == 0, "needs python3-scapy");
        net = new Netns();
        rtr = net.add("r");
        hostIf = "jcra" + net.suffix;
        String peer = "jcrp" + net.suffix;
        Netns.run("ip", "link", "add", hostIf, "type", "veth", "peer", "name", peer);
        // No DAD, so the link-local address is usable at once; no RA processing, so the test RAs (router
        // lifetime included) change nothing in the root namespace's routing.
        sysctl(hostIf, "accept_ra", "0");
        sysctl(hostIf, "accept_dad", "0");
        Netns.run("ip", "link", "set", peer, "netns", rtr, "name", "eth0");
        // A router forwards, and so joins all-routers (ff02::2), where the listener's RS goes.
        Netns.run("ip", "netns", "exec", rtr, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1",
                "net.ipv6.conf.eth0.accept_dad=0");
        Netns.run("ip", "-n", rtr, "link", "set", "eth0", "up");
        Netns.run("ip", "link", "set", hostIf, "up");
        hostLinkLocal = awaitLinkLocal(hostIf);
        startHelper();
    }

    private static void sysctl(String dev, String key, String value) throws IOException {
        Netns.run("sysctl", "-qw", "net.ipv6.conf." + dev + "." + key + "=" + value);
    }

    private static String awaitLinkLocal(String dev) throws Exception {
        Pattern p = Pattern.compile("inet6 (fe80::[0-9a-f:]+)/64");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Matcher m = p.matcher(Netns.run("ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "link"));
            if (m.find()) {
                return m.group(1);
            }
            assertTrue(System.nanoTime() < deadline, "no link-local address on " + dev);
            Thread.sleep(50);
        }
    }

    private void startHelper() throws Exception {
        Path script = Path.of(getClass().getResource("ra_router.py").toURI());
        helperErr = Files.createTempFile("ra_router", ".err");
        helper = new ProcessBuilder("ip", "netns", "exec", rtr, PYTHON, "-u", script.toString(), "eth0")
                .redirectError(helperErr.toFile()).start();
        helperIn = new java.io.OutputStreamWriter(helper.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(helper.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    helperOut.add(line);
                }
            } catch (IOException e) {
                helperOut.add("reader failed: " + e);
            }
        }, "ra-router-reader");
        reader.setDaemon(true);
        reader.start();
        assertEquals("ready", answer(10), "the scapy router did not start");
    }

    private String answer(int seconds) throws Exception {
        String line = helperOut.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(line, "no answer from the scapy router; its stderr: " + Files.readString(helperErr));
        return line;
    }

    private String command(String json) throws Exception {
        helperIn.write(json + "\n");
        helperIn.flush();
        return answer(10);
    }

    /** Sends one RA from the router namespace; {@code pref64} entries are {@code [scaled, plc, "prefix"]}. */
    private void sendRa(String src, int hopLimit, int routerLifetime, String pref64, String rawHex) throws Exception {
        assertEquals("sent", command("{\"cmd\":\"ra\",\"src\":\"" + src + "\",\"hlim\":" + hopLimit
                + ",\"lifetime\":" + routerLifetime + ",\"pref64\":[" + pref64 + "],\"raw\":\"" + rawHex + "\"}"));
    }

    private void sendRa(int routerLifetime, String pref64) throws Exception {
        sendRa(ROUTER, 255, routerLifetime, pref64, "");
    }

    private void startListener() throws IOException {
        listener = RaListener.start(hostIf, events::add);
    }

    private RaEvent nextEvent() throws InterruptedException {
        RaEvent e = events.poll(3, TimeUnit.SECONDS);
        assertNotNull(e, "no RA reported within 3 s; drops: " + listener.drops());
        return e;
    }

    @AfterEach
    void stopListener() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        events.clear();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (helper != null) {
            helper.destroy();
            if (!helper.waitFor(3, TimeUnit.SECONDS)) {
                helper.destroyForcibly();
            }
        }
        if (hostIf != null) {
            Netns.exec(10, "ip", "link", "del", hostIf);
        }
        if (net != null) {
            net.close();
        }
        if (helperErr != null) {
            Files.deleteIfExists(helperErr);
        }
    }

    @Test
    void announcedPrefixIsReportedWithItsLengthLifetimeAndRouter() throws Exception {
        startListener();
        sendRa(1800, "[225, 1, \"2001:db8:1:2::\"]");
        RaEvent e = nextEvent();
        assertEquals(ROUTER, e.router());
        assertEquals(1800, e.routerLifetime());
        assertEquals(List.of(new DiscoveredPrefix(Pref64.parse("2001:db8:1:2::/64"), PrefixSource.RA, 1800, ROUTER)),
                e.prefixes());
        assertTrue(e.receivedAtNanos() <= System.nanoTime());
        assertEquals(1, listener.accepted());
    }

    @Test
    void aChangedPrefixArrivesInTheNextRa() throws Exception {
        startListener();
        sendRa(600, "[225, 0, \"2001:db8:64::\"]");
        sendRa(600, "[8191, 3, \"2001:db8:65::\"]");
        assertEquals(Pref64.parse("2001:db8:64::/96"), nextEvent().prefixes().get(0).prefix());
        DiscoveredPrefix changed = nextEvent().prefixes().get(0);
        assertEquals(Pref64.parse("2001:db8:65::/48"), changed.prefix());
        assertEquals(65528, changed.lifetimeSeconds());
    }

    @Test
    void rfc8781WithdrawalIsReportedWithLifetimeZero() throws Exception {
        startListener();
        // Graceful renumbering (RFC 8781 §5): the old prefix with lifetime 0 next to the new one.
        sendRa(1800, "[0, 0, \"2001:db8:64::\"], [225, 0, \"2001:db8:66::\"]");
        RaEvent e = nextEvent();
        assertEquals(2, e.prefixes().size(), e.toString());
        assertEquals(List.of(Pref64.parse("2001:db8:64::/96")),
                e.withdrawn().stream().map(DiscoveredPrefix::prefix).toList());
        assertEquals(0, e.withdrawn().get(0).lifetimeSeconds());
        assertEquals(List.of(Pref64.parse("2001:db8:66::/96")),
                e.usable().stream().map(DiscoveredPrefix::prefix).toList());
    }

    @Test
    void raWithoutPref64IsReportedWithNoPrefixes() throws Exception {
        startListener();
        sendRa(ROUTER, 255, 1200, "", "0501000000000514"); // only an MTU option (1300)
        RaEvent e = nextEvent();
        assertFalse(e.hasPref64());
        assertEquals(List.of(), e.prefixes());
        assertEquals(1200, e.routerLifetime());
    }

    @Test
    void rfc4861Section6_1_2HopLimitOtherThan255IsDroppedAndCounted() throws Exception {
        startListener();
        sendRa(ROUTER, 64, 1800, "[225, 0, \"2001:db8:bad::\"]", "");
        sendRa("fe80::99", 255, 1800, "[225, 0, \"2001:db8:600d::\"]", ""); // marker: arrives after the bad one
        RaEvent e = nextEvent();
        assertEquals("fe80::99", e.router(), "the RA with hop limit 64 must not be reported");
        assertEquals(1, listener.dropped(RaListener.Drop.HOP_LIMIT), listener.drops().toString());
        assertNull(events.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void rfc4861Section6_1_2NonLinkLocalSourceIsDroppedAndCounted() throws Exception {
        startListener();
        sendRa("2001:db8::1", 255, 1800, "[225, 0, \"2001:db8:bad::\"]", "");
        sendRa("fe80::99", 255, 1800, "[225, 0, \"2001:db8:600d::\"]", "");
        RaEvent e = nextEvent();
        assertEquals("fe80::99", e.router(), "the RA from a global address must not be reported");
        assertEquals(1, listener.dropped(RaListener.Drop.NOT_LINK_LOCAL), listener.drops().toString());
        assertNull(events.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void rfc4861Section6_1_2RaWithAZeroLengthOptionIsDroppedAsMalformed() throws Exception {
        startListener();
        sendRa(ROUTER, 255, 1800, "[225, 0, \"2001:db8:bad::\"]", "0500000000000514");
        sendRa("fe80::99", 255, 1800, "", "");
        assertEquals("fe80::99", nextEvent().router());
        assertEquals(1, listener.dropped(RaListener.Drop.MALFORMED), listener.drops().toString());
    }

    @Test
    void rfc4861Section6_3_7RouterSolicitationIsSentAtStartWithHopLimit255() throws Exception {
        assertTrue(command("{\"cmd\":\"flush\"}").startsWith("flushed"));
        startListener();
        assertTrue(listener.solicited());
        assertEquals("rs 255", command("{\"cmd\":\"rs\",\"from\":\"" + hostLinkLocal + "\",\"wait\":3}"),
                "the router namespace should hear one RS from " + hostLinkLocal + " with hop limit 255");
    }

    @Test
    void closeStopsTheDaemonThreadWithinOneSecond() throws Exception {
        startListener();
        Thread t = Thread.getAllStackTraces().keySet().stream()
                .filter(x -> x.getName().equals("ra-listener-" + hostIf)).findFirst().orElseThrow();
        assertTrue(t.isDaemon(), "must not keep the JVM alive");
        assertTrue(listener.isRunning());
        long start = System.nanoTime();
        listener.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(listener.isRunning());
        assertFalse(t.isAlive());
        assertTrue(millis < 1000, "close took " + millis + " ms");
        // closed means deaf: an RA sent now reaches nobody
        sendRa(1800, "[225, 0, \"2001:db8:64::\"]");
        assertNull(events.poll(500, TimeUnit.MILLISECONDS));
        listener.close(); // idempotent
    }
}
