package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
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
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code jclat run} starting while its uplink has no usable link-local address: wan0 is up but has
 * no carrier (so no link-local address yet, as when a modem is still training), and when the carrier comes
 * the address goes through Duplicate Address Detection (not disabled: two probes). RFC 4862 §5.4 forbids
 * sending from a tentative address, so the kernel refuses the Router Solicitation until DAD is done; jclat
 * must send it then (RFC 4861 §6.3.7 lets the solicitation wait) instead of warning and giving up. The
 * provider side hears the RS with a raw socket (the same scapy helper as {@link RaListenerNamespaceTest}).
 */
class RouterSolicitationAfterDadNamespaceTest {
    private static final String PYTHON = "/usr/bin/python3";

    private CpeLab lab;
    private Process helper;
    private Writer helperIn;
    private final BlockingQueue<String> helperOut = new LinkedBlockingQueue<>();

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        assumeTrue(Files.isExecutable(Path.of(PYTHON))
                && Netns.exec(20, PYTHON, "-c", "import scapy.all").code() == 0, "needs python3-scapy");
        lab = CpeLab.build();
        // A fresh uplink: down and up again flushes its addresses; without carrier it gets no link-local yet.
        CpeLab.ip(lab.isp, "link", "set", "down0", "down");
        CpeLab.ip(lab.cpe, "link", "set", "wan0", "down");
        // accept_ra 0: the kernel sends no RS of its own, so every RS the provider hears is jclat's.
        Netns.in(lab.cpe, 5, "sysctl", "-qw", "net.ipv6.conf.wan0.accept_ra=0", "net.ipv6.conf.wan0.accept_dad=1",
                "net.ipv6.conf.wan0.dad_transmits=2");
        CpeLab.ip(lab.cpe, "link", "set", "wan0", "up");
        Path script = Path.of(getClass().getResource("ra_router.py").toURI());
        helper = new ProcessBuilder("ip", "netns", "exec", lab.isp, PYTHON, "-u", script.toString(), "down0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        helperIn = new OutputStreamWriter(helper.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(helper.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    helperOut.add(line);
                }
            } catch (java.io.IOException e) {
                helperOut.add("reader failed: " + e);
            }
        }, "rs-listener-reader");
        reader.setDaemon(true);
        reader.start();
        assertEquals("ready", helperOut.poll(20, TimeUnit.SECONDS), "the RS listener did not start");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (helper != null) {
            helper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * The case seen (issue 13 item 7): the uplink's only other address is IPv4, so the kernel has no IPv6
     * source at all and refused the RS with "Cannot assign requested address".
     */
    @Test
    void rfc4862Section5_4WithNoOtherIpv6AddressTheRsWaitsForTheLinkLocalAddress() throws Exception {
        CpeLab.ip(lab.cpe, "addr", "add", "100.64.0.2/24", "dev", "wan0");
        solicitationWaitsForDad();
    }

    /** With a global address the kernel would send the RS from it, into a link without carrier: lost. */
    @Test
    void rfc4862Section5_4WithAGlobalAddressTheRsStillWaitsForTheLinkLocalAddress() throws Exception {
        CpeLab.ip(lab.cpe, "-6", "addr", "add", "2001:db8:100::2/64", "dev", "wan0", "nodad");
        solicitationWaitsForDad();
    }

    private void solicitationWaitsForDad() throws Exception {
        lab.startDaemon(List.of("--pref64-source", "ra", "--clat-v6", "2001:db8:100::c"));
        assertTrue(lab.log().contains("Listening for Router Advertisements"), lab.log());
        assertFalse(Netns.in(lab.cpe, 5, "ip", "-6", "addr", "show", "dev", "wan0", "scope", "link").output()
                .contains("fe80"), "wan0 must have no link-local address before it has a carrier");

        CpeLab.ip(lab.isp, "link", "set", "down0", "up");
        String tentative = awaitLinkLocal();
        assertTrue(tentative.contains("tentative"), "DAD must be running on wan0: " + tentative);
        Matcher m = Pattern.compile("inet6 (fe80::[0-9a-f:]+)/64").matcher(tentative);
        assertTrue(m.find(), tentative);

        helperIn.write("{\"cmd\":\"rs\",\"from\":\"" + m.group(1) + "\",\"wait\":15}\n");
        helperIn.flush();
        String heard = helperOut.poll(25, TimeUnit.SECONDS);
        assertNotNull(heard, "no answer from the RS listener");
        assertEquals("rs 255", heard, "the provider should hear jclat's RS from " + m.group(1) + ":\n" + lab.log());
        lab.awaitLog("Router Solicitation sent on wan0 once its link-local address was usable", 5);
        assertFalse(lab.log().contains("Could not send a Router Solicitation"), lab.log());
        lab.stopDaemon();
    }

    /** wan0's link-local address line as soon as it exists (tentative while DAD runs). */
    private String awaitLinkLocal() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            String out = Netns.in(lab.cpe, 5, "ip", "-6", "addr", "show", "dev", "wan0", "scope", "link").output();
            if (out.contains("fe80")) {
                return out;
            }
            assertTrue(System.nanoTime() < deadline, "no link-local address on wan0 after the carrier came");
            Thread.sleep(20);
        }
    }
}
