package net.jclat.daemon;

import java.util.BitSet;
import java.util.List;
import net.jclat.tun.TunDevice;

/**
 * The CLAT's TUN as a {@link TunAttachment} sees it.
 *
 * @param pins per queue, the CPUs its worker is pinned to; empty without per-CPU steering
 */
record ActiveTun(TunDevice device, String name, int index, List<BitSet> pins, String uplink, int uplinkIndex,
        int mtu) {
}
