package net.jclat.lan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Where jclat's RAs come from on a LAN interface: a link-local address of its own, stable per instance and
 * interface (so hosts see one PREF64 source across restarts, and a withdrawal after a restart reaches the state
 * the last run left), and the interface's MAC for the Source Link-Layer Address option.
 */
public final class AnnouncerAddress {
    private AnnouncerAddress() {
    }

    /**
     * fe80::/64 with an interface identifier from a hash of {@code instance} and {@code ifname}, its first octet
     * 0x68 ("universal/local" bit clear: a locally made identifier, RFC 4291 §2.5.1). An EUI-64 identifier from
     * a MAC always has 0xff 0xfe in its middle; this one never does, so it cannot be a NIC's address.
     */
    public static byte[] linkLocal(String instance, String ifname) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte c : (instance + "/" + ifname).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (c & 0xFF)) * 0x100000001b3L;
        }
        long iid = 0x6800_0000_0000_0000L | (h & 0x00FF_FFFF_FFFF_FFFFL);
        if (((iid >>> 24) & 0xFFFF) == 0xFFFE) {
            iid ^= 0x0100_0000L;
        }
        return ByteBuffer.allocate(16).putLong(0xfe80_0000_0000_0000L).putLong(iid).array();
    }

    /** The interface's link-layer address from sysfs; an error names the interface. */
    static byte[] mac(String ifname) throws IOException {
        Path p = Path.of("/sys/class/net", ifname, "address");
        String text = Files.readString(p).strip();
        byte[] mac;
        try {
            mac = HexFormat.ofDelimiter(":").parseHex(text);
        } catch (IllegalArgumentException e) {
            mac = new byte[0];
        }
        if (mac.length != 6) {
            throw new IOException(ifname + " has no Ethernet address (" + p + ": '" + text
                    + "'): PREF64 RAs need an Ethernet-like LAN");
        }
        return mac;
    }
}
