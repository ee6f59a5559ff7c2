package net.jclat.fastpath;

import com.sun.jna.Memory;
import java.io.IOException;
import java.util.Arrays;

/**
 * Runs a TC program on one packet with BPF_PROG_TEST_RUN. The kernel builds the skb from an Ethernet frame (the
 * test run of a TC program always starts at an Ethernet header), so the IP packet gets one in front and loses
 * it again on the way out; a redirect is reported (TC_ACT_REDIRECT) but not carried out.
 *
 * @param action the program's return value
 * @param etherType the Ethernet type of the frame that came out
 * @param packet the IP packet that came out
 */
record TestRun(int action, int etherType, byte[] packet) {
    /** A packet the program leaves alone: TC_ACT_UNSPEC (TCX_NEXT), so later programs and filters still see it. */
    static final int TC_NEXT = -1;
    static final int TC_ACT_SHOT = 2;
    static final int TC_ACT_REDIRECT = 7;
    private static final int ETH = 14;
    /**
     * The largest IP packet a test run takes: the kernel builds its skb in one page with head- and tailroom
     * (net/bpf/test_run.c, bpf_test_init), so jumbo packets can only be tested in a namespace.
     */
    static final int MAX_PACKET = 3000;
    /** Room for the 20 bytes an IPv4 packet grows by, and then some. */
    private static final int GROWTH = 64;

    static TestRun run(int progFd, byte[] ipPacket) throws IOException {
        return run(progFd, ipPacket, null, 0);
    }

    /** With a {@code struct __sk_buff} for the test skb (fields the kernel lets a test run set, e.g. gso_size). */
    static TestRun run(int progFd, byte[] ipPacket, Memory ctx, int ctxSize) throws IOException {
        int version = (ipPacket[0] & 0xF0) >> 4;
        byte[] frame = new byte[ETH + ipPacket.length];
        frame[0] = 2; // unicast, locally administered
        frame[6] = 2;
        frame[11] = 1;
        frame[12] = (byte) (version == 6 ? 0x86 : 0x08);
        frame[13] = (byte) (version == 6 ? 0xdd : 0x00);
        System.arraycopy(ipPacket, 0, frame, ETH, ipPacket.length);
        Memory in = Bpf.copy(frame);
        Memory out = new Memory(frame.length + GROWTH);
        Memory a = Bpf.attr();
        a.setInt(0, progFd);
        a.setInt(8, frame.length);
        a.setInt(12, frame.length + GROWTH);
        a.setPointer(16, in);
        a.setPointer(24, out);
        a.setInt(32, 1); // repeat
        if (ctx != null) {
            a.setInt(40, ctxSize);
            a.setPointer(48, ctx);
        }
        Bpf.call(Bpf.PROG_TEST_RUN, a, "BPF_PROG_TEST_RUN");
        int size = a.getInt(12);
        byte[] result = out.getByteArray(0, size);
        return new TestRun(a.getInt(4), (result[12] & 0xFF) << 8 | result[13] & 0xFF,
                Arrays.copyOfRange(result, ETH, size));
    }
}
