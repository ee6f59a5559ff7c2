package net.jclat.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Per-CPU queue steering for a multi-queue TUN: a packet the kernel sends into the device goes to queue
 * {@code cpu % queues}, where cpu is the CPU forwarding it, and that queue's worker runs on those CPUs.
 * Why: waking a translator thread on another, idle CPU costs an inter-processor interrupt (measured ~140 µs
 * of ping RTT in a 2-vCPU VM, against ~25 µs on the same CPU); the kernel's default, a queue by flow hash,
 * wakes the worker wherever it last ran.
 *
 * <p>The steering is a two-instruction eBPF socket-filter program, {@code return bpf_get_smp_processor_id();},
 * attached with TUNSETSTEERINGEBPF (Linux 4.16); the TUN driver takes its result modulo the number of queues.
 * The program belongs to the device: a re-created TUN needs it attached again.
 */
public final class CpuSteering {
    /** _IOR('T', 224, int) */
    static final long TUNSETSTEERINGEBPF = 0x800454e0L;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    private static final int BPF_FUNC_GET_SMP_PROCESSOR_ID = 8;
    /** Large enough for every field of BPF_PROG_LOAD's union bpf_attr that the kernel reads; zeroed. */
    private static final int BPF_ATTR_SIZE = 128;

    private CpuSteering() {
    }

    /** bpf(2) has no libc wrapper: syscall(2) with variadic arguments, which needs JNA's interface mapping. */
    private interface Syscall extends Library {
        Syscall C = Native.load(Platform.C_LIBRARY_NAME, Syscall.class);

        long syscall(long number, Object... args) throws LastErrorException;
    }

    /**
     * The CPUs of each queue: of the CPUs jclat may run on ({@code allowed}), queue q gets those with
     * {@code cpu % queues == q}, the queue the program sends their packets to. A queue may get none.
     */
    public static List<BitSet> queueCpus(BitSet allowed, int queues) {
        List<BitSet> perQueue = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            perQueue.add(new BitSet());
        }
        allowed.stream().forEach(cpu -> perQueue.get(cpu % queues).set(cpu));
        return perQueue;
    }

    /**
     * Steers {@code tun}'s packets by CPU and returns each queue's CPUs, for its worker to be pinned to. Throws,
     * saying why, when there is only one queue, when a queue would get no CPU it may run on (its packets would
     * wait for a worker on a CPU it cannot use), or when the kernel refuses the program.
     */
    public static List<BitSet> enable(TunDevice tun) throws IOException {
        int queues = tun.queues().size();
        if (queues < 2) {
            throw new IOException("one queue, nothing to steer between");
        }
        BitSet allowed = CpuAffinity.ofCurrentThread();
        List<BitSet> perQueue = queueCpus(allowed, queues);
        for (int q = 0; q < queues; q++) {
            if (perQueue.get(q).isEmpty()) {
                throw new IOException("queue " + q + " of " + queues + " would get no CPU (jclat may run on CPUs "
                        + CpuAffinity.format(allowed) + "; queue q takes the CPUs c with c % " + queues
                        + " = q): use fewer workers");
            }
        }
        attach(tun);
        return perQueue;
    }

    /** The bpf(2) system call's number on the architectures jclat runs on. */
    static long bpfSyscall() throws IOException {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> 321;
            case "aarch64", "riscv64" -> 280;
            case "arm" -> 386;
            case "x86", "i386" -> 357;
            default -> throw new IOException("bpf(2): system call number unknown for " + arch);
        };
    }

    /** The program: r0 = bpf_get_smp_processor_id(); exit. Two 8-byte instructions. */
    static byte[] program() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.put(0, (byte) 0x85).putInt(4, BPF_FUNC_GET_SMP_PROCESSOR_ID); // BPF_JMP | BPF_CALL
        b.put(8, (byte) 0x95); // BPF_JMP | BPF_EXIT
        return b.array();
    }

    /** Loads the program (needs CAP_BPF or CAP_SYS_ADMIN) and attaches it to the device. */
    private static void attach(TunDevice tun) throws IOException {
        byte[] insns = program();
        Memory code = new Memory(insns.length);
        code.write(0, insns, 0, insns.length);
        Memory license = new Memory(4);
        license.write(0, "GPL\0".getBytes(StandardCharsets.US_ASCII), 0, 4); // bpf_get_smp_processor_id is GPL-only
        Memory attr = new Memory(BPF_ATTR_SIZE);
        attr.clear();
        attr.setInt(0, BPF_PROG_TYPE_SOCKET_FILTER);
        attr.setInt(4, insns.length / 8);
        attr.setPointer(8, code);
        attr.setPointer(16, license);
        int progFd;
        try {
            progFd = (int) Syscall.C.syscall(bpfSyscall(), BPF_PROG_LOAD, attr, (long) BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new IOException("bpf(BPF_PROG_LOAD): " + Errno.describe(e.getErrorCode()));
        }
        try {
            byte[] arg = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, progFd).array();
            LibC.ioctl(tun.queues().get(0).fd(), TUNSETSTEERINGEBPF, arg);
        } catch (LastErrorException e) {
            throw new IOException("TUNSETSTEERINGEBPF " + tun.name() + ": " + Errno.describe(e.getErrorCode()));
        } finally {
            try {
                LibC.close(progFd); // the device holds its own reference to the program
            } catch (LastErrorException ignored) {
                // nothing more to release
            }
        }
    }
}
