package net.jclat.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jclat.config.FastPathMode;
import net.jclat.fastpath.FastPathConfig;
import net.jclat.fastpath.FastPathCounters;
import net.jclat.fastpath.FastPathPrograms;
import net.jclat.fastpath.TcxLink;
import net.jclat.netlink.RtNetlink;
import net.jclat.netlink.TcBpfFilters;
import net.jclat.xlat.Counters;
import net.jclat.xlat.XlatConfig;
import net.jclat.log.Log;

/**
 * The kernel fast path in the daemon's life cycle (setting {@code fast-path}): at start a killed predecessor's
 * filter is removed and the programs are loaded and attached — uplink ingress and TUN egress (IPv4, and IPv6
 * the kernel routed there while other filters shape the uplink's ingress), TCX where the kernel has it, else
 * cls_bpf filters — with no configuration, so they pass everything; each translator
 * configuration the programs cover is then written to their config map in one update, one they do not cover
 * removes it (one log line why); on stop they are detached. {@code auto} logs one line and leaves everything
 * to the TUN path when the kernel refuses; {@code on} makes that a start error. Called under the daemon's lock.
 */
final class FastPathAttachment implements TunAttachment {
    /**
     * {@code -Djclat.fastpath.hook=clsact} skips TCX: the pre-6.6 way (OpenWrt's 5.15) run on a newer kernel,
     * for tests and for comparing the two.
     */
    static final String FORCE_HOOK = "jclat.fastpath.hook";
    private static final int ARPHRD_ETHER = 1;
    private static final int ARPHRD_PPP = 512;
    private static final int ARPHRD_RAWIP = 519;
    private static final int ARPHRD_NONE = 0xFFFE;

    private FastPathMode mode = FastPathMode.OFF;
    private FastPathPrograms programs;
    /** Where the programs are attached: TCX links, or (null) jclat's clsact filters. */
    private TcxLink uplinkLink;
    private TcxLink tunLink;
    private TcxLink tunLink6;
    private boolean clsact;
    private int uplinkIndex;
    private int tunIndex;
    /** The TUN it translates on, for {@link #reconfigure}; null while detached. */
    private ActiveTun current;
    private XlatConfig currentXlat;
    /** Other tc filters classify the uplink's ingress: downstream packets are left to them (and the TUN path). */
    private boolean ingressDefers;
    private boolean warnedEgressFilters;
    /** The uplink's ingress qdisc is jclat's own (it had none): taken away again on detach if nothing else uses it. */
    private boolean addedUplinkQdisc;
    private String state = "off";
    private String reason = "fast-path off";
    /** What earlier programs counted (closed after a failed attach); the live maps add to it. */
    private long[] before = new long[2 * 16];

    /**
     * At start, once the TUN exists: removes a leftover clsact filter from the uplink, then (unless off) loads
     * and attaches the programs. Throws only with {@code fast-path on}.
     */
    void start(FastPathMode setting, int uplink, int tun) throws IOException {
        mode = setting;
        uplinkIndex = uplink;
        removeLeftovers(uplink);
        if (mode == FastPathMode.OFF) {
            return;
        }
        try {
            programs = FastPathPrograms.load();
            hook(tun);
            state = "passing";
            reason = "no NAT64 prefix yet";
            Log.info("fast path attached ({}) to the uplink's ingress and the TUN's egress", method());
        } catch (IOException | RuntimeException e) {
            unavailable(e);
        }
    }

    private void removeLeftovers(int uplink) {
        try (RtNetlink nl = new RtNetlink()) {
            TcBpfFilters tc = new TcBpfFilters(nl);
            if (tc.detach(uplink, true)) {
                Log.info("removed the fast path filter a killed jclat left on the uplink's ingress");
                tc.removeIngressQdiscIfUnused(uplink); // most likely its qdisc too: attach adds one, tracked
            }
        } catch (IOException | RuntimeException e) {
            Log.warn("cannot check the uplink for a fast path filter left behind: {}", e.getMessage());
        }
    }

    /** The kernel refused: {@code on} fails, {@code auto} says why once and runs on the TUN path. */
    private void unavailable(Exception e) throws IOException {
        unhook();
        closePrograms();
        state = "unavailable";
        reason = e.getMessage();
        if (mode == FastPathMode.ON) {
            throw new IOException("fast-path on: " + reason, e);
        }
        Log.warn("fast path unavailable, every packet takes the TUN path: {}", reason);
    }

