package net.jclat.fastpath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Translator;
import net.jclat.xlat.Verdict;
import net.jclat.xlat.XlatConfig;

/**
 * One packet through the kernel program of its direction (BPF_PROG_TEST_RUN) and through a fresh Java core:
 * a packet the program redirects must come out byte for byte as the core's one translated packet; a packet it
 * passes must come out untouched. Both start from the same IPv4 identification state (the core's first
 * packet gets 1; every CPU's counter in the map is set to 0 before the run).
 */
final class Differential {
    private final FastPathPrograms programs;
    private XlatConfig configured;
    int taken;
    int passed;
    /** Packets the core translated into one packet but the program passed (allowed; counted for the report). */
    int passedButCoreTranslated;
    /** Vectors larger than a test run takes (jumbo MTU tests). */
    int tooLarge;

    Differential(FastPathPrograms programs) {
        this.programs = programs;
    }

    /** One line for the test's output: how the packets divided. */
    String summary(String what) {
        return what + ": taken " + taken + ", passed " + passed + " (the core translated " + passedButCoreTranslated
                + " of those), too large for a test run " + tooLarge;
    }

    /** True when the program took the packet. */
    boolean check(String name, XlatConfig config, byte[] packet) throws IOException {
        if (packet.length == 0 || FastPathConfig.unsupported(config) != null) {
            return false;
        }
        if (packet.length > TestRun.MAX_PACKET) {
            tooLarge++;
            return false;
        }
        if (!config.equals(configured)) {
            programs.configure(new FastPathConfig(config, 7, 8, 65535, true, 14, 14, false));
            configured = config;
        }
        boolean v4 = (packet[0] & 0xF0) == 0x40;
        programs.setIpv4Ids(0);
        TestRun k = TestRun.run(v4 ? programs.tunEgressFd() : programs.uplinkIngressFd(), packet);
        List<byte[]> core = new ArrayList<>();
        Verdict verdict = core(config, packet, core);
        String what = name + " (" + (v4 ? "4to6" : "6to4") + ") in " + HexFormat.of().formatHex(packet);
        switch (k.action()) {
            case TestRun.TC_ACT_REDIRECT -> {
                if (verdict != Verdict.TRANSLATED || core.size() != 1) {
                    fail(what + ": the program translated it, the core said " + verdict + " with " + core.size()
                            + " packets");
                }
                assertEquals(v4 ? 0x86dd : 0x0800, k.etherType(), what + ": Ethernet type");
                if (!java.util.Arrays.equals(core.get(0), k.packet())) {
                    fail(what + "\n core:   " + HexFormat.of().formatHex(core.get(0)) + "\n kernel: "
                            + HexFormat.of().formatHex(k.packet()));
                }
                taken++;
                return true;
            }
            case TestRun.TC_NEXT -> {
                assertArrayEquals(packet, k.packet(), what + ": a passed packet must be untouched");
                assertEquals(v4 ? 0x0800 : 0x86dd, k.etherType(), what + ": Ethernet type of a passed packet");
                passed++;
                if (verdict == Verdict.TRANSLATED && core.size() == 1) {
                    passedButCoreTranslated++;
                }
                return false;
            }
            default -> throw new AssertionError(what + ": program returned " + k.action());
        }
    }

    private static Verdict core(XlatConfig config, byte[] packet, List<byte[]> out) {
        Translator t = new Translator(config, new Counters());
        ByteBuffer buf = ByteBuffer.allocateDirect(Translator.HEADROOM + packet.length + 64);
        buf.put(Translator.HEADROOM, packet);
        return t.translate(buf, Translator.HEADROOM, packet.length, (b, off, len) -> {
            byte[] copy = new byte[len];
            b.get(off, copy);
            out.add(copy);
        });
    }
}
