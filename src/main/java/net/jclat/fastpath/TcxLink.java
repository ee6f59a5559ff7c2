package net.jclat.fastpath;

import com.sun.jna.Memory;
import java.io.IOException;

/**
 * A TC program attached to a device with TCX (BPF_LINK_CREATE, Linux 6.6): the attachment lives as long as
 * this link's file descriptor, so it goes away with jclat — also after a kill -9 — and leaves nothing behind
 * to clean up. Kernels without TCX (OpenWrt's 5.15) need the clsact qdisc with a cls_bpf filter instead,
 * which outlives the process; that variant is not written yet (docs/architecture.md).
 */
public final class TcxLink implements AutoCloseable {
    private static final int BPF_PROG_QUERY = 16;
    private static final int BPF_LINK_CREATE = 28;
    private static final int BPF_TCX_INGRESS = 46;
    private static final int BPF_TCX_EGRESS = 47;

    private int fd;

    private TcxLink(int fd) {
        this.fd = fd;
    }

    /**
     * Attaches the program to the ingress or egress of the device with this index (in the calling thread's
     * network namespace), after any TCX programs already there.
     */
    public static TcxLink attach(int progFd, int ifindex, boolean ingress) throws IOException {
        Memory a = Bpf.attr();
        a.setInt(0, progFd);
        a.setInt(4, ifindex);
        a.setInt(8, ingress ? BPF_TCX_INGRESS : BPF_TCX_EGRESS);
        return new TcxLink((int) Bpf.call(BPF_LINK_CREATE, a,
                "BPF_LINK_CREATE tcx " + (ingress ? "ingress" : "egress") + " ifindex " + ifindex));
    }

    /**
     * How many TCX programs the device's ingress or egress holds (in the calling thread's network namespace),
     * whoever attached them: what {@code bpftool net} shows on kernels its version knows TCX on.
     */
    public static int attached(int ifindex, boolean ingress) throws IOException {
        Memory a = Bpf.attr();
        a.setInt(0, ifindex);
        a.setInt(4, ingress ? BPF_TCX_INGRESS : BPF_TCX_EGRESS);
        Bpf.call(BPF_PROG_QUERY, a, "BPF_PROG_QUERY tcx ifindex " + ifindex);
        return a.getInt(24);
    }

    /** Detaches the program. */
    @Override
    public void close() {
        Bpf.close(fd);
        fd = -1;
    }
}
