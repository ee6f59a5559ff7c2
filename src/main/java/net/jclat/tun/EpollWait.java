package net.jclat.tun;

import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * epoll_wait(2) through Netty's JNI on the queue and an eventfd. A sparse worker waits once per packet, and a
 * JNA call there cost ~10 µs with cold caches at one ping per 50 ms (perf, docs/benchmarks.md "The TUN path's
 * wait"), a JNI call a fraction of that. Netty exposes epoll_wait with a millisecond time-out and its event
 * array only to its own package, so both are reached once through method handles; a Netty without them makes
 * {@link #open} return null and the queue falls back to {@link PollWait}.
 */
final class EpollWait implements QueueWait {
    /** {@code EpollEventArray(int)}, typed (int)Object. */
    private static final MethodHandle NEW_EVENTS;
    /** {@code Native.epollWait(FileDescriptor, EpollEventArray, int timeoutMillis)}, typed (FileDescriptor, Object, int)int. */
    private static final MethodHandle WAIT;

    static {
        MethodHandle newEvents = null;
        MethodHandle wait = null;
        try {
            MethodHandles.Lookup netty = MethodHandles.privateLookupIn(Native.class, MethodHandles.lookup());
            Class<?> events = Class.forName("io.netty.channel.epoll.EpollEventArray");
            newEvents = netty.findConstructor(events, MethodType.methodType(void.class, int.class))
                    .asType(MethodType.methodType(Object.class, int.class));
            wait = netty.findStatic(Native.class, "epollWait",
                    MethodType.methodType(int.class, FileDescriptor.class, events, int.class))
                    .asType(MethodType.methodType(int.class, FileDescriptor.class, Object.class, int.class));
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            newEvents = null;
            wait = null;
        }
        NEW_EVENTS = newEvents;
        WAIT = wait;
    }

    private final int index;
    private final FileDescriptor epoll;
    private final FileDescriptor wakeFd;
    private final Object events;
    private volatile boolean woken;
    private volatile boolean closed;

    private EpollWait(int index, FileDescriptor epoll, FileDescriptor wakeFd, Object events) {
        this.index = index;
        this.epoll = epoll;
        this.wakeFd = wakeFd;
        this.events = events;
    }

    /** Waits on {@code queueFd} through Netty's epoll, or null when Netty's native library or its methods are missing. */
    static EpollWait open(int queueFd, int index) throws IOException {
        if (WAIT == null || !io.netty.channel.epoll.Epoll.isAvailable()) {
            return null;
        }
        FileDescriptor epoll = null;
        FileDescriptor wakeFd = null;
        try {
            epoll = Native.newEpollCreate();
            wakeFd = Native.newEventFd();
            Native.epollCtlAdd(epoll.intValue(), queueFd, Native.EPOLLIN);
            Native.epollCtlAdd(epoll.intValue(), wakeFd.intValue(), Native.EPOLLIN);
            // Two entries: the queue and the eventfd can both be ready; which one is not read (see await).
            return new EpollWait(index, epoll, wakeFd, NEW_EVENTS.invoke(2));
        } catch (Throwable e) {
            closeQuietly(wakeFd);
            closeQuietly(epoll);
            throw new IOException("cannot set up the epoll wait of TUN queue " + index + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean await(int timeoutMillis) throws IOException {
        // The eventfd stays readable once written, so after a wake-up every wait ends at once: the flag, not
        // the event array, says which it was (a packet that came with it waits for the next worker anyway).
        return epollWait(timeoutMillis) > 0 && !woken;
    }

    @Override
    public void pause(int timeoutMillis) throws IOException {
        epollWait(timeoutMillis);
    }

    private int epollWait(int timeoutMillis) throws IOException {
        try {
            return (int) WAIT.invokeExact(epoll, events, timeoutMillis);
        } catch (IOException e) {
            if (closed) {
                return 0;
            }
            throw new IOException("epoll_wait on TUN queue " + index + ": " + e.getMessage(), e);
        } catch (Throwable e) {
            throw new IOException("epoll_wait on TUN queue " + index + ": " + e, e);
        }
    }

    @Override
    public void wake() {
        if (closed) {
            return;
        }
        woken = true;
        try {
            Native.eventFdWrite(wakeFd.intValue(), 1);
        } catch (RuntimeException ignored) {
            // closed meanwhile: nobody waits any more
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(wakeFd);
            closeQuietly(epoll);
        }
    }

    private static void closeQuietly(FileDescriptor fd) {
        if (fd != null) {
            try {
                fd.close();
            } catch (IOException ignored) {
                // already gone: nothing more to release
            }
        }
    }

    @Override
    public String kind() {
        return "epoll";
    }
}
