package net.jclat.datapath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import net.jclat.tun.CpuAffinity;
import net.jclat.tun.ThreadSlice;
import net.jclat.xlat.Checksum;
import net.jclat.xlat.Counters;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.PacketSink;
import net.jclat.xlat.Translator;
import net.jclat.xlat.VirtioNetHeader;
import net.jclat.xlat.XlatConfig;
import net.jclat.log.Log;

/**
 * Runs synthetic traffic — TCP, UDP and ICMP echo, both directions, CLAT address and dedicated prefix, and
 * the running configuration itself — through private {@link Translator}s so the JIT compiles the
 * translation code with a profile of every path sparse traffic takes before real packets need it. Without
 * this, a path that real traffic takes rarely (a ping, a DNS query) stays interpreted or in lightly
 * optimized code until it has run thousands of times: on this project's VM ping RTT through a fresh jclat
 * fell from ~0.20 ms after 3 000 pings to 0.10–0.14 ms after 33 000 (noisy, single runs). A path the
 * warm-up misses is worse than none: the launcher runs C2 only, and a branch compiled code has never seen
 * is an uncommon trap that throws the method back to the interpreter until it has run ~10 000 times again —
 * minutes at one ping per 50 ms (seen: an echo through the offload path after a TCP-only offload warm-up;
 * docs/benchmarks.md, "Sparse traffic"). The methods are shared by every worker's translator; the warm-up's
 * counters are its own, and no packet leaves it.
 */
public final class JitWarmUp implements Runnable {
    private static final int SERVER = 0xC633640A; // 198.51.100.10
    /**
     * A global unicast IPv4 address (RFC 6890: not special-purpose) as the remote end of the running
     * configuration's warm-up, so the RFC 6052 §3.1 rule for the Well-Known Prefix translates it like real
     * Internet traffic instead of dropping it. Only ever in the warm-up's own buffers.
     */
    static final int GLOBAL_SERVER = 0x5DB8D822; // 93.184.216.34
    static final int CLIENT = 0xC0000001; // 192.0.0.1, the CLAT address
    static final int LAN_HOST = 0xC0A83202; // 192.168.50.2, in the dedicated prefix

    private final int rounds;
    private final XlatConfig running;
    private final boolean vnet;
    /**
     * Where the answers' translations go: by default nowhere; for a datapath a worker whose queue is /dev/null,
     * so that the call sites which hand a packet on have seen the workers' own class. Seeing only the warm-up's
     * sinks, C2 compiled them for those and trapped on the first real packet (bimorphic_or_optimized_type_check
     * in VnetTranslator.emit, -XX:+LogCompilation), and the translation ran interpreted until it had been
     * called ~10 000 times more: minutes of pings.
     */
    private final PacketSink sink;

    /** @param rounds packets of each kind per direction and configuration */
    public JitWarmUp(int rounds) {
        this(rounds, null, false);
    }

    /**
     * @param running the workers' configuration, exercised too (its prefix, its mode, its address checks);
     *                null: only the built-in ones
     * @param vnet    the workers read virtio-net headers (offload on): their configuration goes that way
     */
    public JitWarmUp(int rounds, XlatConfig running, boolean vnet) {
        this(rounds, running, vnet, (b, off, len) -> { });
    }

    /** @param sink where the translated answers go (a {@link Worker} on a discarding queue, see {@link #sink}) */
    JitWarmUp(int rounds, XlatConfig running, boolean vnet, PacketSink sink) {
        this.sink = sink;
        this.rounds = rounds;
        this.running = running;
        this.vnet = vnet;
    }

