package net.jclat.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.PacketSink;
import net.jclat.xlat.Translator;
import net.jclat.xlat.Verdict;
import net.jclat.xlat.WirePackets;
import net.jclat.xlat.XlatConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ns per packet through the translation core ({@link Translator#translate}), one packet per call, CLAT
 * configuration (RFC 6877: 192.0.0.1 = 2001:db8:1::c, remote side through 64:ff9b::/96).
 *
 * <p>Translation is in place, so before each call the packet's first {@value #RESTORE} bytes are restored
 * from a pristine copy: translation changes only the IP header and the transport checksum, both inside
 * them (checked in {@link #setUp}). That restore (a 64-byte copy) is part of every figure; the payload of
 * the 1500-byte packets is not copied, as it would not be by a real worker either.
 *
 * <p>"tcp1500" is a 1500-byte packet in either direction; the IPv6 link MTU is set to 1520 so the IPv4
 * one is not answered with Packet Too Big.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TranslatorBenchmark {
    static final int OFF = Translator.HEADROOM;
    static final int RESTORE = 64;

    private Translator translator;
    private final ByteBuffer work = ByteBuffer.allocateDirect(OFF + 65536);
    private ByteBuffer udp4;
    private ByteBuffer udp6;
    private ByteBuffer tcp4;
    private ByteBuffer tcp6;
    private ByteBuffer echo4;
    private ByteBuffer echo6;
    private long emitted;
    private final PacketSink sink = (b, o, l) -> emitted += l;

    static ByteBuffer direct(byte[] p) {
        return ByteBuffer.allocateDirect(p.length).put(0, p);
    }

    @Setup(Level.Trial)
    public void setUp() {
        XlatConfig c = XlatConfig.builder().pref64("64:ff9b::/96").clat("192.0.0.1", "2001:db8:1::c")
                .pref64ForLocal(false).translatorIpv6(Ipv6Prefix.parse("2001:db8:1::1")).ipv6Mtu(1520).build();
        translator = new Translator(c, new Counters());
        Random r = new Random(1);
        byte[] clat4 = WirePackets.v4("192.0.0.1");
        byte[] remote4 = WirePackets.v4("93.184.216.34");
        byte[] clat6 = new byte[16];
        ByteBuffer.wrap(clat6).putLong(0x2001_0db8_0001_0000L).putLong(0xcL);
        byte[] remote6 = WirePackets.embed(Arrays.copyOf(new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b}, 16), 96,
                remote4);
        byte[] none = new byte[0];
        udp4 = direct(WirePackets.datagram4(0, 1, true, 64, WirePackets.UDP, clat4, remote4, none,
                WirePackets.udp(40000, 53, bytes(r, 64 - 28)), false));
        tcp4 = direct(WirePackets.datagram4(0, 2, true, 64, WirePackets.TCP, clat4, remote4, none,
                WirePackets.tcp(40001, 443, 1, 0x10, bytes(r, 1500 - 40)), false));
        echo4 = direct(WirePackets.datagram4(0, 3, false, 64, WirePackets.ICMP, clat4, remote4, none,
                WirePackets.icmp(8, 0, 0x1234_0001L, bytes(r, 56)), false));
        udp6 = direct(WirePackets.datagram6(0, 0, 64, remote6, clat6, new int[0], new byte[0][], WirePackets.UDP,
                WirePackets.udp(53, 40000, bytes(r, 64 - 48)), false));
        tcp6 = direct(WirePackets.datagram6(0, 0, 64, remote6, clat6, new int[0], new byte[0][], WirePackets.TCP,
                WirePackets.tcp(443, 40001, 7, 0x10, bytes(r, 1500 - 60)), false));
        echo6 = direct(WirePackets.datagram6(0, 0, 64, remote6, clat6, new int[0], new byte[0][],
                WirePackets.ICMPV6, WirePackets.icmp(129, 0, 0x1234_0001L, bytes(r, 56)), false));
        for (ByteBuffer p : new ByteBuffer[] {udp4, tcp4, echo4, udp6, tcp6, echo6}) {
            checkRestoreSuffices(p);
        }
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** The packet translates, and restoring its head gives the same output as copying it whole. */
    private void checkRestoreSuffices(ByteBuffer p) {
        byte[][] out = new byte[2][];
        for (int pass = 0; pass < 2; pass++) {
            int n = pass;
            work.put(OFF, p, 0, pass == 0 ? p.capacity() : Math.min(RESTORE, p.capacity()));
            Verdict v = translator.translate(work, OFF, p.capacity(), (b, o, l) -> out[n] = WirePackets.copy(b, o, l));
            if (v != Verdict.TRANSLATED) {
                throw new IllegalStateException("benchmark packet not translated: " + translator.lastDrop());
            }
            // the IPv4 identification of a 6->4 packet is a counter; it must be the only difference
            if (pass == 1 && (out[1][0] & 0xF0) == 0x40) {
                out[1][4] = out[0][4];
                out[1][5] = out[0][5];
                out[1][10] = out[0][10];
                out[1][11] = out[0][11];
            }
        }
        if (!Arrays.equals(out[0], out[1])) {
            throw new IllegalStateException("restoring " + RESTORE + " bytes does not reset the packet");
        }
    }

    private Verdict translate(ByteBuffer p) {
        work.put(OFF, p, 0, Math.min(RESTORE, p.capacity()));
        return translator.translate(work, OFF, p.capacity(), sink);
    }

    @Benchmark
    public Verdict udp64_4to6() {
        return translate(udp4);
    }

    @Benchmark
    public Verdict udp64_6to4() {
        return translate(udp6);
    }

    @Benchmark
    public Verdict tcp1500_4to6() {
        return translate(tcp4);
    }

    @Benchmark
    public Verdict tcp1500_6to4() {
        return translate(tcp6);
    }

    @Benchmark
    public Verdict icmpEcho_4to6() {
        return translate(echo4);
    }

    @Benchmark
    public Verdict icmpEcho_6to4() {
        return translate(echo6);
    }

    /** The figures are only meaningful if the sink saw every packet; JMH keeps this value alive. */
    public long emitted() {
        return emitted;
    }
}
