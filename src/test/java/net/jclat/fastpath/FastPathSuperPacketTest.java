package net.jclat.fastpath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Translator;
import net.jclat.xlat.Verdict;
import net.jclat.xlat.VirtioNetHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TCP super-packets (GSO/GRO) through the programs and through the core's offload path
 * ({@code Translator.translateVnet}, which translates them whole): the decisions that go by one segment's size
 * — DF by the 1260-byte rule (RFC 7915 §5.1), the MTU checks, which ones take the TUN path — must agree, and
 * the packets must match byte for byte except the TCP checksum field: the test run's skb carries a complete
 * checksum where the core's input carries a partial one (virtio NEEDS_CSUM), so the two fields hold different
 * kinds of sums (the complete one is the non-GSO differential test's business). The kernel gets the
 * super-packet's gso_size and gso_segs through the test run's {@code struct __sk_buff}.
 */
class FastPathSuperPacketTest {
    /** offsetof(struct __sk_buff, gso_segs) and (gso_size); the whole struct is 192 bytes in Linux 5.15+. */
    private static final int GSO_SEGS = 164;
    private static final int GSO_SIZE = 176;
    private static final int SK_BUFF = 192;
    @RegisterExtension
    static final LoadedPrograms LOADED = new LoadedPrograms();

    @Test
    void tcpSuperPacketsGoByOneSegmentLikeTheCore() throws IOException {
        RandomPackets gen = new RandomPackets(77);
        Random r = new Random(78);
        int taken = 0;
        int passed = 0;
        int tried = 0;
        while (tried < 1500) {
            RandomPackets.Case c = gen.next();
            byte[] p = c.packet();
            boolean v4 = (p[0] & 0xF0) == 0x40;
            int l3 = v4 ? 20 : 40;
            if ((v4 ? p[9] : p[6]) != 6 || p.length - l3 - 20 < 400) {
                continue;
            }
            tried++;
            int data = p.length - l3 - 20;
            int mss = 200 + r.nextInt(data - 250);
            int segs = (data + mss - 1) / mss;
            LOADED.programs().configure(new FastPathConfig(c.config(), 7, 8, 65535, true, 14, 14, false));
            LOADED.programs().setIpv4Ids(0);
            TestRun k = run(v4 ? LOADED.programs().tunEgressFd() : LOADED.programs().uplinkIngressFd(), p, mss, segs);
            List<byte[]> core = new ArrayList<>();
            Verdict v = core(c, p, l3, mss, core);
            String what = "mss " + mss + " in " + HexFormat.of().formatHex(p, 0, l3);
            if (k.action() == TestRun.TC_NEXT) {
                assertArrayEquals(p, k.packet(), what + ": passed untouched");
                passed++;
                continue;
            }
            assertEquals(TestRun.TC_ACT_REDIRECT, k.action(), what);
            if (v != Verdict.TRANSLATED || core.size() != 1) {
                fail(what + ": taken by the program, the core said " + v + " with " + core.size() + " packets");
            }
            byte[] expected = core.get(0);
            byte[] got = k.packet().clone();
            int field = (v4 ? 40 : 20) + 16; // the TCP checksum in the translated packet
            got[field] = expected[field];
            got[field + 1] = expected[field + 1];
            if (!java.util.Arrays.equals(expected, got)) {
                fail(what + "\n core:   " + HexFormat.of().formatHex(expected, 0, 60) + "\n kernel: "
                        + HexFormat.of().formatHex(got, 0, 60));
            }
            taken++;
        }
        System.out.println("super-packets: taken " + taken + ", passed " + passed);
        assertTrue(taken >= tried / 3, "taken " + taken + " of " + tried);
    }

    /** The core's whole translation of the super-packet, from the TUN's virtio header; the packet without it. */
    private static Verdict core(RandomPackets.Case c, byte[] p, int l3, int mss, List<byte[]> out) {
        byte[] in = p.clone();
        boolean v4 = l3 == 20;
        // NEEDS_CSUM: the field holds the pseudo-header sum, not complemented (RFC 1071 sums, done here).
        long pseudo = v4 ? RandomPackets.sum(in, 12, 8) : RandomPackets.sum(in, 8, 32);
        pseudo += 6 + (p.length - l3);
        int partial = RandomPackets.fold(pseudo);
        in[l3 + 16] = (byte) (partial >> 8);
        in[l3 + 17] = (byte) partial;
        Translator t = new Translator(c.config(), new Counters());
        ByteBuffer b = ByteBuffer.allocateDirect(Translator.HEADROOM + in.length + 64);
        int off = Translator.HEADROOM;
        b.put(off, in);
        VirtioNetHeader.write(b, off - VirtioNetHeader.LENGTH, VirtioNetHeader.F_NEEDS_CSUM,
                v4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6, l3 + 20, mss, l3, 16);
        return t.translateVnet(b, off, in.length, (x, o, len) -> {
            byte[] copy = new byte[len - VirtioNetHeader.LENGTH];
            x.get(o + VirtioNetHeader.LENGTH, copy);
            out.add(copy);
        });
    }

    /** {@link TestRun#run} with a {@code struct __sk_buff} that makes the test skb a super-packet. */
    private static TestRun run(int fd, byte[] ip, int gsoSize, int gsoSegs) throws IOException {
        Memory ctx = new Memory(SK_BUFF);
        ctx.clear();
        ctx.setInt(GSO_SEGS, gsoSegs);
        ctx.setInt(GSO_SIZE, gsoSize);
        return TestRun.run(fd, ip, ctx, SK_BUFF);
    }
}
