package net.jclat.discovery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.testsupport.Unbound;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Seed corpora of {@link RaFuzzTest} and {@link DnsAnswerFuzzTest}: Router Advertisements as routers send them
 * (SLLAO, MTU, PIO, RDNSS and PREF64 options), DNS answers for {@code ipv4only.arpa} AAAA captured from a real
 * unbound (when installed) and built with dnsjava, and synthesised addresses at every RFC 6052 length. Run
 * {@code main} with the test resources directory to rewrite them (bin/jclat-fuzz --seeds).
 */
final class DiscoveryFuzzSeeds {
    private DiscoveryFuzzSeeds() {
    }

    // ------------------------------------------------------------------------------------------------
    // Router Advertisements (RFC 4861 §4.2) and their options (§4.6, RFC 8106, RFC 8781).

    static byte[] ra(int routerLifetime, byte[]... options) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(134);
        o.write(0);
        o.write(0); // checksum: the kernel verified it; the parser does not look
        o.write(0);
        o.write(64); // cur hop limit
        o.write(0x40); // O flag
        o.write(routerLifetime >>> 8);
        o.write(routerLifetime);
        o.writeBytes(new byte[8]); // reachable time, retrans timer
        for (byte[] opt : options) {
            o.writeBytes(opt);
        }
        return o.toByteArray();
    }

    static byte[] pref64(int scaledLifetime, int plc, String prefix) throws IOException {
        byte[] o = new byte[16];
        o[0] = 38;
        o[1] = 2;
        int word = scaledLifetime << 3 | plc;
        o[2] = (byte) (word >>> 8);
        o[3] = (byte) word;
        System.arraycopy(InetAddress.getByName(prefix).getAddress(), 0, o, 4, 12);
        return o;
    }

    static byte[] sllao() {
        return new byte[] {1, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};
    }

    static byte[] mtu(int mtu) {
        return new byte[] {5, 1, 0, 0, (byte) (mtu >>> 24), (byte) (mtu >>> 16), (byte) (mtu >>> 8), (byte) mtu};
    }

    static byte[] pio(String prefix) throws IOException {
        byte[] o = new byte[32];
        o[0] = 3;
        o[1] = 4;
        o[2] = 64;
        o[3] = (byte) 0xC0; // L, A
        for (int i = 4; i < 12; i++) {
            o[i] = (byte) 0xFF; // valid and preferred lifetimes: infinity
        }
        System.arraycopy(InetAddress.getByName(prefix).getAddress(), 0, o, 16, 16);
        return o;
    }

    static byte[] rdnss(String server) throws IOException {
        byte[] o = new byte[24];
        o[0] = 25;
        o[1] = 3;
        o[7] = 60;
        System.arraycopy(InetAddress.getByName(server).getAddress(), 0, o, 8, 16);
        return o;
    }

    static Map<String, byte[]> routerAdvertisements() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("wkp-96-with-usual-options", ra(1800, sllao(), mtu(1500), pio("2001:db8:1::"),
                rdnss("2001:db8:1::53"), pref64(225, 0, "64:ff9b::")));
        s.put("nsp-64", ra(1800, sllao(), pref64(100, 1, "2001:db8:64:64::")));
        s.put("each-length", ra(600, pref64(10, 0, "2001:db8:96::"), pref64(10, 1, "2001:db8:64:64::"),
                pref64(10, 2, "2001:db8:56:5600::"), pref64(10, 3, "2001:db8:48::"), pref64(10, 4, "2001:db8:4000::"),
                pref64(10, 5, "2001:db8::")));
        s.put("withdrawal-lifetime-0", ra(1800, pref64(0, 0, "64:ff9b::")));
        s.put("max-lifetime", ra(1800, pref64(8191, 0, "64:ff9b::")));
        s.put("invalid-plc-ignored", ra(1800, pref64(100, 7, "64:ff9b::")));
        byte[] longOpt = new byte[24];
        longOpt[0] = 38;
        longOpt[1] = 3;
        s.put("pref64-length-3-ignored", ra(1800, longOpt, pref64(100, 0, "64:ff9b::")));
        s.put("no-pref64", ra(1800, sllao(), mtu(1280), pio("2001:db8:2::")));
        s.put("not-a-default-router", ra(0, pref64(100, 0, "64:ff9b::")));
        s.put("malformed-zero-length-option", ra(1800, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}));
        s.put("malformed-option-overruns", ra(1800, new byte[] {25, 9, 0, 0, 0, 0, 0, 0}));
        s.put("u-octet-set-96-ignored", ra(1800, pref64(100, 0, "2001:db8:64:64:ff00::")));
        return s;
    }

    /** The same RAs for {@link RaFuzzTest#routerAdvertisement}, with its flag byte (link-local, hop limit 255). */
    static Map<String, byte[]> receivedRouterAdvertisements() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : routerAdvertisements().entrySet()) {
            s.put(e.getKey(), withFlags(0, e.getValue()));
        }
        byte[] good = routerAdvertisements().get("wkp-96-with-usual-options");
        s.put("hop-limit-254", withFlags(1, good));
        s.put("no-hop-limit", withFlags(2, good));
        s.put("truncated", withFlags(4, good));
        s.put("global-source", withFlags(8, good));
        return s;
    }

    private static byte[] withFlags(int flags, byte[] message) {
        byte[] s = new byte[1 + message.length];
        s[0] = (byte) flags;
        System.arraycopy(message, 0, s, 1, message.length);
        return s;
    }

    // ------------------------------------------------------------------------------------------------
    // DNS answers for ipv4only.arpa AAAA (RFC 7050 §3).

    private static final Name Q = DnsDiscovery.IPV4ONLY_ARPA;

    static Message response(int rcode) {
        Message m = new Message(0x1234);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RD);
        m.getHeader().setFlag(Flags.RA);
        m.getHeader().setRcode(rcode);
        m.addRecord(Record.newRecord(Q, Type.AAAA, DClass.IN), Section.QUESTION);
        return m;
    }

    static Message withAaaa(Message m, Name owner, long ttl, String... addresses) throws IOException {
        for (String a : addresses) {
            m.addRecord(new AAAARecord(owner, DClass.IN, ttl, InetAddress.getByName(a)), Section.ANSWER);
        }
        return m;
    }

    static Map<String, byte[]> builtAnswers() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("wkp-96", withAaaa(response(Rcode.NOERROR), Q, 300, "64:ff9b::c000:aa", "64:ff9b::c000:ab").toWire());
        s.put("two-prefixes", withAaaa(response(Rcode.NOERROR), Q, 60, "2001:db8:122:344::c000:aa",
                "64:ff9b::c000:aa", "2001:db8:122:344::c000:ab", "64:ff9b::c000:ab").toWire());
        s.put("length-32", withAaaa(response(Rcode.NOERROR), Q, 300, "2001:db8:c000:aa::", "2001:db8:c000:ab::")
                .toWire());
        s.put("length-40", withAaaa(response(Rcode.NOERROR), Q, 300, "2001:db8:1c0:0:aa::").toWire());
        s.put("length-48", withAaaa(response(Rcode.NOERROR), Q, 300, "2001:db8:122:c000:0:aa00::").toWire());
        s.put("length-56", withAaaa(response(Rcode.NOERROR), Q, 300, "2001:db8:122:3c0:0:aa::").toWire());
        s.put("length-64", withAaaa(response(Rcode.NOERROR), Q, 300, "2001:db8:122:344:c0:0:aa00:0").toWire());
        Name alias = Name.fromConstantString("dns64.example.");
        Message cname = response(Rcode.NOERROR);
        cname.addRecord(new CNAMERecord(Q, DClass.IN, 60, alias), Section.ANSWER);
        s.put("cname-chain", withAaaa(cname, alias, 120, "64:ff9b::c000:aa").toWire());
        s.put("spoofed-no-wka", withAaaa(response(Rcode.NOERROR), Q, 60, "2001:db8::1", "2001:db8:122:344::c000:ac")
                .toWire());
        s.put("nxdomain", response(Rcode.NXDOMAIN).toWire());
        s.put("servfail", response(Rcode.SERVFAIL).toWire());
        s.put("nodata", response(Rcode.NOERROR).toWire());
        s.put("wka-twice-ambiguous", withAaaa(response(Rcode.NOERROR), Q, 60, "c000:aa::c000:aa").toWire());
        return s;
    }

    /** Answers a real unbound gives for the zones of {@code DnsDiscoveryUnboundTest}; empty without unbound. */
    static Map<String, byte[]> capturedAnswers() throws IOException, InterruptedException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        if (!Unbound.available()) {
            return s;
        }
        Map<String, List<String>> zones = new LinkedHashMap<>();
        zones.put("unbound-wkp-96", staticZone("64:ff9b::c000:aa", "64:ff9b::c000:ab"));
        zones.put("unbound-nsp-64", staticZone("2001:db8:122:344:c0:0:aa00:0", "2001:db8:122:344:c0:0:ab00:0"));
        zones.put("unbound-spoofed", staticZone("2001:db8::1"));
        zones.put("unbound-nxdomain", List.of("local-zone: \"ipv4only.arpa.\" always_nxdomain"));
        zones.put("unbound-nodata", List.of("local-zone: \"ipv4only.arpa.\" static",
                "local-data: \"ipv4only.arpa. 60 IN A 192.0.0.170\""));
        for (Map.Entry<String, List<String>> z : zones.entrySet()) {
            try (Unbound u = Unbound.start(z.getValue()); DatagramSocket socket = new DatagramSocket()) {
                byte[] query = Message.newQuery(Record.newRecord(Q, Type.AAAA, DClass.IN)).toWire();
                socket.setSoTimeout(2000);
                socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), u.port));
                DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                socket.receive(answer);
                byte[] wire = new byte[answer.getLength()];
                System.arraycopy(answer.getData(), 0, wire, 0, wire.length);
                s.put(z.getKey(), wire);
            }
        }
        return s;
    }

    private static List<String> staticZone(String... addresses) {
        List<String> lines = new ArrayList<>();
        lines.add("local-zone: \"ipv4only.arpa.\" static");
        for (String a : addresses) {
            lines.add("local-data: \"ipv4only.arpa. 300 IN AAAA " + a + "\"");
        }
        return lines;
    }

    static Map<String, byte[]> addresses() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        for (String a : List.of("64:ff9b::c000:aa", "2001:db8:c000:aa::", "2001:db8:1c0:0:aa::",
                "2001:db8:122:c000:0:aa00::", "2001:db8:122:3c0:0:ab::", "2001:db8:122:344:c0:0:aa00:0",
                "c000:aa::c000:aa", "2001:db8::1")) {
            s.put(a.replace(':', '_'), InetAddress.getByName(a).getAddress());
        }
        return s;
    }

    /** Writes every corpus under {@code args[0]} (the test resources root). */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources").resolve("net/jclat/discovery");
        write(root.resolve("RaFuzzTestInputs/pref64Option"), routerAdvertisements());
        write(root.resolve("RaFuzzTestInputs/routerAdvertisement"), receivedRouterAdvertisements());
        write(root.resolve("DnsAnswerFuzzTestInputs/ipv4onlyArpaAnswer"), builtAnswers());
        write(root.resolve("DnsAnswerFuzzTestInputs/ipv4onlyArpaAnswer"), capturedAnswers());
        write(root.resolve("DnsAnswerFuzzTestInputs/synthesisedAddress"), addresses());
    }

    static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