    private void hook(int tun) throws IOException {
        tunIndex = tun;
        try {
            if ("clsact".equals(System.getProperty(FORCE_HOOK))) {
                throw new IOException(FORCE_HOOK + "=clsact");
            }
            uplinkLink = TcxLink.attach(programs.uplinkIngressFd(), uplinkIndex, true);
            tunLink = TcxLink.attach(programs.tunEgressFd(), tun, false);
            tunLink6 = TcxLink.attach(programs.tunEgress6Fd(), tun, false);
            clsact = false;
        } catch (IOException tcx) {
            unhook(); // no TCX (before Linux 6.6): the clsact qdisc with a cls_bpf filter
            try (RtNetlink nl = new RtNetlink()) {
                TcBpfFilters tc = new TcBpfFilters(nl);
                clsact = true;
                addedUplinkQdisc = tc.attach(uplinkIndex, true, programs.uplinkIngressFd(), "jclat_up_in");
                tc.attach(tun, false, programs.tunEgressFd(), "jclat_tun_eg");
                tc.attach(tun, false, programs.tunEgress6Fd(), "jclat_tun_eg6", TcBpfFilters.SECOND_PRIORITY);
            } catch (IOException e) {
                throw new IOException(e.getMessage() + " (and TCX: " + tcx.getMessage() + ")", e);
            }
        }
    }

    private void unhook() {
        if (uplinkLink != null) {
            uplinkLink.close();
            uplinkLink = null;
        }
        if (tunLink != null) {
            tunLink.close();
            tunLink = null;
        }
        if (tunLink6 != null) {
            tunLink6.close();
            tunLink6 = null;
        }
        if (clsact) {
            clsact = false;
            try (RtNetlink nl = new RtNetlink()) {
                TcBpfFilters tc = new TcBpfFilters(nl);
                tc.detach(uplinkIndex, true);
                tc.detach(tunIndex, false);
                tc.detach(tunIndex, false, TcBpfFilters.SECOND_PRIORITY);
                if (addedUplinkQdisc && tc.removeIngressQdiscIfUnused(uplinkIndex)) {
                    Log.info("removed the ingress qdisc jclat had added to the uplink");
                }
                addedUplinkQdisc = false;
            } catch (IOException | RuntimeException e) {
                Log.warn("cannot remove the fast path filters: {}", e.getMessage());
            }
        }
    }

    private String method() {
        return clsact ? "clsact" : "tcx";
    }

    @Override
    public void attach(ActiveTun tun, XlatConfig xlat) throws IOException {
        if (programs == null) {
            return;
        }
        if (tun.index() != tunIndex || uplinkLink == null && tunLink == null && !clsact) {
            try {
                unhook();
                hook(tun.index()); // a re-created TUN
            } catch (IOException | RuntimeException e) {
                unavailable(e);
                return;
            }
        }
        configure(tun, xlat);
    }

    private void configure(ActiveTun tun, XlatConfig xlat) throws IOException {
        current = tun;
        currentXlat = xlat;
        String why = FastPathConfig.unsupported(xlat);
        Uplink u = why == null ? Uplink.of(tun.uplink(), tun.uplinkIndex()) : null;
        if (why == null && u.why() != null) {
            why = u.why();
        }
        if (why != null) {
            programs.unconfigure();
            if (!"passing".equals(state) || !why.equals(reason)) {
                Log.info("fast path passes every packet to the TUN path: {}", why);
            }
            state = "passing";
            reason = why;
            return;
        }
        ingressDefers = othersOnUplinkIngress();
        programs.configure(new FastPathConfig(xlat, tun.index(), tun.uplinkIndex(), u.mtu(), u.ethernet(), 0,
                u.ethernet() ? 14 : 0, ingressDefers));
        String now = ingressDefers ? DEFERS : "";
        if (!"translating".equals(state) || !now.equals(reason)) {
            Log.info("fast path translating TCP, UDP and ICMP echo in the kernel ({}){}", method(),
                    ingressDefers ? "; " + DEFERS : "");
        }
        state = "translating";
        reason = now;
    }

    private static final String DEFERS = "other tc filters on the uplink ingress (such as SQM) see downstream"
            + " packets first; the kernel translates them once routed into the TUN";

    /**
     * Whether tc filters other than jclat's classify the uplink's ingress. Under TCX the ingress program runs
     * before all of them (net/core/dev.c, sch_handle_ingress), so a packet it redirected into the TUN would pass
     * them by: SQM's redirect to its ifb, and with it the downstream shaping of all translated traffic.
     */
    private boolean othersOnUplinkIngress() {
        try (RtNetlink nl = new RtNetlink()) {
            return new TcBpfFilters(nl).ingress(uplinkIndex).others() > 0;
        } catch (IOException | RuntimeException e) {
            Log.warn("cannot list the tc filters on the uplink's ingress: {}", e.getMessage());
            return ingressDefers;
        }
    }

    /**
     * After the kernel announced a tc change (and every 30 s; {@link SetupWatchdog}): puts jclat's classic filter
     * back if someone's {@code tc qdisc del ... ingress} took it (SQM does, starting), and follows other filters
     * coming and going on the uplink's ingress.
     */
    void keepUplinkIngress() {
        if (programs == null) {
            return;
        }
        try (RtNetlink nl = new RtNetlink()) {
            TcBpfFilters tc = new TcBpfFilters(nl);
            TcBpfFilters.Ingress seen = tc.ingress(uplinkIndex);
            if (clsact && !seen.ours()) {
                addedUplinkQdisc = tc.attach(uplinkIndex, true, programs.uplinkIngressFd(), "jclat_up_in");
                Log.info("put the fast path filter back on the uplink's ingress (its qdisc was replaced)");
            }
            // Under TCX jclat adds no qdisc, so such a filter would not be jclat's doing.
            if (clsact && seen.meantForEgress() > 0 && !warnedEgressFilters) {
                warnedEgressFilters = true;
                Log.warn("a tc filter meant for the uplink's egress (such as qosify's) sits under the ingress qdisc"
                        + " jclat added, so the kernel runs it on incoming packets: start that service before jclat"
                        + " (it adds a clsact qdisc, which jclat then uses too), or set fast-path off");
            }
            if (current != null && (seen.others() > 0) != ingressDefers) {
                configure(current, currentXlat);
            }
        } catch (IOException | RuntimeException e) {
            Log.warn("cannot check the uplink's ingress filters: {}", e.getMessage());
        }
    }

