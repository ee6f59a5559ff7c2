package net.jclat.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import net.jclat.os.SyscallNumbers;
import net.jclat.testsupport.OwnThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The steering program run by the kernel itself (bpf BPF_PROG_TEST_RUN) on packets built here, on a thread
 * pinned to one CPU and then another: TCP goes by its flow whatever the CPU, everything else by the CPU.
 */
class SteeringProgramTest {
    private static final int BPF_PROG_TEST_RUN = 10;
    private int fd = -1;

    @BeforeEach
    void load() throws IOException {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        try {
            fd = QueueSteering.load();
        } catch (IOException e) {
            assumeTrue(!e.getMessage().contains("EPERM"), "needs CAP_BPF: " + e.getMessage());
            throw e; // refused by the verifier: that is a failure
        }
    }

    @AfterEach
    void close() {
        if (fd >= 0) {
            QueueSteering.close(fd);
        }
    }

    /** The queue selector's input to tun: the program's result, of which tun keeps 16 bits. */
    private int runOn(int cpu, byte[] ipPacket) throws Throwable {
        AtomicInteger result = new AtomicInteger();
        OwnThread.run(() -> {
            BitSet one = new BitSet();
            one.set(cpu);
            CpuAffinity.pinCurrentThread(one);
            result.set(testRun(ipPacket));
        });
        return result.get() & 0xFFFF;
    }

    private int testRun(byte[] ipPacket) throws IOException {
        int version = (ipPacket[0] & 0xF0) >> 4;
        byte[] frame = new byte[14 + ipPacket.length]; // the test run starts at an Ethernet header
        frame[12] = (byte) (version == 4 ? 0x08 : 0x86);
        frame[13] = (byte) (version == 4 ? 0x00 : 0xdd);
        frame[0] = 2; // a unicast, locally administered destination
        System.arraycopy(ipPacket, 0, frame, 14, ipPacket.length);
        Memory data = new Memory(frame.length);
        data.write(0, frame, 0, frame.length);
        Memory attr = new Memory(128);
        attr.clear();
        attr.setInt(0, fd);
        attr.setInt(8, frame.length);
        attr.setPointer(16, data);
        attr.setInt(32, 1); // repeat
        Sys.C.syscall(SyscallNumbers.bpf(), BPF_PROG_TEST_RUN, attr, 128L);
        return attr.getInt(4);
    }

    private static byte[] ipv4(int protocol, int src, int dst, int fragmentField, int... l4) {
        ByteBuffer b = ByteBuffer.allocate(20 + l4.length);
        b.put(0, (byte) 0x45).putShort(2, (short) (20 + l4.length)).putShort(6, (short) fragmentField);
        b.put(8, (byte) 64).put(9, (byte) protocol).putInt(12, src).putInt(16, dst);
        for (int i = 0; i < l4.length; i++) {
            b.put(20 + i, (byte) l4[i]);
        }
        return b.array();
    }

    private static byte[] ipv6(int nextHeader, int[] src, int[] dst, int... l4) {
        ByteBuffer b = ByteBuffer.allocate(40 + l4.length);
        b.put(0, (byte) 0x60).putShort(4, (short) l4.length).put(6, (byte) nextHeader).put(7, (byte) 64);
        for (int i = 0; i < 4; i++) {
            b.putInt(8 + 4 * i, src[i]).putInt(24 + 4 * i, dst[i]);
        }
        for (int i = 0; i < l4.length; i++) {
            b.put(40 + i, (byte) l4[i]);
        }
        return b.array();
    }

    /** Ports 40000 → 443 and the rest of a 20-byte TCP header. */
    private static int[] tcp() {
        int[] h = new int[20];
        h[0] = 40000 >> 8;
        h[1] = 40000 & 0xFF;
        h[2] = 443 >> 8;
        h[3] = 443 & 0xFF;
        h[12] = 0x50;
        return h;
    }

