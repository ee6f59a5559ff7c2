package net.jclat.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts every IPv4 and ARP frame arriving on one interface, with an nftables {@code netdev} ingress chain
 * in that interface's namespace. Put on the provider's side of a CLAT's uplink it sees any IPv4 the CPE
 * sends natively — which a CLAT on an IPv6-only uplink must never cause. Test scaffolding only.
 */
public final class NativeIpv4Watch implements AutoCloseable {
    private final String ns;
    private final String table;

    /** One frame's worth of counters by EtherType. */
    public record Seen(long ipv4, long arp) {
        public boolean none() {
            return ipv4 == 0 && arp == 0;
        }
    }

    private NativeIpv4Watch(String ns, String table) {
        this.ns = ns;
        this.table = table;
    }

    /** Starts counting on {@code dev} in namespace {@code ns}. */
    public static NativeIpv4Watch on(String ns, String dev) throws IOException {
        String table = "jclatwatch_" + dev.replaceAll("[^A-Za-z0-9_]", "_");
        nft(ns, "table netdev " + table + " {\n"
                + "  chain ingress {\n"
                + "    type filter hook ingress device \"" + dev + "\" priority -500; policy accept;\n"
                + "    meta protocol ip counter\n"
                + "    meta protocol arp counter\n"
                + "  }\n"
                + "}\n");
        return new NativeIpv4Watch(ns, table);
    }

    public Seen seen() throws IOException {
        String rules = Netns.run("ip", "netns", "exec", ns, "nft", "list", "table", "netdev", table);
        return new Seen(packets(rules, "meta protocol ip "), packets(rules, "meta protocol arp "));
    }

    private static long packets(String rules, String match) {
        Matcher m = Pattern.compile(Pattern.quote(match) + "counter packets (\\d+)").matcher(rules);
        if (!m.find()) {
            throw new IllegalStateException("no counter for " + match + " in " + rules);
        }
        return Long.parseLong(m.group(1));
    }

    private static void nft(String ns, String script) throws IOException {
        Path f = Files.createTempFile("jclat-watch", ".nft");
        try {
            Files.writeString(f, script, StandardCharsets.UTF_8);
            Netns.run("ip", "netns", "exec", ns, "nft", "-f", f.toString());
        } finally {
            Files.delete(f);
        }
    }

    @Override
    public void close() throws IOException {
        Netns.exec(10, "ip", "netns", "exec", ns, "nft", "delete", "table", "netdev", table);
    }
}
