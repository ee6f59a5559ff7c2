package net.jclat.xlat;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * The stateless IP/ICMP translator of RFC 7915, one per worker thread. It translates a packet in place
 * where it can (the caller leaves {@link #HEADROOM} bytes in front of it so the larger IPv6 header is
 * written there) and uses its own scratch buffer for what it must build: fragments and ICMP errors.
 *
 * <p>Pure: no I/O, no threads, no logging, and no allocation per packet. Not thread-safe; the mapping
 * is swapped whole with {@link #reconfigure}, which another thread may call.
 */
public final class Translator {
    /** Bytes the caller must leave before each packet: IPv6 growth 20 + fragment header 8 + spare. */
    public static final int HEADROOM = 48;
    /** Room the caller must leave after an IPv4 packet's end is not needed: translation never grows the tail. */
    static final int SCRATCH_SIZE = 65536 + 2 * HEADROOM;
    /** Drop reasons by ordinal; {@code Drop.values()} would copy the array on every call. */
    static final Drop[] DROPS = Drop.values();

    final Counters counters;
    /** RFC 7915 §4.5: the last IPv4 UDP datagram dropped for its zero checksum. */
    final DroppedFlow zeroChecksumUdp = new DroppedFlow();
    final LongSupplier clock;
    final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);
    private final Ipv4ToIpv6 fromIpv4;
    private final Ipv6ToIpv4 fromIpv6;
    final IcmpReassembly reassembly;
    private volatile AddressMapper mapper;
    private Drop lastDrop;
    private int nextIpv4Id;
    private VnetTranslator vnet;

    // Offload state of the packet being translated, set only by VnetTranslator around one call.
    /** The L4 checksum field holds a partial (pseudo-header) sum: adjust it without complementing. */
    boolean partialChecksum;
    /** For a GSO super-packet: L3 payload bytes of one segment, which MTU and DF decisions go by; else 0. */
    int gsoSegmentPayload;
    /**
     * For a GSO super-packet: how many packets it stands for (each takes an IPv4 identification); else 1.
     * Packet counters and drop reasons count by it, so a super-packet counts as the packets it was made of or
     * will be cut into, the same as when {@link GsoSegmenter} cuts it here.
     */
    int gsoSegments = 1;
    /**
     * For a GSO super-packet: the transport header's length, which every segment repeats; else 0. With
     * {@link #gsoSegments} it makes the byte counters count each segment's headers, as on the wire.
     */
    int gsoTransportHeader;

    public Translator(XlatConfig config, Counters counters) {
        this(config, counters, System::nanoTime);
    }

    /** @param clock nanoseconds, read only when an ICMP error is about to be sent (its rate limit) */
    public Translator(XlatConfig config, Counters counters, LongSupplier clock) {
        this(config, counters, clock, ReassemblyLimits.DEFAULT);
    }

    /**
     * @param clock nanoseconds, read only when an ICMP error is about to be sent (its rate limit) and when a
     *              fragmented ICMP datagram arrives (its reassembly timeout)
     * @param limits bounds of this translator's ICMP reassembly buffer, allocated on the first such fragment
     */
    public Translator(XlatConfig config, Counters counters, LongSupplier clock, ReassemblyLimits limits) {
        this.counters = counters;
        this.clock = clock;
        this.reassembly = new IcmpReassembly(this, limits);
        this.mapper = new AddressMapper(config);
        IcmpErrors errors = new IcmpErrors(this);
        this.fromIpv4 = new Ipv4ToIpv6(this, errors);
        this.fromIpv6 = new Ipv6ToIpv4(this, errors);
    }

    /**
     * Translates the packet at {@code buf[off..off+len)} and hands every resulting packet to {@code sink}.
     * The buffer's content in front of and inside the packet is overwritten.
     */
    public Verdict translate(ByteBuffer buf, int off, int len, PacketSink sink) {
        if (off < HEADROOM) {
            throw new IllegalArgumentException("packet offset " + off + " leaves less than " + HEADROOM
                    + " bytes of headroom");
        }
        lastDrop = null;
        if (len < 1) {
            return drop(Drop.NOT_IP);
        }
        AddressMapper m = mapper;
        return switch ((buf.get(off) & 0xF0) >>> 4) {
            case 4 -> counted(fromIpv4.translate(m, buf, off, len, sink), Counters.DROPPED_4TO6);
            case 6 -> counted(fromIpv6.translate(m, buf, off, len, sink), Counters.DROPPED_6TO4);
            default -> drop(Drop.NOT_IP);
        };
    }

    /**
     * Counts a packet that was not translated under its direction, so in = translated + dropped (+ fragments
     * pending reassembly) holds each way.
     */
    private Verdict counted(Verdict v, int droppedIndex) {
        if (v == Verdict.DROPPED || v == Verdict.ICMP_ERROR) {
            counters.add(droppedIndex, gsoSegments);
        }
        return v;
    }

    /**
     * Translates a packet read from a TUN with a virtio-net header: the header is at {@code off -}
     * {@link VirtioNetHeader#LENGTH}, the IP packet at {@code buf[off..off+len)}. A GSO super-packet is
     * translated whole where it can be (its header rewritten for the other family) and segmented here
     * where it cannot. Every packet handed to {@code sink} starts with its own virtio-net header:
     * {@code sink} gets the header's offset and the header's length plus the packet's.
     */
    public Verdict translateVnet(ByteBuffer buf, int off, int len, PacketSink sink) {
        if (vnet == null) {
            prepareVnet();
        }
        return vnet.translate(buf, off, len, sink);
    }

    /**
     * Makes what {@link #translateVnet} needs (once per worker: its segment buffer is 64 KiB) before the first
     * packet. Made on that packet instead, it was a branch the JIT had never seen taken (the warm-up's first
     * call runs before profiling starts), so a new worker's first packet threw the compiled method back to the
     * interpreter (-XX:+LogCompilation: unstable_if at translateVnet).
     */
    public void prepareVnet() {
        if (vnet == null) {
            vnet = new VnetTranslator(this);
        }
    }

    /**
     * A datagram reassembled from ICMP fragments ({@link IcmpReassembly}), translated like an unfragmented one.
     * Its fragments were counted as input already; its verdict is counted by the caller's fragment.
     */
    Verdict translateWhole(AddressMapper m, ByteBuffer b, int off, int len, boolean v6, PacketSink sink) {
        return v6 ? fromIpv6.translateDatagram(m, b, off, len, sink) : fromIpv4.translateDatagram(m, b, off, len, sink);
    }

    /**
     * Drops the ICMP fragments whose datagram has waited longer than the reassembly timeout (they are also
     * dropped when the next fragment arrives); a worker calls this when its queue is idle, so the counters
     * do not show fragments pending forever.
     */
    public void expireFragments() {
        reassembly.expire(clock.getAsLong());
    }

    /** Whether ICMP fragments wait for the rest of their datagram (then {@link #expireFragments} has work). */
    public boolean holdsFragments() {
        return counters.get(Counters.REASSEMBLY_PENDING_4TO6) + counters.get(Counters.REASSEMBLY_PENDING_6TO4) > 0;
    }

    /**
     * For a translator that will translate no more (its worker stopped): held ICMP fragments are counted as
     * timed out and the reassembly buffer is let go, so summed gauges do not keep a retired worker's.
     */
    public void releaseFragments() {
        reassembly.releaseAll();
    }

    /** Why the last packet was dropped, or null if it was not. */
    public Drop lastDrop() {
        return lastDrop;
    }

    public Counters counters() {
        return counters;
    }

    /** The last IPv4 UDP datagram dropped for its zero checksum (RFC 7915 §4.5), for a management event. */
    public DroppedFlow zeroChecksumUdp() {
        return zeroChecksumUdp;
    }

    public XlatConfig config() {
        return mapper.config();
    }

    /** Switches to a new configuration (e.g. a new NAT64 prefix) between two packets; counters stay. */
    public void reconfigure(XlatConfig config) {
        this.mapper = new AddressMapper(config);
    }

    Verdict drop(Drop reason) {
        lastDrop = reason;
        counters.drop(reason, gsoSegments);
        return Verdict.DROPPED;
    }

    /** A dropped packet, answered with an ICMP error if {@link IcmpErrors} could send one. */
    Verdict answered(boolean errorSent, Drop reason) {
        drop(reason);
        return errorSent ? Verdict.ICMP_ERROR : Verdict.DROPPED;
    }

    /** Identification for IPv4 packets that are not fragments (RFC 7915 §5.1 leaves the generator open). */
    int nextIpv4Id() {
        return nextIpv4Id = nextIpv4Id + 1 & 0xFFFF;
    }

    /** Identification for a GSO super-packet: the kernel gives its segments this one and the next ones. */
    int nextIpv4Ids(int count) {
        int first = nextIpv4Id();
        nextIpv4Id = nextIpv4Id + count - 1 & 0xFFFF;
        return first;
    }

    /** Bytes of a packet as its segments will be on the wire: the headers again for each further segment. */
    long wireBytes(int len, int ipHeader) {
        return len + (long) (gsoSegments - 1) * (ipHeader + gsoTransportHeader);
    }

    void emit4(PacketSink sink, ByteBuffer b, int off, int len) {
        counters.add(Counters.OUT4_PACKETS, gsoSegments);
        counters.add(Counters.OUT4_BYTES, wireBytes(len, Ipv4Header.MIN_LENGTH));
        sink.accept(b, off, len);
    }

    void emit6(PacketSink sink, ByteBuffer b, int off, int len) {
        counters.add(Counters.OUT6_PACKETS, gsoSegments);
        counters.add(Counters.OUT6_BYTES, wireBytes(len, Ipv6Header.LENGTH));
        sink.accept(b, off, len);
    }
}