    @Override
    public void run() {
        long t0 = System.nanoTime();
        XlatConfig clat = clatConfig();
        XlatConfig prefix = XlatConfig.builder().pref64("2001:db8:64::/96")
                .dedicatedPrefixes(List.of(DedicatedPrefix.parse("192.168.50.0/24=2001:db8:50::/96")))
                .pref64ForLocal(false).build();
        int source = running == null ? 0 : localSource(running);
        // The running configuration first and last: what is compiled at the end carries its profile too.
        exerciseRunning(source);
        exercise(clat, CLIENT, SERVER);
        exercise(prefix, LAN_HOST, SERVER);
        exerciseOffload(clat, CLIENT, SERVER);
        exerciseOffload(prefix, LAN_HOST, SERVER);
        exerciseRunning(source);
        Log.debug("JIT warm-up: {} rounds in {} ms", rounds, (System.nanoTime() - t0) / 1_000_000);
    }

    private void exerciseRunning(int source) {
        if (source == 0 || running.pref64() == null) {
            return;
        }
        if (vnet) {
            exerciseOffload(running, source, GLOBAL_SERVER);
        } else {
            exercise(running, source, GLOBAL_SERVER);
        }
    }

    /**
     * An IPv4 address of the LAN side the configuration translates: its CLAT address, or a host in its first
     * dedicated prefix; 0 if it has neither (SIIT with EAM only: the built-in configurations still run).
     */
    static int localSource(XlatConfig c) {
        if (c.clatIpv4() != null) {
            return c.clatIpv4().address();
        }
        if (!c.dedicatedPrefixes().isEmpty()) {
            Ipv4Prefix p = c.dedicatedPrefixes().get(0).ipv4();
            return p.length() >= 31 ? p.address() : p.address() + 2;
        }
        return 0;
    }

    static XlatConfig clatConfig() {
        return XlatConfig.builder().pref64("2001:db8:64::/96")
                .clatIpv4(Ipv4Prefix.parse("192.0.0.1")).clatIpv6(Ipv6Prefix.parse("2001:db8:1::c"))
                .pref64ForLocal(false).build();
    }

    /** Runs the traffic through a fresh translator with this configuration; returns its counters. */
    Counters exercise(XlatConfig config, int source, int server) {
        return exercise(new Translator(config, new Counters()), source, server);
    }

    /** The same through a given translator (a test's, switched to a new configuration as a worker's is). */
    Counters exercise(Translator t, int source, int server) {
        ByteBuffer in = ByteBuffer.allocateDirect(Translator.HEADROOM + 2048);
        ByteBuffer back = ByteBuffer.allocateDirect(Translator.HEADROOM + 2048);
        int[] outLen = new int[1];
        // Copies the IPv6 packet out, with source and destination swapped: the server's answer.
        PacketSink reverse = (b, off, len) -> {
            for (int i = 0; i < len; i++) {
                back.put(Translator.HEADROOM + i, b.get(off + i));
            }
            answer(back, Translator.HEADROOM);
            outLen[0] = len;
        };
        int[] protocols = {1, 17, 6};
        for (int r = 0; r < rounds; r++) {
            for (int protocol : protocols) {
                int len = ipv4Packet(in, Translator.HEADROOM, protocol, source, server, r);
                outLen[0] = 0;
                t.translate(in, Translator.HEADROOM, len, reverse);
                if (outLen[0] > 0) {
                    t.translate(back, Translator.HEADROOM, outLen[0], sink);
                }
            }
        }
        return t.counters();
    }

