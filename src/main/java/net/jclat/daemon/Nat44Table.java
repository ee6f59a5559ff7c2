package net.jclat.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import net.jclat.xlat.Addresses;

/**
 * The nftables table that source-NATs LAN IPv4 to the CLAT address on its way into the TUN (mode nat44 on
 * plain Linux; on OpenWrt fw4 does this). One table per TUN, named after it, so removing it removes
 * exactly what jclat added. nftables has no stable Java binding, so this is the one place jclat runs a
 * program: {@code nft -f -}.
 */
final class Nat44Table {
    private final String table;
    private final String tun;
    private final int clatIpv4;

    Nat44Table(String tun, int clatIpv4) {
        this.table = "jclat_" + tun.replaceAll("[^A-Za-z0-9_]", "_");
        this.tun = tun;
        this.clatIpv4 = clatIpv4;
    }

    String name() {
        return table;
    }

    void install() throws IOException {
        // Recreate atomically: "add" then "delete" makes the delete succeed even if the table is absent.
        nft("add table ip " + table + "\n"
                + "delete table ip " + table + "\n"
                + "table ip " + table + " {\n"
                + "  chain postrouting {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    oifname \"" + tun + "\" ip saddr != " + Addresses.formatIpv4(clatIpv4) + " snat to "
                + Addresses.formatIpv4(clatIpv4) + "\n"
                + "  }\n"
                + "}\n");
    }

    void remove() throws IOException {
        nft("add table ip " + table + "\ndelete table ip " + table + "\n");
    }

    private static void nft(String script) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run nft (install nftables): " + e.getMessage());
        }
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nft did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running nft");
        }
        if (p.exitValue() != 0) {
            throw new IOException("nft failed: " + new String(p.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8).strip());
        }
    }
}
