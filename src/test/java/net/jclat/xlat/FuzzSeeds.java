package net.jclat.xlat;

import static net.jclat.xlat.WirePackets.DEST_OPTS;
import static net.jclat.xlat.WirePackets.HOP_BY_HOP;
import static net.jclat.xlat.WirePackets.ICMP;
import static net.jclat.xlat.WirePackets.ICMPV6;
import static net.jclat.xlat.WirePackets.TCP;
import static net.jclat.xlat.WirePackets.UDP;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed corpus of {@link TranslatorFuzzTest}: well-formed packets of every kind the translator handles,
 * each with the configuration byte {@link TranslatorFuzzHarness} expects in front. Run {@code main} with the
 * test resources directory to rewrite the files (bin/jclat-fuzz --seeds does); the files are committed so the
 * regular test run replays exactly them.
 */
final class FuzzSeeds {
    private FuzzSeeds() {
    }

    static final byte[] CLAT4 = WirePackets.v4("192.0.0.1");
    static final byte[] CLAT6 = v6("2001:db8:1::c1a7");
    static final byte[] REMOTE4 = WirePackets.v4("93.184.216.34");
    static final byte[] ROUTER4 = WirePackets.v4("93.184.216.1");
    static final byte[] WKP = v6("64:ff9b::");

