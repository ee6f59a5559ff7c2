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

/**
 * Per-CPU queue steering for a multi-queue TUN: a packet the kernel sends into the device goes to queue
 * {@code cpu % queues}, the CPU it is being forwarded on, and the worker of that queue is pinned to that
 * CPU. Waking a translator thread on another, idle CPU costs tens of microseconds (an inter-processor
 * interrupt; far more in a VM); waking it on the CPU that already holds the packet costs a context switch.
 * The kernel's default for a multi-queue TUN picks the queue by flow hash, so the worker is on whichever
 * CPU it last ran on. Steering is a two-instruction eBPF program (TUNSETSTEERINGEBPF, Linux 4.16):
 * {@code return bpf_get_smp_processor_id();} — the TUN driver takes it modulo the number of queues.
 */
public final class CpuSteering {
    /** _IOR('T', 224, int) */
    static final long TUNSETSTEERINGEBPF = 0x800454e0L;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    private static final int BPF_FUNC_GET_SMP_PROCESSOR_ID = 8;
    private static final int BPF_ATTR_SIZE = 128;

    private CpuSteering() {
    }

    interface Sys extends Library {
        Sys C = Native.load(Platform.C_LIBRARY_NAME, Sys.class);

        long syscall(long number, Object... args) throws LastErrorException;

        int sched_setaffinity(int pid, long cpusetsize, byte[] mask) throws LastErrorException;
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

    /**
     * Steers the device's packets by CPU. Needs CAP_BPF or CAP_SYS_ADMIN and a kernel with the bpf system
     * call; the caller falls back to the kernel's flow-hash steering when this throws.
     */
    public static void attach(TunDevice tun) throws IOException {
        byte[] insns = program();
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
        int progFd;
        try {
            progFd = (int) Sys.C.syscall(bpfSyscall(), BPF_PROG_LOAD, attr, (long) BPF_ATTR_SIZE);
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

    /** Pins the calling thread to one CPU. */
    public static void pinCurrentThread(int cpu) throws IOException {
        byte[] mask = new byte[128]; // cpu_set_t: 1024 CPUs
        mask[cpu / 8] |= (byte) (1 << (cpu % 8));
        try {
            Sys.C.sched_setaffinity(0, mask.length, mask);
        } catch (LastErrorException e) {
            throw new IOException("sched_setaffinity(CPU " + cpu + "): " + Errno.describe(e.getErrorCode()));
        }
    }
}