    /**
     * The offload path, as a vnet-header TUN delivers sparse and bulk traffic: ICMP echo, UDP and a TCP ACK
     * with a complete checksum and no GSO (flags 0), and a TCP super-packet with a partial checksum, both
     * ways through {@link Translator#translateVnet}. Returns the translator's counters.
     */
    Counters exerciseOffload(XlatConfig config, int source, int server) {
        Translator t = new Translator(config, new Counters());
        t.prepareVnet(); // as a worker does
        int vnet = VirtioNetHeader.LENGTH;
        int at = Translator.HEADROOM + vnet;
        ByteBuffer in = ByteBuffer.allocateDirect(at + 2048);
        ByteBuffer back = ByteBuffer.allocateDirect(at + 2048);
        int[] outLen = new int[1];
        // Copies header and IPv6 packet out, addresses swapped, the partial sum moved along: the answer.
        PacketSink reverse = (b, off, len) -> {
            for (int i = 0; i < len; i++) {
                back.put(Translator.HEADROOM + i, b.get(off + i));
            }
            answer(back, at);
            outLen[0] = len - vnet;
        };
        int[] kinds = {1, 17, 6, -6}; // -6: TCP as a GSO super-packet with a partial checksum
        for (int r = 0; r < rounds; r++) {
            for (int kind : kinds) {
                int len = ipv4Packet(in, at, Math.abs(kind), source, server, r);
                if (kind == -6) {
                    // The kernel's form: the TCP checksum field holds the pseudo-header sum (NEEDS_CSUM).
                    in.putShort(at + 36, (short) Checksum.fold(Checksum.ipv4Addresses(source, server) + 6 + len - 20));
                    VirtioNetHeader.write(in, Translator.HEADROOM, VirtioNetHeader.F_NEEDS_CSUM,
                            VirtioNetHeader.GSO_TCPV4, 0, 1400, 20, 16);
                } else {
                    VirtioNetHeader.writeNone(in, Translator.HEADROOM);
                }
                outLen[0] = 0;
                t.translateVnet(in, at, len, reverse);
                if (outLen[0] > 0) {
                    t.translateVnet(back, at, outLen[0], sink);
                }
            }
        }
        return t.counters();
    }

    /**
     * Takes {@link ElasticAffinity#check} through every branch a steered worker's can take — inside a window,
     * sparse and busy windows, release, staying released, pinned again — on this thread, with a made-up clock, so
     * that the worker's loop is compiled with a profile that has seen them: with C2 only, the first release
     * under load was an uncommon trap that threw {@code Worker.idle} back to the interpreter for ~13 s
     * (docs/benchmarks.md, "A worker's first release under load"). The instance is a real one (this thread's
     * schedstat, real sched_setaffinity), so every call site sees the classes and paths a worker's does: pinned
     * to the first of this thread's CPUs, released to all of them; this thread's CPUs are put back at the end.
     *
     * @param cycles rounds of 50 checks inside a window and six at a window's end, two changes of pin each
     */
    static void exerciseAffinity(int cycles) {
        BitSet mine;
        try {
            mine = CpuAffinity.ofCurrentThread();
        } catch (IOException e) {
            Log.debug("JIT warm-up of the CPU pin skipped: {}", e.getMessage());
            return;
        }
        BitSet one = new BitSet();
        one.set(mine.nextSetBit(0));
        long w = ElasticAffinity.WINDOW_NANOS;
        ElasticAffinity a = new ElasticAffinity(-1, one, mine, 0);
        // A worker whose queue has every CPU (one queue, or -Djclat.elastic-pinning=false): busy, it stays.
        ElasticAffinity whole = new ElasticAffinity(-1, mine, mine, 0);
        try {
            whole.pin(); // this thread's CPUs as they are
            a.pin();
            long now = 0;
            for (int c = 0; c < cycles; c++) {
                for (int i = 0; i < 50; i++) {
                    a.check(now += w / 64); // inside a window: nothing to decide (cheap: counts up to a profile)
                }
                a.check(now += w); // busy, no wait (the run delay read, the last one too): released
                for (int i = 0; i < 4; i++) {
                    a.waited(w / 8);
                }
                a.check(now += w); // half busy, with waits: still load, stays released
                a.waited(6 * w - w / 100);
                a.check(now += 6 * w); // one wait, a long quiet window (sparse: no read): pinned again
                for (int k = 0; k < 2; k++) {
                    a.waited(w * 3 / 8);
                    a.waited(w * 3 / 8);
                    a.check(now += w); // two waits, a quarter busy: stays pinned, the default slice (kept)
                }
                for (int k = 0; k < 2; k++) {
                    for (int i = 0; i < 4; i++) {
                        a.waited(w / 4 - 1);
                    }
                    a.check(now += w); // idle with waits: stays pinned, the shortest slice (kept)
                }
                whole.check(now); // busy, with nowhere else to go
            }
        } finally {
            a.close();
            whole.close();
            try {
                CpuAffinity.pinCurrentThread(mine);
                ThreadSlice.setCurrentThread(ThreadSlice.DEFAULT); // a pin asks for a short slice: not this thread's
            } catch (IOException e) {
                Log.debug("JIT warm-up thread keeps one CPU or its short slice: {}", e.getMessage());
            }
        }
    }