    static byte[] v6(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static byte[] wkp(byte[] v4) {
        return WirePackets.embed(WKP, 96, v4);
    }

    static byte[] data(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) (i * 7 + 3);
        }
        return d;
    }

    /** A seed: the selector byte (configuration index, no repairs) and the packet. */
    static byte[] seed(int config, byte[] packet) {
        byte[] s = new byte[1 + packet.length];
        s[0] = (byte) config;
        System.arraycopy(packet, 0, s, 1, packet.length);
        return s;
    }

    static byte[] tcp4(byte[] src, byte[] dst, int ttl, boolean df, int dataLength) {
        return WirePackets.datagram4(0, 0x1234, df, ttl, TCP, src, dst, new byte[0],
                WirePackets.tcp(40000, 443, 1000, 0x02, data(dataLength)), false);
    }

    static byte[] udp4(byte[] src, byte[] dst, boolean zero, int dataLength) {
        return WirePackets.datagram4(0x10, 0x2345, false, 64, UDP, src, dst, new byte[0],
                WirePackets.udp(5353, 53, data(dataLength)), zero);
    }

    static byte[] echo4(byte[] src, byte[] dst, int type) {
        return WirePackets.datagram4(0, 7, true, 64, ICMP, src, dst, new byte[0],
                WirePackets.icmp(type, 0, 0x0001_0002L, data(56)), false);
    }

    static byte[] error4(int type, int code, long rest, byte[] from, byte[] to, byte[] quoted) {
        byte[] icmp = WirePackets.icmp(type, code, rest, quoted);
        WirePackets.finishL4(icmp, ICMP, 0, false);
        return WirePackets.ipv4(0, 99, false, false, 0, 250, ICMP, from, to, new byte[0], icmp);
    }

    static byte[] tcp6(byte[] src, byte[] dst, int hop, int dataLength) {
        return WirePackets.datagram6(0, 0, hop, src, dst, new int[0], new byte[0][], TCP,
                WirePackets.tcp(443, 40000, 5000, 0x12, data(dataLength)), false);
    }

    static byte[] udp6(byte[] src, byte[] dst, int dataLength) {
        return WirePackets.datagram6(0x20, 0x12345, 64, src, dst, new int[0], new byte[0][], UDP,
                WirePackets.udp(53, 5353, data(dataLength)), false);
    }

    static byte[] echo6(byte[] src, byte[] dst, int type) {
        return WirePackets.datagram6(0, 0, 64, src, dst, new int[0], new byte[0][], ICMPV6,
                WirePackets.icmp(type, 0, 0x0001_0002L, data(56)), false);
    }

    static byte[] error6(int type, int code, long rest, byte[] from, byte[] to, byte[] quoted) {
        return WirePackets.datagram6(0, 0, 250, from, to, new int[0], new byte[0][], ICMPV6,
                WirePackets.icmp(type, code, rest, quoted), false);
    }

    /** Seeds for {@link TranslatorFuzzTest#ipv4ToIpv6}, by file name. */
    static Map<String, byte[]> ipv4ToIpv6() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        byte[] lan = WirePackets.v4("192.168.1.10");
        s.put("nat44-tcp-syn", seed(0, tcp4(CLAT4, REMOTE4, 64, true, 0)));
        s.put("nat44-tcp-data", seed(0, tcp4(CLAT4, REMOTE4, 64, true, 400)));
        s.put("nat44-udp", seed(0, udp4(CLAT4, REMOTE4, false, 40)));
        s.put("nat44-udp-zero-checksum", seed(0, udp4(CLAT4, REMOTE4, true, 40)));
        s.put("nat44-icmp-echo-request", seed(0, echo4(CLAT4, REMOTE4, 8)));
        s.put("nat44-icmp-echo-reply", seed(0, echo4(CLAT4, REMOTE4, 0)));
        s.put("nat44-ttl-1-time-exceeded", seed(0, tcp4(CLAT4, REMOTE4, 1, true, 20)));
        s.put("nat44-options-record-route", seed(0, WirePackets.datagram4(0, 5, true, 64, UDP, CLAT4, REMOTE4,
                new byte[] {7, 7, 4, 0, 0, 0, 0, 0}, WirePackets.udp(1, 2, data(12)), false)));
        s.put("small-mtu-df0-fragmented", seed(1, tcp4(CLAT4, REMOTE4, 64, false, 1400)));
        s.put("small-mtu-df1-packet-too-big", seed(1, tcp4(CLAT4, REMOTE4, 64, true, 1400)));
        byte[] big = udp4(CLAT4, REMOTE4, false, 1000);
        List<byte[]> frags = WirePackets.fragment4(big, 512);
        s.put("fragment-first", seed(3, frags.get(0)));
        s.put("fragment-last", seed(3, frags.get(frags.size() - 1)));
        s.put("fragment-udp-zero-checksum", seed(0, WirePackets.fragment4(udp4(CLAT4, REMOTE4, true, 600), 256)
                .get(0)));
        // ICMP errors from the IPv4 side (the LAN, NATed to the CLAT address) about a packet from the IPv6 side.
        byte[] received = udp4(REMOTE4, CLAT4, false, 100);
        s.put("icmp-port-unreachable", seed(0, error4(3, 3, 0, CLAT4, REMOTE4, received)));
        s.put("icmp-host-unreachable-quoted-short", seed(0, error4(3, 1, 0, CLAT4, REMOTE4,
                Arrays.copyOf(received, 28))));
        s.put("icmp-fragmentation-needed", seed(0, error4(3, 4, 1400, CLAT4, REMOTE4,
                tcp4(REMOTE4, CLAT4, 63, true, 1400))));
        s.put("icmp-time-exceeded", seed(0, error4(11, 0, 0, CLAT4, REMOTE4, Arrays.copyOf(received, 60))));
        s.put("icmp-parameter-problem", seed(0, error4(12, 0, 9L << 24, CLAT4, REMOTE4, received)));
        s.put("icmp-error-rfc4884-length", seed(0, error4(11, 0, 32L << 16, CLAT4, REMOTE4,
                Arrays.copyOf(Arrays.copyOf(received, 128), 160))));
        s.put("siit-icmp-error-from-router", seed(3, error4(11, 0, 0, ROUTER4, REMOTE4,
                udp4(REMOTE4, WirePackets.v4("198.51.100.9"), false, 30))));
        // EAM and mode cases.
        s.put("siit-eam-source", seed(3, udp4(WirePackets.v4("192.0.2.5"), REMOTE4, false, 20)));
        s.put("siit-eam-destination", seed(3, tcp4(REMOTE4, WirePackets.v4("198.51.100.7"), 64, true, 10)));
        s.put("siit-hairpin-eam-to-eam", seed(3, udp4(WirePackets.v4("192.0.2.5"), WirePackets.v4("198.51.100.7"),
                false, 20)));
        s.put("edge-relay-own-address", seed(4, udp4(WirePackets.v4("203.0.113.3"), REMOTE4, false, 20)));
        s.put("edge-relay-jumbo", seed(4, tcp4(WirePackets.v4("203.0.113.3"), REMOTE4, 64, true, 8000)));
        s.put("prefix-mode-lan-host", seed(2, tcp4(lan, REMOTE4, 64, true, 30)));
        s.put("prefix-mode-udp-zero-dropped", seed(2, udp4(lan, REMOTE4, true, 30)));
        s.put("siit-32-no-errors", seed(5, tcp4(lan, REMOTE4, 1, true, 30)));
        s.put("siit-56-eam-rate-limited", seed(6, tcp4(WirePackets.v4("10.1.2.3"), REMOTE4, 1, true, 30)));
        s.put("tiny-mtu-48", seed(7, udp4(CLAT4, REMOTE4, false, 300)));
        return s;
    }

    /** Seeds for {@link TranslatorFuzzTest#ipv6ToIpv4}, by file name. */
    static Map<String, byte[]> ipv6ToIpv4() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        byte[] remote = wkp(REMOTE4);
        byte[] router = wkp(ROUTER4);
        s.put("nat44-tcp-syn-ack", seed(0, tcp6(remote, CLAT6, 64, 0)));
        s.put("nat44-tcp-data", seed(0, tcp6(remote, CLAT6, 64, 1200)));
        s.put("nat44-udp", seed(0, udp6(remote, CLAT6, 40)));
        s.put("nat44-icmpv6-echo-request", seed(0, echo6(remote, CLAT6, 128)));
        s.put("nat44-icmpv6-echo-reply", seed(0, echo6(remote, CLAT6, 129)));
        s.put("nat44-hop-limit-1", seed(0, tcp6(remote, CLAT6, 1, 20)));
        s.put("extension-headers", seed(0, WirePackets.datagram6(0, 0, 64, remote, CLAT6,
                new int[] {HOP_BY_HOP, DEST_OPTS}, new byte[][] {WirePackets.extension(HOP_BY_HOP, 0, 0, new byte[0]),
                        WirePackets.extension(DEST_OPTS, 1, 0, new byte[0])}, UDP, WirePackets.udp(1, 2, data(30)),
                false)));
        s.put("routing-header-segments-left", seed(0, WirePackets.datagram6(0, 0, 64, remote, CLAT6,
                new int[] {WirePackets.ROUTING}, new byte[][] {WirePackets.extension(WirePackets.ROUTING, 0, 1,
                        new byte[0])}, UDP, WirePackets.udp(1, 2, data(30)), false)));
        byte[] seg = WirePackets.udp(53, 5353, data(1500));
        WirePackets.finishL4(seg, UDP, WirePackets.pseudo6(remote, CLAT6, UDP, seg.length), false);
        List<byte[]> frags = WirePackets.fragment6(0, 0, 64, remote, CLAT6, new int[0], new byte[0][], UDP, seg,
                1232, 0x1234_5678);
        s.put("fragment-first", seed(0, frags.get(0)));
        s.put("fragment-last", seed(0, frags.get(1)));
        byte[] small = WirePackets.udp(53, 5353, data(100));
        WirePackets.finishL4(small, UDP, WirePackets.pseudo6(remote, CLAT6, UDP, small.length), false);
        s.put("atomic-fragment", seed(0, WirePackets.fragment6(0, 0, 64, remote, CLAT6, new int[0], new byte[0][],
                UDP, small, 1232, 77).get(0)));
        s.put("small-ipv4-mtu-fragmented", seed(1, tcp6(v6("2001:db8:64:64:5d:b8d8:2200:0"), CLAT6, 64, 1000)));
        s.put("tiny-ipv4-mtu-68", seed(7, udp6(v6("2001:db8:48:5db8:d8:2200::"), CLAT6, 300)));
        // ICMPv6 errors from the IPv6 side about a packet the CLAT sent (its source is CLAT6).
        byte[] sent = udp6(CLAT6, remote, 100);
        s.put("icmpv6-port-unreachable", seed(0, error6(1, 4, 0, remote, CLAT6, sent)));
        s.put("icmpv6-no-route", seed(0, error6(1, 0, 0, router, CLAT6, Arrays.copyOf(sent, 48))));
        s.put("icmpv6-packet-too-big", seed(0, error6(2, 0, 1400, router, CLAT6, tcp6(CLAT6, remote, 63, 1400))));
        s.put("icmpv6-time-exceeded", seed(0, error6(3, 0, 0, router, CLAT6, sent)));
        s.put("icmpv6-parameter-problem-pointer", seed(0, error6(4, 0, 7, router, CLAT6, sent)));
        s.put("icmpv6-parameter-problem-next-header", seed(0, error6(4, 1, 6, router, CLAT6, sent)));
        s.put("icmpv6-error-rfc4884-length", seed(0, error6(3, 0, 16L << 24, router, CLAT6,
                Arrays.copyOf(Arrays.copyOf(sent, 128), 136))));
        byte[] damaged = error6(1, 4, 0, remote, CLAT6, sent);
        damaged[42] ^= 0x01;
        s.put("icmpv6-error-bad-checksum-dropped", seed(0, damaged));
        s.put("neighbour-solicitation-dropped", seed(0, error6(135, 0, 0, v6("fe80::1"), CLAT6, new byte[16])));
        // SIIT, EAM, hairpinning and the other modes.
        s.put("siit-any-to-any", seed(3, udp6(wkp(WirePackets.v4("198.51.100.9")), remote, 20)));
        s.put("siit-eam-source", seed(3, udp6(v6("2001:db8:eeee::5"), remote, 20)));
        s.put("siit-hairpin-to-eam", seed(3, udp6(remote, wkp(WirePackets.v4("198.51.100.7")), 20)));
        s.put("siit-hop-limit-1-time-exceeded", seed(3, udp6(remote, v6("2001:db8:7::7"), 20)));
        s.put("siit-jumbo", seed(3, tcp6(remote, wkp(WirePackets.v4("198.51.100.9")), 64, 8500)));
        s.put("edge-relay-to-own-address", seed(4, tcp6(v6("2001:db8:405d:b8d8:22::"),
                v6("2001:db8:e0::3"), 64, 30)));
        s.put("prefix-mode-to-lan-host", seed(2, tcp6(v6("2001:db8:64::5db8:d822"),
                v6("2001:db8:aaaa::c0a8:10a"), 64, 30)));
        s.put("siit-32", seed(5, udp6(v6("2001:db8:5db8:d822::"), v6("2001:db8:c633:6409::"), 20)));
        s.put("siit-56-eam", seed(6, udp6(v6("2001:db8:100:5d:b8:d822::"), v6("2001:db8:a00::1:203"), 20)));
        s.get("siit-hop-limit-1-time-exceeded")[1 + 7] = 1;
        return s;
    }

    /** Writes both corpora under {@code args[0]} (the test resources root). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("net/jclat/xlat/TranslatorFuzzTestInputs");
        write(root.resolve("ipv4ToIpv6"), ipv4ToIpv6());
        write(root.resolve("ipv6ToIpv4"), ipv6ToIpv4());
    }

    static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