    @Override
    public void reconfigure(XlatConfig xlat) throws IOException {
        if (programs != null && current != null) {
            configure(current, xlat);
        }
    }

    @Override
    public void detach() {
        if (programs == null) {
            return;
        }
        try {
            programs.unconfigure();
        } catch (IOException e) {
            Log.warn("cannot clear the fast path configuration: {}", e.getMessage());
        }
        unhook();
        current = null;
        currentXlat = null;
        state = "passing";
        reason = "detached";
    }

    /** Detaches and frees the programs and maps (stop). */
    void close() {
        detach();
        closePrograms();
        if (mode != FastPathMode.OFF && !"unavailable".equals(state)) {
            state = "off";
            reason = "stopped";
        }
    }

    private void closePrograms() {
        if (programs != null) {
            long[] now = kernelCounters();
            before = now;
            programs.close();
            programs = null;
        }
    }

    /** The programs' counters, per direction and slot, over the whole run. */
    private long[] kernelCounters() {
        long[] sum = before.clone();
        if (programs != null) {
            try {
                long[] v = programs.counters().values();
                for (int i = 0; i < Math.min(v.length, sum.length); i++) {
                    sum[i] += v[i];
                }
            } catch (IOException e) {
                Log.warn("cannot read the fast path counters: {}", e.getMessage());
            }
        }
        return sum;
    }

    /** The state, for the status. */
    FastPathStatus status() {
        return new FastPathStatus(state, reason, programs == null ? "" : method(),
                new FastPathCounters(kernelCounters()));
    }

    /**
     * What the kernel translated, from a reading {@link #status()} took (the status reads the kernel once), in
     * {@link Counters}' layout, so the totals cover both paths. Exact: the
     * programs take no IPv4 options and no IPv6 extension headers, so each packet's IPv6 header is 20 bytes
     * longer than its IPv4 one. A super-packet counts as its segments here (the TUN path counts it once).
     */
    static long[] counters(FastPathCounters k) {
        long[] c = new long[Counters.SIZE];
        long p64 = k.get(FastPathCounters.DIR_6TO4, FastPathCounters.Slot.PACKETS);
        long b64 = k.get(FastPathCounters.DIR_6TO4, FastPathCounters.Slot.BYTES);
        long p46 = k.get(FastPathCounters.DIR_4TO6, FastPathCounters.Slot.PACKETS);
        long b46 = k.get(FastPathCounters.DIR_4TO6, FastPathCounters.Slot.BYTES);
        c[Counters.IN6_PACKETS] = p64;
        c[Counters.IN6_BYTES] = b64 + 20 * p64;
        c[Counters.OUT4_PACKETS] = p64;
        c[Counters.OUT4_BYTES] = b64;
        c[Counters.TRANSLATED_6TO4] = p64;
        c[Counters.IN4_PACKETS] = p46;
        c[Counters.IN4_BYTES] = b46 - 20 * p46;
        c[Counters.OUT6_PACKETS] = p46;
        c[Counters.OUT6_BYTES] = b46;
        c[Counters.TRANSLATED_4TO6] = p46;
        return c;
    }

    /**
     * The uplink's MTU and whether it has an Ethernet header (redirect with neighbour resolution) or none
     * (raw IP: wwan, PPP), from sysfs; {@code why} says why the programs cannot use it.
     */
    record Uplink(int mtu, boolean ethernet, String why) {
        static Uplink of(String name, int index) {
            Path dir = Path.of("/sys/class/net", name);
            try {
                if (Integer.parseInt(Files.readString(dir.resolve("ifindex")).strip()) != index) {
                    return new Uplink(0, false, "sysfs shows another namespace's " + name);
                }
                int type = Integer.parseInt(Files.readString(dir.resolve("type")).strip());
                int mtu = Integer.parseInt(Files.readString(dir.resolve("mtu")).strip());
                if (type == ARPHRD_ETHER) {
                    return new Uplink(mtu, true, null);
                }
                if (type == ARPHRD_NONE || type == ARPHRD_PPP || type == ARPHRD_RAWIP) {
                    return new Uplink(mtu, false, null);
                }
                return new Uplink(mtu, false, "uplink link type " + type + " is neither Ethernet nor raw IP");
            } catch (IOException | NumberFormatException e) {
                return new Uplink(0, false, "cannot read " + dir + ": " + e.getMessage());
            }
        }
    }
}
