package net.jclat.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The table against the kernel's own UAPI headers (Debian's linux-libc-dev, which the BPF build needs anyway):
 * x86_64 and i386 from asm/unistd_64.h and unistd_32.h, aarch64 and riscv64 from asm-generic/unistd.h.
 */
class SyscallNumbersTest {
    private static final Path X86 = Path.of("/usr/include/x86_64-linux-gnu/asm");
    private static final Path GENERIC = Path.of("/usr/include/asm-generic/unistd.h");

    @Test
    void everyArchitecturesNumbersAreTheKernelHeaders() throws IOException {
        assumeTrue(Files.isRegularFile(GENERIC) && Files.isDirectory(X86), "linux-libc-dev (x86_64) not installed");
        for (String call : new String[] {"bpf", "sched_setattr", "sched_getattr"}) {
            assertEquals(defined(X86.resolve("unistd_64.h"), call), number(call, "amd64"), call + " x86_64");
            assertEquals(defined(X86.resolve("unistd_32.h"), call), number(call, "i386"), call + " i386");
            assertEquals(defined(GENERIC, call), number(call, "aarch64"), call + " aarch64");
            assertEquals(defined(GENERIC, call), number(call, "riscv64"), call + " riscv64");
        }
    }

    @Test
    void thisMachinesNumbersAreThoseOfItsArchitecture() throws IOException {
        String arch = System.getProperty("os.arch");
        assertEquals(number("bpf", arch), SyscallNumbers.bpf());
        assertEquals(number("sched_setattr", arch), SyscallNumbers.schedSetattr());
        assertEquals(number("sched_getattr", arch), SyscallNumbers.schedGetattr());
    }

    @Test
    void anUnknownArchitectureIsAnErrorNamingTheCall() {
        IOException e = assertThrows(IOException.class, () -> SyscallNumbers.bpf("sparcv9"));
        assertTrue(e.getMessage().contains("bpf(2)") && e.getMessage().contains("sparcv9"), e.getMessage());
    }

    /** SyscallNumbers' answer for {@code call} on {@code arch}. */
    private static long number(String call, String arch) throws IOException {
        return switch (call) {
            case "bpf" -> SyscallNumbers.bpf(arch);
            case "sched_setattr" -> SyscallNumbers.schedSetattr(arch);
            default -> SyscallNumbers.schedGetattr(arch);
        };
    }

    private static long defined(Path header, String call) throws IOException {
        Matcher m = Pattern.compile("#define __NR_" + call + "\\s+(\\d+)\\b").matcher(Files.readString(header));
        assertTrue(m.find(), call + " in " + header);
        return Long.parseLong(m.group(1));
    }
}
