package net.jclat.daemon;

import java.util.function.Supplier;
import net.jclat.datapath.Datapath;
import net.jclat.datapath.Worker;
import net.jclat.xlat.DroppedFlow;
import net.jclat.log.Log;

/**
 * RFC 7915 §4.5: an IPv4 UDP datagram with checksum 0 that cannot be translated (a fragment, or
 * {@code udp-zero-checksum drop}) is dropped, and the translator "SHOULD ... generate a system management
 * event that specifies at least the IP addresses and port numbers of the packet". The workers record the
 * last such datagram without allocating; this logs one line per period in which any were dropped, with the
 * count and one of them with its addresses and ports — an event per packet would let a sender flood the log.
 */
final class ZeroChecksumUdpEvents {
    private final Supplier<Datapath> datapath;
    private long reported;

    ZeroChecksumUdpEvents(Supplier<Datapath> datapath) {
        this.datapath = datapath;
    }

    /** Called periodically from the daemon's timer thread. */
    void check() {
        Datapath d = datapath.get();
        if (d == null) {
            return;
        }
        long total = 0;
        String last = null;
        long newest = -1;
        for (Worker w : d.workers()) {
            DroppedFlow f = w.translator().zeroChecksumUdp();
            long n = f.count();
            total += n;
            if (n > 0 && n > newest) {
                newest = n;
                last = f.describe();
            }
        }
        if (total < reported) {
            reported = 0; // the workers were replaced (TUN re-created): their records start again
        }
        if (total > reported) {
            Log.warn("dropped {} IPv4 UDP datagram(s) with checksum 0 that cannot be translated (RFC 7915 §4.5: "
                    + "fragmented, or udp-zero-checksum drop); for example {}", total - reported, last);
            reported = total;
        }
    }
}
