package net.jclat.os;

import java.io.IOException;

/**
 * The numbers of the Linux system calls jclat makes through syscall(2) — those libc has no wrapper for in
 * every C library it meets (glibc, musl) — on the architectures it runs on (arch/x86/entry/syscalls/*.tbl,
 * include/uapi/asm-generic/unistd.h for aarch64 and riscv64, arch/arm/tools/syscall.tbl). One table, so that
 * the packages that need the same call (the TUN's queue steering and the fast path both load BPF programs)
 * cannot disagree on it.
 */
public final class SyscallNumbers {
    private static final String ARCH = System.getProperty("os.arch");

    private SyscallNumbers() {
    }

    /** bpf(2). */
    public static long bpf() throws IOException {
        return bpf(ARCH);
    }

    /** sched_setattr(2), Linux 3.14. */
    public static long schedSetattr() throws IOException {
        return schedSetattr(ARCH);
    }

    /** sched_getattr(2), Linux 3.14. */
    public static long schedGetattr() throws IOException {
        return schedGetattr(ARCH);
    }

    static long bpf(String arch) throws IOException {
        return forArch("bpf(2)", arch, 321, 280, 386, 357);
    }

    static long schedSetattr(String arch) throws IOException {
        return forArch("sched_setattr(2)", arch, 314, 274, 380, 351);
    }

    static long schedGetattr(String arch) throws IOException {
        return forArch("sched_getattr(2)", arch, 315, 275, 381, 352);
    }

    /** The number for {@code arch} (a Java {@code os.arch}); an error naming the call on any other. */
    private static long forArch(String call, String arch, long x8664, long generic, long arm, long i386)
            throws IOException {
        return switch (arch) {
            case "amd64", "x86_64" -> x8664;
            case "aarch64", "riscv64" -> generic;
            case "arm" -> arm;
            case "x86", "i386" -> i386;
            default -> throw new IOException(call + ": system call number unknown for " + arch);
        };
    }
}
