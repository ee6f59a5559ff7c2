package net.jclat.testsupport;

import java.io.IOException;

/** Real Router Advertisements with one PREF64 option, sent with scapy from a namespace. Test scaffolding. */
public final class RouterAdvertisements {
    private RouterAdvertisements() {
    }

    /**
     * Sends one RA from fe80::1 to ff02::1 (hop limit 255, router lifetime 0 so no default route is made)
     * carrying PREF64 (RFC 8781 §4: type 38, length 2, 13-bit lifetime in units of 8 s, 3-bit PLC, 96
     * prefix bits) for {@code prefix} with code {@code plc} (0 = /96, 1 = /64 ...).
     */
    public static void sendPref64(String ns, String iface, String prefix, int plc, int lifetimeSeconds)
            throws IOException {
        String addr = prefix.substring(0, prefix.indexOf('/'));
        String script = "import socket, struct\n"
                + "from scapy.all import Ether, IPv6, ICMPv6ND_RA, Raw, sendp\n"
                + "opt = struct.pack('!BBH', 38, 2, ((" + lifetimeSeconds + " // 8) << 3) | " + plc + ")"
                + " + socket.inet_pton(socket.AF_INET6, '" + addr + "')[:12]\n"
                + "sendp(Ether(dst='33:33:00:00:00:01') / IPv6(src='fe80::1', dst='ff02::1', hlim=255)"
                + " / ICMPv6ND_RA(routerlifetime=0) / Raw(opt), iface='" + iface + "', verbose=False)\n";
        // Debian's python3 has scapy; a python3 earlier on PATH may not.
        Netns.Result r = Netns.in(ns, 20, "/usr/bin/python3", "-c", script);
        if (r.code() != 0) {
            throw new IOException("scapy could not send the RA: " + r.output());
        }
    }
}
