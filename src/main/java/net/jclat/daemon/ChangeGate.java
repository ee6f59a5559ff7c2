package net.jclat.daemon;

import java.io.IOException;
import net.jclat.netlink.RtNetlinkEvents;
import net.jclat.log.Log;

/**
 * Says whether a once-a-second check of the kernel's state is worth doing: only after the kernel announced a
 * change in the subscribed groups ({@link RtNetlinkEvents}), on the first round, and every {@link #FULL_EVERY}
 * rounds regardless. Issue 15: an idle router should not dump its route tables every second to learn that
 * nothing changed. Where the subscription fails, every round is due (the old behaviour).
 */
final class ChangeGate implements AutoCloseable {
    /** Rounds (seconds) between checks when the kernel announced nothing: belt and braces. */
    static final int FULL_EVERY = 30;

    private final RtNetlinkEvents events;
    private int quietRounds = FULL_EVERY; // the first round is due

    ChangeGate(String what, int groups) {
        RtNetlinkEvents e;
        try {
            e = new RtNetlinkEvents(groups);
        } catch (IOException ex) {
            Log.warn("cannot subscribe to the kernel's announcements for the {} ({}): checking every second", what,
                    ex.getMessage());
            e = null;
        }
        this.events = e;
    }

    /** Whether this round is due; reads the announcements, so call it once per round. {@code force}: due anyway. */
    boolean due(boolean force) {
        boolean announced = events == null || events.changed();
        if (announced || force || ++quietRounds >= FULL_EVERY) {
            quietRounds = 0;
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
    }
}
