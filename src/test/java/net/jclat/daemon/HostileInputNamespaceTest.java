package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.NativeIpv4Watch;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile IPv6 from the provider side, crafted with scapy and sent at the real daemon's uplink: the kernel
 * routes it into the TUN (it is addressed to the CLAT), and jclat must drop each packet under its reason,
 * translate none, and send nothing toward the LAN (an nftables counter on the LAN host's interface).
 * RFC 7756 §6 ingress filtering end to end.
 */
class HostileInputNamespaceTest {
    private static final String CLAT6 = "2001:db8:100::c";
    private static final int EACH = 5;
    private CpeLab lab;
    private NativeIpv4Watch lanWatch;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lanWatch != null) {
            lanWatch.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void spoofedAndMalformedIpv6FromTheProviderIsDroppedByReasonAndNothingReachesTheLan() throws Exception {
        lab.startDaemon(List.of("--mode", "nat44", "--pref64", "2001:db8:64::/96", "--clat-v6", CLAT6));
        lab.warmUp();
        Thread.sleep(1100); // the status file shows the warm-up's counters
        long translated = counter("translated_6to4");
        long notMapped = counter("source-not-mapped");
        long own = counter("own-address-source");
        long l4 = counter("l4-truncated");
        lanWatch = NativeIpv4Watch.on(lab.lan, "eth0");

        String mac = Netns.in(lab.cpe, 5, "cat", "/sys/class/net/wan0/address").output().strip();
        String script = "from scapy.all import Ether, IPv6, UDP, Raw, sendp\n"
                + "e = Ether(dst='" + mac + "')\n"
                + "pkts = []\n"
                // A native IPv6 host, not under the NAT64 prefix: it has no IPv4 form.
                + "pkts += [e / IPv6(src='2001:db8:200::2', dst='" + CLAT6 + "') / UDP(sport=53, dport=4000)"
                + " / Raw(b'spoof')] * " + EACH + "\n"
                // Under the prefix but embedding 192.0.0.1, jclat's own IPv4 address (RFC 7756 §6).
                + "pkts += [e / IPv6(src='2001:db8:64::c000:1', dst='" + CLAT6 + "') / UDP(sport=53, dport=4000)"
                + " / Raw(b'spoof')] * " + EACH + "\n"
                // A valid source, but 'UDP' of 4 bytes: shorter than a UDP header.
                + "pkts += [e / IPv6(src='2001:db8:64::c633:640a', dst='" + CLAT6 + "', nh=17)"
                + " / Raw(b'\\x00\\x35\\x0f\\xa0')] * " + EACH + "\n"
                + "sendp(pkts, iface='down0', verbose=False)\n";
        Netns.Result r = Netns.in(lab.isp, 30, "/usr/bin/python3", "-c", script);
        assertEquals(0, r.code(), r.output());

        lab.awaitStatus("\"l4-truncated\":" + (l4 + EACH), 5);
        lab.awaitStatus("\"own-address-source\":" + (own + EACH), 2);
        assertEquals(notMapped + EACH, counter("source-not-mapped"), lab.statusJson());
        assertEquals(translated, counter("translated_6to4"), "none translated: " + lab.statusJson());
        assertEquals(0, lanWatch.seen().ipv4(), "nothing reached the LAN host");
        assertTrue(lab.daemon().isAlive());
        lab.warmUp(); // and ordinary traffic still flows
        lab.stopDaemon();
    }

    /** A counter or drop reason from the status file (0 while a drop reason has not occurred). */
    private long counter(String name) throws IOException {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(lab.statusJson());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
