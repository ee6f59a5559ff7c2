package net.jclat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jclat.testsupport.Netns;
import net.jclat.testsupport.RouterAdvertisements;
import net.jclat.testsupport.Unbound;
import org.junit.jupiter.api.Test;

/**
 * {@code jclat discover} against a real unbound on 127.0.0.1 (and, with {@code --uplink}, a real Router
 * Advertisement sent with scapy): output, JSON and exit codes 0 / 3 / 2.
 */
class DiscoverCommandTest {
    private record Run(int code, String out, String err) {
    }

    private static Run discover(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "discover";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void foundPrefixIsPrintedAsJsonAndNothingElseWithExitZero() throws Exception {
        assumeTrue(Unbound.available(), "needs /usr/sbin/unbound");
        try (Unbound u = Unbound.start(List.of("local-zone: \"ipv4only.arpa.\" static",
                "local-data: \"ipv4only.arpa. 300 IN AAAA 2001:db8:64::c000:aa\""))) {
            Run r = discover("--dns", "127.0.0.1:" + u.port, "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals("{\"prefixes\":[{\"prefix\":\"2001:db8:64::/96\",\"source\":\"dns\",\"ttl\":300}]}\n",
                    r.out());
        }
    }

    @Test
    void twoPrefixesAreListedInAnswerOrderWithLengthAndLifetime() throws Exception {
        assumeTrue(Unbound.available(), "needs /usr/sbin/unbound");
        // 2001:db8:1:c000:0:aa00:: is 192.0.0.170 under the /48 2001:db8:1::/48 (u octet skipped).
        try (Unbound u = Unbound.start(List.of("local-zone: \"ipv4only.arpa.\" static",
                "local-data: \"ipv4only.arpa. 60 IN AAAA 2001:db8:64::c000:aa\"",
                "local-data: \"ipv4only.arpa. 60 IN AAAA 2001:db8:1:c000:0:aa00::\""))) {
            Run r = discover("--dns", "127.0.0.1:" + u.port);
            assertEquals(0, r.code(), r.err());
            String[] lines = r.out().strip().split("\n");
            assertEquals(2, lines.length, r.out());
            assertTrue(lines[0].startsWith("2001:db8:64::/96  source dns  length 96  lifetime 60 s"), r.out());
            assertTrue(lines[1].startsWith("2001:db8:1::/48  source dns  length 48  lifetime 60 s"), r.out());
        }
    }

    @Test
    void nxdomainMeansNoNat64WithExitThree() throws Exception {
        assumeTrue(Unbound.available(), "needs /usr/sbin/unbound");
        try (Unbound u = Unbound.start(List.of("local-zone: \"ipv4only.arpa.\" static"))) {
            Run r = discover("--dns", "127.0.0.1:" + u.port, "--json");
            assertEquals(3, r.code(), r.err());
            assertEquals("{\"prefixes\":[]}\n", r.out());
            assertTrue(r.err().contains("no NAT64 on this network"), r.err());
        }
    }

    @Test
    void aSilentServerIsAnErrorWithExitTwoNotNoNat64() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Run r = discover("--dns", "127.0.0.1:" + silent.getLocalPort(), "--timeout", "0.3");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("no NAT64 prefix found: DNS: no answer"), r.err());
        }
    }

    @Test
    void withUplinkARouterAdvertisementPrefixIsFoundBesideDns() throws Exception {
        assumeTrue(Netns.available() && Unbound.available(), "needs root, iproute2 and unbound");
        // One veth end in this namespace (jclat listens there), the other in a router namespace (scapy).
        try (Netns net = new Netns(); Unbound u = Unbound.start(List.of("local-zone: \"ipv4only.arpa.\" static",
                "local-data: \"ipv4only.arpa. 300 IN AAAA 2001:db8:64::c000:aa\""))) {
            String rtr = net.add("r");
            String uplink = "jd" + net.suffix;
            Netns.run("ip", "link", "add", uplink, "type", "veth", "peer", "name", "jr" + net.suffix);
            try {
                Netns.run("ip", "link", "set", "jr" + net.suffix, "netns", rtr, "name", "eth0");
                Netns.run("sysctl", "-qw", "net.ipv6.conf." + uplink + ".accept_ra=0",
                        "net.ipv6.conf." + uplink + ".accept_dad=0");
                Netns.run("ip", "link", "set", uplink, "up");
                Netns.run("ip", "-n", rtr, "link", "set", "eth0", "up");
                Thread.sleep(300);
                ExecutorService pool = Executors.newSingleThreadExecutor();
                try {
                    Future<Run> run = pool.submit(() -> discover("--dns", "127.0.0.1:" + u.port, "--uplink", uplink,
                            "--ra-wait", "5", "--json")); // scapy starts slowly on a busy machine
                    Thread.sleep(700);
                    // PREF64 for 2001:db8:aa::/64 (PLC 1), 1800 s.
                    RouterAdvertisements.sendPref64(rtr, "eth0", "2001:db8:aa::/64", 1, 1800);
                    Run r = run.get(20, TimeUnit.SECONDS);
                    assertEquals(0, r.code(), r.err());
                    assertEquals("{\"prefixes\":[{\"prefix\":\"2001:db8:aa::/64\",\"source\":\"ra\",\"ttl\":1800},"
                            + "{\"prefix\":\"2001:db8:64::/96\",\"source\":\"dns\",\"ttl\":300}]}\n", r.out());
                } finally {
                    pool.shutdownNow();
                }
            } finally {
                Netns.exec(10, "ip", "link", "del", uplink);
            }
        }
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        assertEquals(2, discover("--ra-wait", "2").code());
        assertEquals(2, discover("--timeout", "soon").code());
        Run r = discover("--dns", "not an address");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("jclat: --dns: "), r.err());
    }
}
