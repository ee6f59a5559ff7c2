package net.jclat.daemon;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import net.jclat.config.RunConfig;
import net.jclat.discovery.PrefixDiscovery;
import net.jclat.log.Log;

/**
 * Where the daemon's state goes out besides the control socket: the status file (rewritten every second; its
 * age is its readers' liveness signal), the update hook and the IPv6-mostly LAN (told of every change; neither
 * waits). The daemon calls it under its own lock, so a write in progress cannot bring the file back after the
 * stop deleted it.
 */
final class StateOutputs {
    /** Before the start made them: nothing to tell, nothing to delete. */
    static final StateOutputs NONE = new StateOutputs(null, null);

    private final StatusFile file; // null only in NONE
    private final UpdateHook hook; // null: none configured
    private Ipv6Mostly lan = Ipv6Mostly.OFF;

    private StateOutputs(StatusFile file, UpdateHook hook) {
        this.file = file;
        this.hook = hook;
    }

    /** The file (nothing written yet) and the hook's runner; the LAN comes with {@link #startLan}. */
    static StateOutputs of(RunConfig cfg) {
        UpdateHook hook = cfg.hook() == null ? null : new UpdateHook(cfg.hook());
        return new StateOutputs(new StatusFile(cfg.statusFile()), hook);
    }

    /** Separate from the constructor: if the LAN cannot start, the hook is still there to be told "error". */
    void startLan(RunConfig cfg) {
        lan = Ipv6Mostly.start(cfg);
    }

    Ipv6Mostly lan() {
        return lan;
    }

    /** Never throws: a failed write is logged, and tried again at the next. */
    void write(Supplier<StatusSnapshot> snapshot) {
        try {
            StatusSnapshot s = snapshot.get();
            file.write(s.fields(), s.counters());
        } catch (IOException | RuntimeException e) {
            Log.warn("cannot write status file {}: {}", file.path(), e.getMessage());
        }
    }

    /** Hands the state to the LAN and the hook; the snapshot is taken only when there is a hook. */
    void tell(String state, PrefixDiscovery.Status discovery, Supplier<StatusSnapshot> snapshot) {
        lan.follow(state, discovery);
        if (hook != null) {
            hook.offer(HookEnvironment.of(snapshot.get(), null));
        }
    }

    /** PREF64 at lifetime 0 and option 108 off, while the CLAT still translates. */
    void closeLan() {
        lan.close();
    }

    void deleteFile() {
        if (file != null) {
            file.delete();
        }
    }

    boolean hasHook() {
        return hook != null;
    }

    /** The hook's last state; waits for a run in progress (bounded), so call it without the daemon's lock. */
    void finishHook(Map<String, String> last) {
        hook.finish(last); // once: a second call returns at once
    }
}
