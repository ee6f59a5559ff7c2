package net.jclat.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The IPv6-mostly LAN settings (docs/ipv6-mostly.md): on which LAN interfaces hosts that carry their own CLAT
 * are told the NAT64 prefix (RFC 8781 PREF64 in Router Advertisements) and that IPv6-only is preferred
 * (RFC 8925 DHCPv4 option 108), for as long as jclat has a healthy PLAT.
 *
 * @param interfaces        LAN interfaces, as configured ({@code ipv6-mostly}); empty means off
 * @param sendRa            jclat sends the PREF64 RAs itself ({@code ipv6-mostly-ra}); off where another
 *                          daemon (OpenWrt's odhcpd) advertises it from the hook's variables
 * @param v6onlyWait        option 108's V6ONLY_WAIT in seconds, at least MIN_V6ONLY_WAIT (RFC 8925 §3.4)
 * @param dhcpOptionsFile   the dnsmasq {@code dhcp-optsfile} jclat keeps, or null: jclat does no DHCPv4
 * @param dhcpServerPidFile the pid file of the dnsmasq that reads it (SIGHUP after each write), or null
 */
public record Ipv6MostlyConfig(List<String> interfaces, boolean sendRa, int v6onlyWait, Path dhcpOptionsFile,
        Path dhcpServerPidFile) {
    /** RFC 8925 §3.4: the smallest V6ONLY_WAIT a client accepts (it uses 300 s for anything less). */
    public static final int MIN_V6ONLY_WAIT = 300;
    /** RFC 8925 §3.4: the suggested default V6ONLY_WAIT. */
    public static final int DEFAULT_V6ONLY_WAIT = 1800;

    public static final Ipv6MostlyConfig OFF = new Ipv6MostlyConfig(List.of(), true, DEFAULT_V6ONLY_WAIT, null, null);

    public Ipv6MostlyConfig {
        interfaces = List.copyOf(interfaces);
    }

    /**
     * Adds {@code IFACE[,IFACE...]} to {@code to}. A name must be one Linux accepts (at most 15 bytes, no '/',
     * ':' or blanks) and, since it becomes a dnsmasq tag, no ',' either.
     */
    static void addInterfaces(List<String> to, String key, String v) {
        for (String part : v.split(",", -1)) {
            String name = part.strip();
            if (!name.matches("[A-Za-z0-9_.@-]{1,15}") || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException(key + " takes interface names separated by ',' (1 to 15 letters,"
                        + " digits, '_', '-', '.' or '@'), got '" + name + "'");
            }
            if (to.contains(name)) {
                throw new IllegalArgumentException(key + " lists " + name + " twice");
            }
            to.add(name);
        }
    }

    /** RFC 8925 §3.4: a client treats anything under MIN_V6ONLY_WAIT as 300 s, so a smaller value is refused. */
    static int v6onlyWait(String key, int seconds) {
        if (seconds < MIN_V6ONLY_WAIT) {
            throw new IllegalArgumentException(key + " must be at least " + MIN_V6ONLY_WAIT + " seconds, got "
                    + seconds + ": RFC 8925 §3.4 sets MIN_V6ONLY_WAIT to 300 and a client uses 300 for any smaller"
                    + " value");
        }
        return seconds;
    }

    public boolean enabled() {
        return !interfaces.isEmpty();
    }
}
