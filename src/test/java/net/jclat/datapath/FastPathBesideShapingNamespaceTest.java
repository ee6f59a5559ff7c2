package net.jclat.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fast path beside ingress shaping on the uplink, set up the way SQM (sqm-scripts) does it on OpenWrt: an
 * {@code ingress} qdisc on the uplink whose filter redirects every packet to an ifb device, where the shaper
 * runs; the ifb hands each packet back to the uplink's receive path, past tc. The commands are sqm-scripts' own
 * (a u32 match-all filter with the {@code mirred} action, a real ifb); only the shaper on the ifb is left out.
 * The shaping must see every downstream packet — native IPv6 and what jclat translates — with the fast path
 * attached by TCX (which runs before classic filters) and by a classic filter (kernels before 6.6), and the
 * CLAT must keep working; the kernel still translates the replies, after the shaper (tun_egress6, once they are
 * routed into the TUN), and once the shaping is gone, at the uplink's ingress again.
 */
class FastPathBesideShapingNamespaceTest {
    private CpeLab lab;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build();
        CpeLab.ip(lab.cpe, "link", "add", "ifb0", "type", "ifb");
        CpeLab.ip(lab.cpe, "link", "set", "ifb0", "up");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void withTcxShapingSeesEveryDownstreamPacketAndTheClatStillWorks() throws Exception {
        startDaemon("tcx");
        lab.warmUp();
        sqmStarts();
        shapingSeesDownstreamAndTheKernelTranslatesAfterIt();
        sqmStops();
        downstreamTakesTheFastPathAgain();
    }

    @Test
    void withAClassicFilterSqmCanReplaceTheQdiscAndShapingSeesEveryDownstreamPacket() throws Exception {
        lab.jvmOptions("-Djclat.fastpath.hook=clsact");
        startDaemon("clsact");
        lab.warmUp();
        sqmStarts(); // its qdisc delete takes jclat's filter with it; the watchdog puts it back, behind SQM's
        lab.awaitLog("put the fast path filter back", 4);
        String filters = tc("filter", "show", "dev", "wan0", "ingress");
        assertTrue(filters.contains("pref 10 ") && filters.contains("jclat_up_in"), filters);
        shapingSeesDownstreamAndTheKernelTranslatesAfterIt();
        sqmStops(); // deletes the qdisc again: jclat adds one of its own and its filter
        downstreamTakesTheFastPathAgain();
        lab.stopDaemon();
        String qdiscs = tc("qdisc", "show", "dev", "wan0");
        assertTrue(!qdiscs.contains("ingress"), "jclat takes the qdisc it added away on stop: " + qdiscs);
    }

    /**
     * A tool that wants clsact's egress (qosify attaches its classifier under parent ffff:fff3) started after a
     * jclat that had to add the uplink's qdisc itself (kernels before 6.6): the kernel files that filter in the
     * ingress block of jclat's {@code ingress} qdisc, where it runs on incoming packets. jclat cannot move it;
     * it says so once.
     */
    @Test
    void withAClassicFilterAnEgressFilterUnderItsIngressQdiscIsReported() throws Exception {
        lab.jvmOptions("-Djclat.fastpath.hook=clsact");
        startDaemon("clsact");
        // What qosify runs first; it fails (jclat's qdisc holds ffff:), and qosify goes on.
        assertTrue(Netns.in(lab.cpe, 5, "tc", "qdisc", "add", "dev", "wan0", "clsact").code() != 0);
        tcOk("filter", "add", "dev", "wan0", "egress", "prio", "272", "protocol", "all", "u32", "match", "u32", "0",
                "0", "flowid", "1:1");
        lab.awaitLog("sits under the ingress qdisc jclat added", 4);
    }

