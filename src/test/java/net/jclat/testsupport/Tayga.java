package net.jclat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PLAT: Debian's TAYGA with a dynamic IPv4 pool, in a namespace, in front of whatever IPv4 the
 * namespace routes to. Test scaffolding only.
 */
public record Tayga(String ns, Path dir) {
    /** Creates TAYGA's TUN {@code tun}, routes {@code prefix} and {@code pool24}.0/24 into it, and starts it. */
    public static Tayga start(String ns, Path dir, String tun, String prefix, String pool24) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("tayga.conf"), "tun-device " + tun + "\nipv4-addr " + pool24 + ".1\n"
                + "prefix " + prefix + "\ndynamic-pool " + pool24 + ".0/24\ndata-dir " + dir.resolve("data")
                + "\n");
        Netns.in(ns, 10, "tayga", "--config", dir.resolve("tayga.conf").toString(), "--mktun");
        CpeLab.ip(ns, "link", "set", tun, "up");
        CpeLab.ip(ns, "route", "add", pool24 + ".0/24", "dev", tun);
        CpeLab.ip(ns, "-6", "route", "add", prefix, "dev", tun);
        Tayga t = new Tayga(ns, dir);
        t.restart();
        return t;
    }

    public void restart() throws IOException {
        Netns.Result r = Netns.in(ns, 10, "tayga", "--config", dir.resolve("tayga.conf").toString(),
                "--pidfile", dir.resolve("pid").toString());
        assertEquals(0, r.code(), r.output());
    }

    /** The PLAT process dies (SIGKILL); its TUN stays, so packets to the prefix vanish as with a dead box. */
    public void stop() throws IOException {
        Path pid = dir.resolve("pid");
        if (Files.exists(pid)) {
            Netns.run("kill", "-KILL", Files.readString(pid).strip());
            Files.delete(pid);
        }
    }

    /** Stops the TAYGA of each named sub-directory of {@code plats} and removes them all. */
    public static void stopAll(Path plats, String... names) throws IOException {
        for (String name : names) {
            new Tayga("", plats.resolve(name)).stop();
        }
        Netns.run("rm", "-rf", plats.toString());
    }
}
