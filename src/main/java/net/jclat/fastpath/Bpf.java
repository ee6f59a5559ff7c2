package net.jclat.fastpath;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jclat.os.SyscallNumbers;

/**
 * The bpf(2) commands the fast path needs — create a map, read and write an element, load a program, test-run
 * it — through JNA, with no libbpf. None of them is on a per-packet path. {@code union bpf_attr} offsets are
 * from include/uapi/linux/bpf.h; the kernel accepts a larger, zero-filled attribute than it knows.
 */
final class Bpf {
    private interface Sys extends Library {
        Sys C = Native.load(Platform.C_LIBRARY_NAME, Sys.class);

        long syscall(long number, Object... args) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    static final int MAP_CREATE = 0;
    static final int MAP_LOOKUP_ELEM = 1;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int PROG_LOAD = 5;
    static final int PROG_TEST_RUN = 10;
    static final int PROG_TYPE_SCHED_CLS = 3;
    private static final int ATTR_SIZE = 160;
    private static final int LOG_SIZE = 1 << 20;
    private static final int ENOENT = 2;

    private Bpf() {
    }

    static Memory attr() {
        Memory a = new Memory(ATTR_SIZE);
        a.clear();
        return a;
    }

    static long call(int cmd, Memory attr, String what) throws IOException {
        try {
            return Sys.C.syscall(SyscallNumbers.bpf(), cmd, attr, (long) ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new BpfException(what, e.getErrorCode());
        }
    }

    /** An error from bpf(2), with its errno so callers can tell "not permitted" from "refused". */
    static final class BpfException extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;

        BpfException(String what, int errno) {
            super("bpf(" + what + "): " + describe(errno));
            this.errno = errno;
        }
    }

    static String describe(int errno) {
        return switch (errno) {
            case 1 -> "EPERM (needs CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN)";
            case ENOENT -> "ENOENT";
            case 7 -> "E2BIG";
            case 13 -> "EACCES (refused by the verifier)";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            default -> "errno " + errno;
        };
    }

    static int mapCreate(String name, int type, int keySize, int valueSize, int maxEntries, int flags)
            throws IOException {
        return mapCreate(name, type, keySize, valueSize, maxEntries, flags, 0);
    }

    /** With {@code innerMapFd}: a map of maps whose elements must look like that map. */
    static int mapCreate(String name, int type, int keySize, int valueSize, int maxEntries, int flags,
            int innerMapFd) throws IOException {
        Memory a = attr();
        a.setInt(0, type);
        a.setInt(4, keySize);
        a.setInt(8, valueSize);
        a.setInt(12, maxEntries);
        a.setInt(16, flags);
        a.setInt(20, innerMapFd);
        putName(a, 28, name);
        return (int) call(MAP_CREATE, a, "BPF_MAP_CREATE " + name);
    }

    static void mapUpdate(int fd, byte[] key, byte[] value) throws IOException {
        Memory k = copy(key);
        Memory v = copy(value);
        Memory a = attr();
        a.setInt(0, fd);
        a.setPointer(8, k);
        a.setPointer(16, v);
        a.setLong(24, 0); // BPF_ANY
        call(MAP_UPDATE_ELEM, a, "BPF_MAP_UPDATE_ELEM");
    }

    /**
     * Reads elements of one map, keyed by int, through buffers allocated once. Each JNA {@link Memory} costs a
     * malloc, a cleaner reference and entries in JNA's table of live blocks, all garbage only after the next
     * GC; the status reads every counter every second, and that churn made the old generation grow under
     * load (docs/benchmarks.md, "RSS under a long load"). Not thread-safe: its owner serialises the reads.
     */
    static final class Lookup {
        private final Memory key = new Memory(4);
        private final Memory value;
        private final Memory attr = attr();

        Lookup(int fd, int valueSize) {
            value = new Memory(valueSize);
            attr.setInt(0, fd);
            attr.setPointer(8, key);
            attr.setPointer(16, value);
        }

        /** The element's value, valid until the next read, or null when there is none. */
        Memory read(int k) throws IOException {
            key.setInt(0, k);
            try {
                call(MAP_LOOKUP_ELEM, attr, "BPF_MAP_LOOKUP_ELEM");
            } catch (BpfException e) {
                if (e.errno == ENOENT) {
                    return null;
                }
                throw e;
            }
            return value;
        }
    }

    static void mapDelete(int fd, byte[] key) throws IOException {
        Memory k = copy(key);
        Memory a = attr();
        a.setInt(0, fd);
        a.setPointer(8, k);
        try {
            call(MAP_DELETE_ELEM, a, "BPF_MAP_DELETE_ELEM");
        } catch (BpfException e) {
            if (e.errno != ENOENT) {
                throw e;
            }
        }
    }

    /** Loads a program; on refusal loads it again with the verifier's log on and puts its end in the message. */
    static int progLoad(String name, int type, byte[] insns, String license) throws IOException {
        Memory code = copy(insns);
        Memory lic = copy((license + "\0").getBytes(StandardCharsets.US_ASCII));
        Memory a = attr();
        a.setInt(0, type);
        a.setInt(4, insns.length / 8);
        a.setPointer(8, code);
        a.setPointer(16, lic);
        putName(a, 48, name);
        try {
            return (int) call(PROG_LOAD, a, "BPF_PROG_LOAD " + name);
        } catch (BpfException e) {
            Memory log = new Memory(LOG_SIZE);
            log.clear();
            a.setInt(24, 1);
            a.setInt(28, LOG_SIZE);
            a.setPointer(32, log);
            try {
                close((int) call(PROG_LOAD, a, "BPF_PROG_LOAD " + name));
                throw e;
            } catch (BpfException again) {
                String text = log.getString(0, StandardCharsets.US_ASCII.name()).strip();
                int from = Math.max(0, text.length() - 2000);
                throw new IOException(e.getMessage() + (text.isEmpty() ? "" : "; verifier:\n" + text.substring(from)),
                        e);
            }
        }
    }

    /** The CPUs per-CPU map values are laid out for: /sys/devices/system/cpu/possible, e.g. "0-3". */
    static int possibleCpus() throws IOException {
        String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip();
        int max = 0;
        for (String part : s.split(",")) {
            String[] r = part.split("-");
            max = Math.max(max, Integer.parseInt(r[r.length - 1]));
        }
        return max + 1;
    }

    static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            Sys.C.close(fd);
        } catch (LastErrorException ignored) {
            // nothing more to release
        }
    }

    static Memory copy(byte[] b) {
        Memory m = new Memory(Math.max(1, b.length));
        m.write(0, b, 0, b.length);
        return m;
    }

    private static void putName(Memory a, int at, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        a.write(at, n, 0, Math.min(n.length, 15)); // BPF_OBJ_NAME_LEN 16, NUL-terminated
    }
}