    /** A nat44 CLAT with {@code --fast-path on}, translating through {@code hook}. */
    private void startDaemon(String hook) throws Exception {
        lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--mode", "nat44", "--clat-v6", "2001:db8:100::c",
                "--fast-path", "on"));
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\",\"reason\":\"\",\"hook\":\"" + hook + "\"", 3);
    }

    /** What sqm-scripts runs for the ingress side (piece_of_cake.qos, layer_cake.qos): each step must succeed. */
    private void sqmStarts() throws IOException {
        Netns.in(lab.cpe, 5, "tc", "qdisc", "del", "dev", "wan0", "handle", "ffff:", "ingress"); // may fail: none yet
        tcOk("qdisc", "add", "dev", "wan0", "handle", "ffff:", "ingress");
        tcOk("filter", "add", "dev", "wan0", "parent", "ffff:", "protocol", "all", "prio", "10", "u32", "match", "u32",
                "0", "0", "flowid", "1:1", "action", "mirred", "egress", "redirect", "dev", "ifb0");
    }

    private void sqmStops() throws Exception {
        tcOk("qdisc", "del", "dev", "wan0", "handle", "ffff:", "ingress");
        lab.awaitStatus("\"fast_path\":{\"state\":\"translating\",\"reason\":\"\"", 4);
    }

    private void shapingSeesDownstreamAndTheKernelTranslatesAfterIt() throws Exception {
        lab.awaitStatus("\"reason\":\"other tc filters on the uplink ingress", 4);
        long ifb = ifbPackets();
        Netns.Result r = Netns.in(lab.isp, 10, "ping", "-6", "-n", "-c", "3", "-i", "0.2", "-w", "5",
                "2001:db8:100::2");
        assertEquals(0, r.code(), "native IPv6 to the router: " + r.output());
        assertTrue(ifbPackets() >= ifb + 3, "the shaper saw native IPv6: " + ifb + " -> " + ifbPackets());

        ifb = ifbPackets();
        long down = fp("packets_6to4");
        long up = fp("packets_4to6");
        long javaDown = javaTranslated6to4();
        r = lab.lanPing();
        assertEquals(0, r.code(), "the CLAT works through the shaper: " + r.output() + lab.log());
        assertTrue(ifbPackets() >= ifb + 2, "the shaper saw the translated replies: " + ifb + " -> " + ifbPackets());
        // After the shaper the kernel routes the replies into the TUN, where tun_egress6 translates them.
        awaitAtLeast("packets_6to4", down + 2);
        awaitAtLeast("packets_4to6", up + 2); // upstream still in the kernel: the uplink's egress qdisc shapes it
        assertEquals(javaDown, javaTranslated6to4(), "no reply needed the TUN path's workers");
    }

    /** What the Java workers translated 6to4: the status' total minus the kernel's share. */
    private long javaTranslated6to4() throws IOException {
        String json = lab.statusJson(); // one reading: both numbers from the same second
        Matcher total = Pattern.compile("\"translated_6to4\":(\\d+)").matcher(json);
        Matcher kernel = Pattern.compile("\"packets_6to4\":(\\d+)").matcher(json);
        assertTrue(total.find() && kernel.find(), json);
        return Long.parseLong(total.group(1)) - Long.parseLong(kernel.group(1));
    }

    private void downstreamTakesTheFastPathAgain() throws Exception {
        long down = fp("packets_6to4");
        Netns.Result r = lab.lanPing();
        assertEquals(0, r.code(), r.output() + lab.log());
        awaitAtLeast("packets_6to4", down + 2);
    }

    private long ifbPackets() throws IOException {
        Netns.Result r = Netns.in(lab.cpe, 5, "cat", "/sys/class/net/ifb0/statistics/tx_packets");
        return Long.parseLong(r.output().strip());
    }

    private long fp(String key) throws IOException {
        String json = lab.statusJson();
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), key + " not in " + json);
        return Long.parseLong(m.group(1));
    }

    private void awaitAtLeast(String key, long min) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (fp(key) < min && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(fp(key) >= min, key + " = " + fp(key) + " < " + min + ": " + lab.statusJson());
    }

    private String tc(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "tc";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Netns.in(lab.cpe, 5, cmd).output();
    }

    private void tcOk(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "tc";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Netns.Result r = Netns.in(lab.cpe, 5, cmd);
        assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r.output());
    }
}
