package net.jclat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {
    @TempDir
    Path dir;

    private static List<String> texts(List<DnsServer> servers) {
        return servers.stream().map(DnsServer::toString).toList();
    }

    @Test
    void nameserversInFileOrderWithCommentsAndOtherKeywordsIgnored() {
        String text = """
                # Interface wan6
                ; a comment
                search lan
                nameserver 2001:db8::53
                options edns0
                #nameserver 192.0.2.99
                nameserver\t192.0.2.1   # trailing words are ignored
                  nameserver 192.0.2.98
                nameservers 192.0.2.97
                nameserver 192.0.2.2
                """;
        assertEquals(List.of("2001:db8::53", "192.0.2.1", "192.0.2.2"), texts(ResolvConf.parse(text, "t")));
    }

    @Test
    void badLinesAreSkippedAndTheRestKept() {
        String text = "nameserver\nnameserver router.lan\nnameserver 192.0.2.300\nnameserver 192.0.2.1:5353\n"
                + "nameserver [2001:db8::1]\nnameserver 192.0.2.7\r\nnameserver fe80::1%nosuchif0\n";
        assertEquals(List.of("192.0.2.7"), texts(ResolvConf.parse(text, "t")));
    }

    @Test
    void zonesArePassedToTheAddress() throws SocketException {
        int lo = NetworkInterface.getByName("lo").getIndex();
        assertEquals(List.of("fe80::1%" + lo, "2001:db8::1"),
                texts(ResolvConf.parse("nameserver fe80::1%lo\nnameserver 2001:db8::1%lo\n", "t")));
    }

    @Test
    void firstFileThatExistsAndHasServersWins() throws IOException {
        Path missing = dir.resolve("resolv.conf.auto");
        Path empty = Files.writeString(dir.resolve("empty"), "# nothing yet\nsearch lan\n");
        Path bad = Files.writeString(dir.resolve("bad"), "nameserver not-an-address\n");
        Path system = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\n");
        Path later = Files.writeString(dir.resolve("later"), "nameserver 192.0.2.9\n");
        assertEquals(List.of("127.0.0.53"),
                texts(ResolvConf.firstWithServers(List.of(missing, empty, bad, system, later))));
        Path auto = Files.writeString(dir.resolve("auto"), "nameserver 2001:db8::1\nnameserver 192.0.2.1\n");
        assertEquals(List.of("2001:db8::1", "192.0.2.1"), texts(ResolvConf.firstWithServers(List.of(auto, system))));
        assertEquals(List.of(), ResolvConf.firstWithServers(List.of(missing, empty, dir)));
    }

    @Test
    void defaultsLookAtOpenWrtFirst() {
        assertEquals(List.of(Path.of("/tmp/resolv.conf.d/resolv.conf.auto"), Path.of("/etc/resolv.conf")),
                List.of(ResolvConf.OPENWRT_AUTO, ResolvConf.SYSTEM));
    }
}
