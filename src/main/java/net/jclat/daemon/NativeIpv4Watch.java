package net.jclat.daemon;

import java.io.IOException;
import net.jclat.netlink.RtNetlinkEvents;
import net.jclat.log.Log;

/**
 * Looks for native IPv4 on the uplink (an IPv4 default route there that jclat did not add) for the
 * {@code native-ipv4 standby} setting: only when the kernel announced a link or IPv4 route change
 * ({@link ChangeGate}), and again every second after a failed look until one succeeds.
 */
final class NativeIpv4Watch implements AutoCloseable {
    private final ChangeGate changes = new ChangeGate("native-IPv4 check",
            RtNetlinkEvents.LINKS | RtNetlinkEvents.IPV4_ROUTES);
    private volatile boolean retry;

    /** Whether the uplink has native IPv4 now; null when this round has nothing new to say (or the look failed). */
    Boolean look(InterfaceSetup setup) {
        if (!changes.due(retry)) {
            return null;
        }
        try {
            boolean found = setup.nativeIpv4();
            retry = false;
            return found;
        } catch (IOException e) {
            Log.warn("cannot list IPv4 routes for the native-IPv4 check: {}", e.getMessage());
            retry = true;
            return null;
        }
    }

    @Override
    public void close() {
        changes.close();
    }
}