    /**
     * Turns the translated IPv6 packet at {@code ip6} into the far end's answer: addresses swapped, an echo
     * request made the echo reply (checksum adjusted, RFC 1624), so the way back is the one real answers take.
     */
    static void answer(ByteBuffer b, int ip6) {
        for (int i = 0; i < 16; i++) {
            byte s = b.get(ip6 + 8 + i);
            b.put(ip6 + 8 + i, b.get(ip6 + 24 + i));
            b.put(ip6 + 24 + i, s);
        }
        if (b.get(ip6 + 6) == 58 && (b.get(ip6 + 40) & 0xFF) == 128) {
            int c = b.getShort(ip6 + 42) & 0xFFFF;
            b.put(ip6 + 40, (byte) 129);
            b.putShort(ip6 + 42, (short) Checksum.adjust(c, 128 << 8, 129 << 8));
        }
    }

    /** An IPv4 packet with valid checksums: ICMP echo request, UDP or TCP (ACK), a few hundred bytes. */
    static int ipv4Packet(ByteBuffer b, int at, int protocol, int source, int server, int seq) {
        int payload = protocol == 6 ? 20 + 512 : protocol == 17 ? 8 + 64 : 8 + 56;
        int total = 20 + payload;
        b.put(at, (byte) 0x45).put(at + 1, (byte) 0).putShort(at + 2, (short) total)
                .putShort(at + 4, (short) seq).putShort(at + 6, (short) 0x4000)
                .put(at + 8, (byte) 64).put(at + 9, (byte) protocol).putShort(at + 10, (short) 0)
                .putInt(at + 12, source).putInt(at + 16, server);
        int l4 = at + 20;
        for (int i = 0; i < payload; i++) {
            b.put(l4 + i, (byte) (i * 7 + seq));
        }
        int checksumAt;
        long sum;
        switch (protocol) {
            case 1 -> {
                b.put(l4, (byte) 8).put(l4 + 1, (byte) 0).putShort(l4 + 4, (short) 0x4a43)
                        .putShort(l4 + 6, (short) seq);
                checksumAt = l4 + 2;
                sum = 0;
            }
            case 17 -> {
                b.putShort(l4, (short) 40000).putShort(l4 + 2, (short) 53).putShort(l4 + 4, (short) payload);
                checksumAt = l4 + 6;
                sum = Checksum.ipv4Addresses(source, server) + protocol + payload;
            }
            default -> {
                b.putShort(l4, (short) 40000).putShort(l4 + 2, (short) 443).putInt(l4 + 4, seq)
                        .putInt(l4 + 8, 1).putShort(l4 + 12, (short) 0x5010).putShort(l4 + 14, (short) 65535)
                        .putShort(l4 + 18, (short) 0);
                checksumAt = l4 + 16;
                sum = Checksum.ipv4Addresses(source, server) + protocol + payload;
            }
        }
        b.putShort(checksumAt, (short) 0);
        int c = Checksum.finish(sum + Checksum.sum(b, l4, payload));
        b.putShort(checksumAt, (short) (protocol == 17 && c == 0 ? 0xFFFF : c));
        b.putShort(at + 10, (short) Checksum.finish(Checksum.sum(b, at, 20)));
        return total;
    }
}
