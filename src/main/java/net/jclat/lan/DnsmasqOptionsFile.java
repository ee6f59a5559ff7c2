package net.jclat.lan;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The dnsmasq {@code dhcp-optsfile} that carries DHCPv4 option 108, IPv6-Only Preferred (RFC 8925), on the
 * IPv6-mostly interfaces while hosts should use their own CLAT, and nothing otherwise; after each change the
 * dnsmasq in the pid file re-reads it on SIGHUP (man dnsmasq, --dhcp-optsfile).
 *
 * <p>One line per interface, {@code tag:IFACE,108,00:00:07:08}: dnsmasq sets a tag named after the interface a
 * request arrived on, and the value is V6ONLY_WAIT as 4 bytes in network order (RFC 8925 §3.1), written as hex
 * so every dnsmasq version sends exactly those 4 bytes. A plain {@code dhcp-option} (not
 * {@code dhcp-option-force}) is only sent to clients that list 108 in their Parameter Request List, as
 * RFC 8925 §3.3 requires of the server.
 */
public final class DnsmasqOptionsFile {
    private DnsmasqOptionsFile() {
    }

    /** The file's text: one option-108 line per interface when {@code on}, else only the comment. */
    public static String text(List<String> interfaces, long v6onlyWait, boolean on) {
        StringBuilder b = new StringBuilder("# written by jclat: RFC 8925 option 108 while the CLAT's PLAT is healthy\n");
        if (on) {
            String value = String.format("%02x:%02x:%02x:%02x", v6onlyWait >>> 24 & 0xFF, v6onlyWait >>> 16 & 0xFF,
                    v6onlyWait >>> 8 & 0xFF, v6onlyWait & 0xFF);
            for (String iface : interfaces) {
                b.append("tag:").append(iface).append(",108,").append(value).append('\n');
            }
        }
        return b.toString();
    }

    /** Writes {@code text} atomically: dnsmasq never reads half a file. */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** SIGHUP to the pid in {@code pidFile}, so dnsmasq re-reads its options file. */
    public static void signal(Path pidFile) throws IOException {
        String text = Files.readString(pidFile).strip();
        int pid;
        try {
            pid = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException(pidFile + " holds '" + text + "', not a process id");
        }
        if (pid <= 1) {
            throw new IOException(pidFile + " holds " + pid + ", not a DHCP server's process id");
        }
        try {
            LanLibC.kill(pid, LanLibC.SIGHUP);
        } catch (LastErrorException e) {
            throw new IOException("cannot send SIGHUP to " + pid + " (from " + pidFile + "): " + e.getMessage(), e);
        }
    }
}
