package net.jclat.netlink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * eBPF programs on a device's ingress or egress the classic way — a cls_bpf filter in direct-action mode
 * (linux/pkt_cls.h, net/sched/cls_bpf.c) under the ingress or clsact qdisc — for kernels without TCX (before
 * 6.6, such as OpenWrt's 5.15, where it needs kmod-sched-core and kmod-sched-bpf). Unlike a TCX link the filter
 * outlives the process, so jclat's filter sits at a fixed priority and handle: attaching again (after a kill -9)
 * replaces a leftover in one step, and {@link #detach} removes it without knowing what was loaded.
 *
 * <p>A device's ingress gets the plain {@code ingress} qdisc, not clsact: that is what SQM and most shaping
 * scripts add and delete ({@code tc qdisc del/add dev wan handle ffff: ingress}, then their filters under
 * {@code parent ffff:}). With clsact there, their delete fails (another kind) and so does their add, and their
 * ingress shaping is silently gone. Either qdisc takes jclat's filter.
 */
public final class TcBpfFilters {
    private static final int RTM_NEWQDISC = 36;
    private static final int RTM_DELQDISC = 37;
    private static final int RTM_NEWTFILTER = 44;
    private static final int RTM_DELTFILTER = 45;
    private static final int RTM_GETTFILTER = 46;
    private static final int TCA_KIND = 1;
    private static final int TCA_OPTIONS = 2;
    private static final int TCA_BPF_FD = 6;
    private static final int TCA_BPF_NAME = 7;
    private static final int TCA_BPF_FLAGS = 8;
    private static final int TCA_BPF_FLAG_ACT_DIRECT = 1;
    private static final int TC_H_CLSACT = 0xFFFFFFF1;
    private static final int CLSACT_HANDLE = 0xFFFF0000;
    private static final int PARENT_INGRESS = 0xFFFFFFF2;
    private static final int PARENT_EGRESS = 0xFFFFFFF3;
    private static final int ETH_P_ALL = 0x0003;
    /** jclat's filter priority on both hooks ("jc"); another program's filters keep theirs. */
    public static final int PRIORITY = 0x6a63;
    /** A second jclat filter on the same hook (the TUN's egress carries two programs), right after the first. */
    public static final int SECOND_PRIORITY = PRIORITY + 1;
    private static final int HANDLE = 1;

    private final RtNetlink nl;

    public TcBpfFilters(RtNetlink nl) {
        this.nl = nl;
    }

    /**
     * Attaches the program, replacing jclat's filter there if one is left over; adds the qdisc first (ingress:
     * {@code ingress}, egress: {@code clsact}) if the device has neither.
     */
    public boolean attach(int ifIndex, boolean ingress, int progFd, String name) throws IOException {
        return attach(ifIndex, ingress, progFd, name, PRIORITY);
    }

    /**
     * {@link #attach(int, boolean, int, String)} at one of jclat's two priorities. True when jclat added the
     * qdisc (the device had none), so that it can take it away again ({@link #removeIngressQdiscIfUnused}).
     */
    public boolean attach(int ifIndex, boolean ingress, int progFd, String name, int priority) throws IOException {
        String kind = ingress ? "ingress" : "clsact";
        NetlinkMessage q = tcmsg(RTM_NEWQDISC, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, ifIndex,
                CLSACT_HANDLE, TC_H_CLSACT, 0).attr(TCA_KIND, cString(kind));
        boolean added = true;
        try {
            nl.request(q, "adding the " + kind + " qdisc to interface " + ifIndex);
        } catch (NetlinkException e) {
            if (e.errno() != NetlinkException.EEXIST) {
                throw e;
            }
            added = false;
        }
        NetlinkMessage f = filter(RTM_NEWTFILTER, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_REPLACE,
                ifIndex, ingress, priority)
                .beginNested(TCA_OPTIONS)
                .attrU32(TCA_BPF_FD, progFd)
                .attr(TCA_BPF_NAME, cString(name))
                .attrU32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT)
                .endNested();
        nl.request(f, "attaching " + name + " to the " + (ingress ? "ingress" : "egress") + " of interface " + ifIndex);
        return added;
    }

    /**
     * Deletes the device's {@code ingress} qdisc if no filter is left under it: one jclat added, after its own
     * filter went. The kind is named, so the kernel refuses to delete another kind (a clsact someone added).
     */
    public boolean removeIngressQdiscIfUnused(int ifIndex) throws IOException {
        Ingress seen = ingress(ifIndex);
        if (seen.ours() || seen.others() > 0) {
            return false;
        }
        try {
            nl.request(tcmsg(RTM_DELQDISC, 0, ifIndex, CLSACT_HANDLE, TC_H_CLSACT, 0).attr(TCA_KIND,
                    cString("ingress")), "removing the ingress qdisc of interface " + ifIndex);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == NetlinkException.ENOENT || e.errno() == 22) { // gone already, or another kind
                return false;
            }
            throw e;
        }
    }

    /** Removes jclat's filter from the hook; true if there was one. The clsact qdisc stays (others may use it). */
    public boolean detach(int ifIndex, boolean ingress) throws IOException {
        return detach(ifIndex, ingress, PRIORITY);
    }

    /** {@link #detach(int, boolean)} at one of jclat's two priorities. */
    public boolean detach(int ifIndex, boolean ingress, int priority) throws IOException {
        try {
            nl.request(filter(RTM_DELTFILTER, 0, ifIndex, ingress, priority), "removing jclat's filter from interface "
                    + ifIndex);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == NetlinkException.ENOENT || e.errno() == 22) { // no filter, or no clsact at all
                return false;
            }
            throw e;
        }
    }

    /**
     * The tc filters on the device's ingress: whether jclat's is there, how many priorities others use (SQM's
     * redirect to its ifb, a policer, ...), and how many of those were meant for the egress: under a plain
     * {@code ingress} qdisc the kernel files a filter for parent ffff:fff3 (clsact's egress) in the ingress
     * block, where it sees incoming packets. None at all without an ingress or clsact qdisc.
     */
    public record Ingress(boolean ours, int others, int meantForEgress) {
    }

    public Ingress ingress(int ifIndex) throws IOException {
        java.util.Set<Integer> priorities = new java.util.HashSet<>();
        java.util.Set<Integer> egress = new java.util.HashSet<>();
        nl.dump(tcmsg(RTM_GETTFILTER, NetlinkMessage.NLM_F_DUMP, ifIndex, 0, PARENT_INGRESS, 0),
                "listing the tc filters on the ingress of interface " + ifIndex, RTM_NEWTFILTER, (b, at, len) -> {
                    int priority = b.getInt(at + 16 + 16) >>> 16; // struct tcmsg's tcm_info: priority << 16
                    priorities.add(priority);
                    if (b.getInt(at + 16 + 12) == PARENT_EGRESS) { // tcm_parent
                        egress.add(priority);
                    }
                });
        boolean ours = priorities.remove(PRIORITY);
        egress.remove(PRIORITY);
        return new Ingress(ours, priorities.size(), egress.size());
    }

    private static NetlinkMessage filter(int type, int flags, int ifIndex, boolean ingress, int priority) {
        // tcm_info: priority in the upper 16 bits, the protocol (network order) in the lower.
        int protocol = Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ALL));
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN) {
            protocol = ETH_P_ALL;
        }
        return tcmsg(type, flags, ifIndex, HANDLE, ingress ? PARENT_INGRESS : PARENT_EGRESS,
                priority << 16 | protocol).attr(TCA_KIND, cString("bpf"));
    }

    /** struct tcmsg: family, pad, ifindex, handle, parent, info. */
    private static NetlinkMessage tcmsg(int type, int flags, int ifIndex, int handle, int parent, int info) {
        return new NetlinkMessage(type, flags).u8(0).u8(0).u16(0).u32(ifIndex).u32(handle).u32(parent).u32(info);
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }
}
