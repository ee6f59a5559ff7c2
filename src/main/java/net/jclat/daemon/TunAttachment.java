package net.jclat.daemon;

import java.io.IOException;
import net.jclat.xlat.XlatConfig;

/**
 * Something that translates on the CLAT's TUN: attached once the CLAT is active (the first NAT64 prefix)
 * and again after the TUN was re-created, given every new translator configuration (a new prefix, a
 * reload), and detached before the TUN goes (stop, re-creation). The Java datapath ({@link WorkerPool}) is
 * one; a kernel fast path plugs in beside it the same way. Called under the daemon's lock.
 */
interface TunAttachment {
    /** Starts translating on {@code tun} with {@code xlat}. */
    void attach(ActiveTun tun, XlatConfig xlat) throws IOException;

    /** Switches to {@code xlat} without a gap; counters carry on. */
    void reconfigure(XlatConfig xlat) throws IOException;

    /** Stops using the TUN; safe when not attached. What was counted so far is kept for the status. */
    void detach();
}