    /** The flow hash as the program's comment defines it, computed here independently. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h & 0xFFFF;
    }

    @Test
    void tcpOverIpv4GoesByItsFlowOnEveryCpu() throws Throwable {
        int src = 0xC0A83202;
        int dst = 0xC6336414;
        byte[] p = ipv4(6, src, dst, 0x4000, tcp());
        int expected = mix(src ^ dst ^ (40000 << 16 | 443));
        assertEquals(expected, runOn(0, p));
        assertEquals(expected, runOn(1, p));
    }

    @Test
    void tcpOverIpv6GoesByItsFlowOnEveryCpu() throws Throwable {
        int[] src = {0x20010db8, 0x64, 0, 0xc633640a};
        int[] dst = {0x20010db8, 0x50, 0, 0xc0a83202};
        byte[] p = ipv6(6, src, dst, tcp());
        int h = 40000 << 16 | 443;
        for (int i = 0; i < 4; i++) {
            h ^= src[i] ^ dst[i];
        }
        assertEquals(mix(h), runOn(0, p));
        assertEquals(mix(h), runOn(1, p));
    }

    @Test
    void aTcpFragmentGoesByItsAddressesOnly() throws Throwable {
        int src = 0xC0A83202;
        int dst = 0xC6336414;
        byte[] first = ipv4(6, src, dst, 0x2000, tcp()); // MF: the first piece
        assertEquals(mix(src ^ dst), runOn(0, first));
        assertEquals(mix(src ^ dst), runOn(1, ipv4(6, src, dst, 3, 1, 2, 3, 4, 5, 6, 7, 8))); // a later piece
    }

    @Test
    void everyPieceOfAFragmentedPingGoesToOneQueueWhateverTheCpu() throws Throwable {
        // ICMP is reassembled by one worker (RFC 7915 §4.2/§5.2), so its fragments must not be split by CPU.
        int src = 0xC0A83202;
        int dst = 0xC6336414;
        byte[] first = ipv4(1, src, dst, 0x2000, 8, 0, 0, 0, 0, 1, 0, 1);
        byte[] middle = ipv4(1, src, dst, 0x2000 | 185, 1, 2, 3, 4, 5, 6, 7, 8);
        byte[] last = ipv4(1, src, dst, 370, 1, 2, 3, 4);
        for (byte[] p : new byte[][] {first, middle, last}) {
            assertEquals(mix(src ^ dst), runOn(0, p));
            assertEquals(mix(src ^ dst), runOn(1, p));
        }
        int[] s6 = {0x20010db8, 0x64, 0, 0xc633640a};
        int[] d6 = {0x20010db8, 0x100, 0, 0xc};
        int h = 0;
        for (int i = 0; i < 4; i++) {
            h ^= s6[i] ^ d6[i];
        }
        byte[] first6 = ipv6(44, s6, d6, 58, 0, 0, 1, 0, 0, 0, 9, 129, 0, 0, 0);
        byte[] last6 = ipv6(44, s6, d6, 58, 0, 0x04, 0xd0, 0, 0, 0, 9, 1, 2, 3, 4);
        for (byte[] p : new byte[][] {first6, last6}) {
            assertEquals(mix(h), runOn(0, p));
            assertEquals(mix(h), runOn(1, p));
        }
    }

    @Test
    void icmpUdpAndIcmpv6GoByTheCpuTheyAreOn() throws Throwable {
        byte[] icmp = ipv4(1, 0xC0A83202, 0xC6336414, 0, 8, 0, 0, 0, 0, 1, 0, 1);
        byte[] udp = ipv4(17, 0xC0A83202, 0xC6336414, 0, 0x9c, 0x40, 0, 53, 0, 8, 0, 0);
        byte[] icmp6 = ipv6(58, new int[] {0x20010db8, 0, 0, 1}, new int[] {0x20010db8, 0, 0, 2}, 128, 0, 0, 0);
        for (byte[] p : new byte[][] {icmp, udp, icmp6}) {
            assertEquals(0, runOn(0, p));
            assertEquals(1, runOn(1, p));
        }
    }

    @Test
    void aTcpPacketTooShortForItsPortsGoesToQueueZero() throws Throwable {
        assertEquals(0, runOn(1, ipv4(6, 0xC0A83202, 0xC6336414, 0x4000))); // no TCP header at all
    }
}
