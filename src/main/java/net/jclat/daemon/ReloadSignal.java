package net.jclat.daemon;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * SIGHUP as "reload", whatever the parent left it as. A process started under {@code nohup} (or by a shell
 * or supervisor that ignores SIGHUP) inherits SIG_IGN, and HotSpot then silently declines to install a
 * handler for it (JVM_RegisterSignal reports the signal as ignored), so {@code kill -HUP} would do nothing.
 * The disposition is reset to the default first, which lets the JVM install jclat's handler.
 */
public final class ReloadSignal {
    private static final int SIGHUP = 1;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private ReloadSignal() {
    }

    /** {@code sighandler_t signal(int, sighandler_t)}; a null pointer is SIG_DFL. */
    private static native Pointer signal(int signum, Pointer handler);

    /** Runs {@code reload} on every SIGHUP from now on. */
    public static void install(Runnable reload) {
        signal(SIGHUP, null);
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> reload.run());
    }
}
