package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import net.jclat.os.SyscallNumbers;

/**
 * Per-CPU queue steering for a multi-queue TUN: a packet the kernel sends into the device goes to queue
 * {@code cpu % queues}, the queue of the CPU it is being forwarded on, whose worker is pinned there. Waking
 * a translator thread on another, idle CPU costs tens of microseconds (an inter-processor interrupt, and
 * far more in a VM: ~140 µs of ping RTT here against ~25 µs on the same CPU); waking it on the CPU that
 * already holds the packet costs a context switch. The kernel's default for a multi-queue TUN picks the
 * queue by flow hash, so the worker may be on any CPU. The steering is a small eBPF program
 * ({@link SteeringProgram}: by CPU, except TCP, which goes by flow so that a flow is never reordered),
 * attached with TUNSETSTEERINGEBPF (Linux 4.16); the TUN driver takes its result modulo the number of queues
 * (drivers/net/tun.c, tun_ebpf_select_queue).
 */
public final class QueueSteering {
    /** _IOR('T', 224, int) */
    static final long TUNSETSTEERINGEBPF = 0x800454e0L;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    /** Larger than any kernel's union bpf_attr for PROG_LOAD needs; the kernel accepts zeroed extra bytes. */
    private static final int BPF_ATTR_SIZE = 128;
    private static final int LOG_SIZE = 65536;

    private QueueSteering() {
    }

    /**
     * The CPUs each queue's worker runs on: queue q gets the allowed CPUs c with {@code c % queues == q}, the
     * CPUs whose packets the program sends to q. Empty if some queue would get none (then steering by CPU
     * would leave that queue's packets to a worker pinned elsewhere).
     */
    public static List<BitSet> cpusPerQueue(BitSet allowed, int queues) {
        List<BitSet> sets = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            sets.add(new BitSet());
        }
        for (int c = allowed.nextSetBit(0); c >= 0; c = allowed.nextSetBit(c + 1)) {
            sets.get(c % queues).set(c);
        }
        // A CPU the process may not use still sends its packets to queue cpu % queues: every queue needs one.
        for (BitSet s : sets) {
            if (s.isEmpty()) {
                return List.of();
            }
        }
        return sets;
    }

    /**
     * Steers the device's packets by CPU. Needs CAP_BPF or CAP_SYS_ADMIN and a kernel with the bpf system
     * call (OpenWrt and Debian kernels have it); throws with the reason otherwise.
     */
    public static void attach(TunDevice tun) throws IOException {
        int progFd = load();
        try {
            byte[] arg = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, progFd).array();
            LibC.ioctl(tun.queues().get(0).fd(), TUNSETSTEERINGEBPF, arg);
        } catch (LastErrorException e) {
            throw new IOException("TUNSETSTEERINGEBPF " + tun.name() + ": " + Errno.describe(e.getErrorCode()));
        } finally {
            close(progFd); // the device holds its own reference to the program
        }
    }

    /** Loads {@link SteeringProgram} through the kernel's verifier; returns the program's file descriptor. */
    static int load() throws IOException {
        byte[] insns = SteeringProgram.build();
        Memory code = new Memory(insns.length);
        code.write(0, insns, 0, insns.length);
        Memory license = new Memory(4);
        license.write(0, "GPL\0".getBytes(StandardCharsets.US_ASCII), 0, 4);
        Memory attr = new Memory(BPF_ATTR_SIZE);
        attr.clear();
        attr.setInt(0, BPF_PROG_TYPE_SOCKET_FILTER);
        attr.setInt(4, insns.length / 8);
        attr.setPointer(8, code);
        attr.setPointer(16, license);
        try {
            return (int) Sys.C.syscall(SyscallNumbers.bpf(), BPF_PROG_LOAD, attr, (long) BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new IOException("bpf(BPF_PROG_LOAD): " + Errno.describe(e.getErrorCode()) + verifierSays(attr));
        }
    }

    /** Loads again with the verifier's log on, for the reason a load was refused (its last line). */
    private static String verifierSays(Memory attr) {
        Memory log = new Memory(LOG_SIZE);
        log.clear();
        attr.setInt(24, 1); // log_level
        attr.setInt(28, LOG_SIZE);
        attr.setPointer(32, log);
        try {
            close((int) Sys.C.syscall(SyscallNumbers.bpf(), BPF_PROG_LOAD, attr, (long) BPF_ATTR_SIZE));
            return "";
        } catch (LastErrorException | IOException e) {
            String text = log.getString(0, StandardCharsets.US_ASCII.name()).strip();
            return text.isEmpty() ? "" : " (verifier: " + text.substring(text.lastIndexOf('\n') + 1) + ")";
        }
    }

    static void close(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // nothing more to release
        }
    }
}
