package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.fastpath.FastPathCounters;
import net.jclat.xlat.Counters;
import net.jclat.xlat.Drop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status file: its JSON (what rpcd, LuCI and scripts parse) and how it is written (atomically, and every
 * time: the file's age is its readers' liveness signal, so even an unchanged status is written again).
 */
class StatusFileTest {
    @TempDir
    Path dir;

    private static Map<String, Object> fields(long uptime) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", "running");
        f.put("pref64_expires_in", -1L);
        f.put("tun_mtu", 1500);
        f.put("native_ipv4", false);
        f.put("worker_cpus", List.of("0", "1"));
        f.put("uptime_seconds", uptime);
        return f;
    }

    @Test
    void escapesWhatJsonNeedsAndNothingElse() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("plain", "no NAT64 (2001:db8::1 says NXDOMAIN)");
        f.put("quote\"key", "a \"quoted\" \\path\\ and a\nnew line\u0001");
        f.put("nested", Map.of("k", List.of(1, 2L, true, "x")));
        f.put("ratio", 0.5);
        long[] c = new long[Counters.SIZE];
        c[Counters.IN4_PACKETS] = 42;
        c[Counters.dropIndex(Drop.values()[0])] = 3;
        String j = StatusFile.json(f, c);
        assertTrue(j.startsWith("{\"plain\":\"no NAT64 (2001:db8::1 says NXDOMAIN)\","
                + "\"quote\\\"key\":\"a \\\"quoted\\\" \\\\path\\\\ and a\\u000anew line\\u0001\","
                + "\"nested\":{\"k\":[1,2,true,\"x\"]},\"ratio\":0.5,\"counters\":{\"ipv4_in_packets\":42,"), j);
        assertTrue(j.endsWith("\"drops\":{\"" + Drop.values()[0].label() + "\":3}}\n"), j);
    }

    /** The keys and order of the fast path's object, as the status file had them before its keys became constants. */
    @Test
    void fastPathObjectKeepsItsKeys() {
        long[] v = new long[32];
        for (int i = 0; i < v.length; i++) {
            v[i] = 100 + i;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("fast_path", new FastPathStatus("translating", "", "tcx", new FastPathCounters(v)).fields());
        String j = StatusFile.json(f, new long[Counters.SIZE]);
        assertTrue(j.startsWith("{\"fast_path\":{\"state\":\"translating\",\"reason\":\"\",\"hook\":\"tcx\","
                + "\"packets_6to4\":100,\"bytes_6to4\":101,\"super_packets_6to4\":115,\"passed_6to4\":1290,"
                + "\"passed_6to4_by_reason\":{\"no_config\":102,\"not_ip\":103,\"malformed\":104,\"options\":105,"
                + "\"fragment\":106,\"protocol\":107,\"udp_zero_csum\":108,\"address\":109,\"ttl\":110,"
                + "\"too_big\":111,\"gso\":112,\"helper\":113,\"dropped_helper\":114},\"packets_4to6\":116,"
                + "\"bytes_4to6\":117,\"super_packets_4to6\":131,\"passed_4to6\":1482,\"passed_4to6_by_reason\":{"
                + "\"no_config\":118,\"not_ip\":119,\"malformed\":120,\"options\":121,\"fragment\":122,"
                + "\"protocol\":123,\"udp_zero_csum\":124,\"address\":125,\"ttl\":126,\"too_big\":127,\"gso\":128,"
                + "\"helper\":129,\"dropped_helper\":130}},\"counters\":{"), j);
    }

    @Test
    void replacesTheFileAtomicallyAndLeavesNoTemporary() throws IOException {
        Path p = dir.resolve("run/jclat/status.json");
        StatusFile file = new StatusFile(p);
        long[] c = new long[Counters.SIZE];
        file.write(fields(1), c);
        assertEquals(StatusFile.json(fields(1), c), Files.readString(p));
        Object inode = Files.getAttribute(p, "unix:ino");
        file.write(fields(2), c);
        assertEquals(StatusFile.json(fields(2), c), Files.readString(p));
        // A new file renamed over the old one, never the old one rewritten in place (a reader saw half a file).
        assertNotEquals(inode, Files.getAttribute(p, "unix:ino"));
        try (var list = Files.list(p.getParent())) {
            assertEquals(List.of(p), list.toList());
        }
    }

    /** rpcd's status_age_seconds and LuCI's "stale" come from the mtime: an unchanged status is written too. */
    @Test
    void anUnchangedStatusIsWrittenAgain() throws IOException {
        Path p = dir.resolve("status.json");
        StatusFile file = new StatusFile(p);
        long[] c = new long[Counters.SIZE];
        file.write(fields(5), c);
        Instant old = Instant.now().minusSeconds(3600);
        Files.setLastModifiedTime(p, FileTime.from(old));
        file.write(fields(5), c);
        assertTrue(Files.getLastModifiedTime(p).toInstant().isAfter(old.plusSeconds(3000)),
                "mtime " + Files.getLastModifiedTime(p));
    }

    @Test
    void aRemovedDirectoryIsMadeAgainAfterTheWriteThatFailed() throws IOException {
        Path p = dir.resolve("gone/status.json");
        StatusFile file = new StatusFile(p);
        long[] c = new long[Counters.SIZE];
        file.write(fields(1), c);
        Files.delete(p);
        Files.delete(p.getParent());
        assertThrows(IOException.class, () -> file.write(fields(2), c));
        file.write(fields(3), c);
        assertEquals(StatusFile.json(fields(3), c), Files.readString(p));
    }

    @Test
    void aRenameThatCannotReplaceSaysWhy() throws IOException {
        Path p = dir.resolve("status.json");
        Files.createDirectories(p.resolve("in-the-way")); // a non-empty directory where the file goes
        StatusFile file = new StatusFile(p);
        IOException e = assertThrows(IOException.class, () -> file.write(fields(1), new long[Counters.SIZE]));
        assertTrue(String.valueOf(e.getMessage()).contains("status.json"), e.toString());
        assertFalse(Files.isRegularFile(p));
    }
}
