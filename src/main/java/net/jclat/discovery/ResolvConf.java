package net.jclat.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jclat.log.Log;

/**
 * The {@code nameserver} lines of a resolv.conf(5) file. dnsjava reads only {@code /etc/resolv.conf}; on
 * OpenWrt that file points at the local dnsmasq, and the provider's servers (the ones that do DNS64) are in
 * netifd's {@code /tmp/resolv.conf.d/resolv.conf.auto}, so that file is tried first.
 */
public final class ResolvConf {
    /** Written by netifd on OpenWrt: the servers each interface learnt, before dnsmasq. */
    public static final Path OPENWRT_AUTO = Path.of("/tmp/resolv.conf.d/resolv.conf.auto");
    public static final Path SYSTEM = Path.of("/etc/resolv.conf");

    private ResolvConf() {
    }

    /** The servers of the first of {@link #OPENWRT_AUTO} and {@link #SYSTEM} that exists and names any. */
    public static List<DnsServer> defaultServers() {
        return firstWithServers(List.of(OPENWRT_AUTO, SYSTEM));
    }

    /** The servers of the first file in {@code files} that can be read and has a usable nameserver line. */
    public static List<DnsServer> firstWithServers(List<Path> files) {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                List<DnsServer> servers = read(file);
                if (!servers.isEmpty()) {
                    return servers;
                }
                Log.debug("{} names no usable DNS server", file);
            } catch (IOException e) {
                Log.warn("cannot read {}: {}", file, e.getMessage());
            }
        }
        return List.of();
    }

    public static List<DnsServer> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * The servers named by {@code nameserver ADDRESS} lines, in file order. As in resolv.conf(5), the keyword
     * starts the line, lines starting with {@code #} or {@code ;} are comments, and anything after the
     * address is ignored; there is no port. A line whose address does not parse is skipped with a warning
     * naming file:line.
     */
    public static List<DnsServer> parse(String text, String source) {
        List<DnsServer> servers = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.startsWith("nameserver")) {
                continue;
            }
            String rest = line.substring("nameserver".length());
            if (!rest.isEmpty() && rest.charAt(0) != ' ' && rest.charAt(0) != '\t') {
                continue; // "nameservers ..." or similar: not our keyword
            }
            String[] words = rest.strip().split("[ \t]+");
            if (words[0].isEmpty()) {
                Log.warn("{}:{}: nameserver without an address", source, i + 1);
                continue;
            }
            String word = words[0];
            if (word.startsWith("[") || word.indexOf(':') >= 0 && word.indexOf(':') == word.lastIndexOf(':')) {
                // resolv.conf has no port syntax; the C library would skip this line, so do we.
                Log.warn("{}:{}: '{}': resolv.conf takes a bare address, without brackets or port",
                        source, i + 1, word);
                continue;
            }
            try {
                servers.add(DnsServer.parse(word));
            } catch (IllegalArgumentException e) {
                Log.warn("{}:{}: {}", source, i + 1, e.getMessage());
            }
        }
        return List.copyOf(servers);
    }
}
