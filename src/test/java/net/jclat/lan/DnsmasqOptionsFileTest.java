package net.jclat.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The dnsmasq options file for RFC 8925 option 108: its lines, its atomic replacement, the SIGHUP. */
class DnsmasqOptionsFileTest {
    @Test
    void oneTaggedLinePerInterfaceWithV6onlyWaitAsFourBytesInNetworkOrder() {
        String on = DnsmasqOptionsFile.text(List.of("lan0", "br-guest"), 1800, true);
        assertEquals(List.of("tag:lan0,108,00:00:07:08", "tag:br-guest,108,00:00:07:08"),
                on.lines().filter(l -> !l.startsWith("#")).toList());
        assertTrue(DnsmasqOptionsFile.text(List.of("lan0"), 0x12345678L, true).contains("tag:lan0,108,12:34:56:78"));
        assertEquals(List.of(), DnsmasqOptionsFile.text(List.of("lan0"), 1800, false).lines()
                .filter(l -> !l.startsWith("#")).toList(), "withdrawn: no option lines");
    }

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryBehind() throws IOException {
        Path dir = Files.createTempDirectory("jclat-opts");
        try {
            Path f = dir.resolve("opts");
            DnsmasqOptionsFile.write(f, "a\n");
            DnsmasqOptionsFile.write(f, "b\n");
            assertEquals("b\n", Files.readString(f));
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(List.of(f), s.toList());
            }
        } finally {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void signalSendsSighupToThePidInTheFileAndNamesABadFile() throws Exception {
        Path dir = Files.createTempDirectory("jclat-pid");
        Path heard = dir.resolve("heard");
        Path pid = dir.resolve("pid");
        Process p = new ProcessBuilder("sh", "-c", "trap 'echo HUP >> " + heard + "' HUP; echo $$ > " + pid
                + "; while :; do sleep 0.1; done").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!(Files.exists(pid) && Files.readString(pid).endsWith("\n")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            DnsmasqOptionsFile.signal(pid);
            while (!Files.exists(heard) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("HUP\n", Files.readString(heard));
            Files.writeString(pid, "dnsmasq\n");
            assertEquals(pid + " holds 'dnsmasq', not a process id",
                    assertThrows(IOException.class, () -> DnsmasqOptionsFile.signal(pid)).getMessage());
            Files.writeString(pid, "1\n");
            assertThrows(IOException.class, () -> DnsmasqOptionsFile.signal(pid), "never init");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(heard);
            Files.deleteIfExists(pid);
            Files.delete(dir);
        }
    }
}
