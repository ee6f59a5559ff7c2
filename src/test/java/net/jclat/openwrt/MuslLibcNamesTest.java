package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jclat-jre's map-musl-libc.sh on real musl ELF files: a program and a library built with Debian's
 * musl-gcc (whose musl, like OpenWrt's, is "libc.so" with the loader /lib/ld-musl-x86_64.so.1), then
 * given Alpine's name for the C library (libc.musl-x86_64.so.1) with patchelf, as the Temurin Alpine
 * JDK's files have it. No Alpine JDK is reachable from this machine, so this proves the mapping, not
 * the JDK's own list of NEEDED names (docs/runtime.md).
 */
class MuslLibcNamesTest {
    private static final Path SCRIPT = OpenWrtFiles.PACKAGES.get("jclat-jre").resolve("map-musl-libc.sh");
    private static final Pattern NEEDED = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^\\]]+)\\]");

    @TempDir
    Path dir;

    private static Netns.Result ok(String... cmd) throws Exception {
        Netns.Result r = Netns.exec(60, cmd);
        assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r.output());
        return r;
    }

    private static List<String> needed(Path elf) throws Exception {
        Matcher m = NEEDED.matcher(ok("readelf", "-d", elf.toString()).output());
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void alpinesLibcNameBecomesOpenWrtsAndTheProgramStillRuns() throws Exception {
        Path jre = Files.createDirectories(dir.resolve("jre"));
        Path lib = Files.createDirectories(jre.resolve("lib"));
        Path bin = Files.createDirectories(jre.resolve("bin"));
        Files.writeString(dir.resolve("hi.c"), "int hi(void) { return 42; }\n");
        Files.writeString(dir.resolve("main.c"),
                "#include <stdio.h>\nint hi(void);\nint main(void) { printf(\"hi %d\\n\", hi()); return 0; }\n");
        ok("musl-gcc", "-shared", "-fPIC", "-o", lib.resolve("libhi.so").toString(), dir.resolve("hi.c").toString());
        ok("musl-gcc", "-o", bin.resolve("prog").toString(), dir.resolve("main.c").toString(), "-L" + lib,
                "-lhi", "-Wl,-rpath,$ORIGIN/../lib");
        assertEquals(List.of("libhi.so", "libc.so"), needed(bin.resolve("prog")), "Debian's musl names libc.so");
        for (Path elf : List.of(bin.resolve("prog"), lib.resolve("libhi.so"))) {
            ok("patchelf", "--replace-needed", "libc.so", "libc.musl-x86_64.so.1", elf.toString());
        }
        assertEquals(List.of("libhi.so", "libc.musl-x86_64.so.1"), needed(bin.resolve("prog")));
        // musl's loader treats any "libc.*" it is asked for as itself, so even the unmapped file runs:
        // the mapping is for OpenWrt's package check, which only knows the name libc.so.
        assertEquals("hi 42\n", ok(bin.resolve("prog").toString()).output());
        Files.writeString(lib.resolve("notes.txt"), "not ELF\n");
        byte[] textBefore = Files.readAllBytes(lib.resolve("notes.txt"));

        Netns.Result mapped = ok(SCRIPT.toString(), jre.toString());

        assertTrue(mapped.output().contains("2 NEEDED entries mapped to libc.so; the runtime needs: libc.so libhi.so"),
                mapped.output());
        assertEquals(List.of("libhi.so", "libc.so"), needed(bin.resolve("prog")));
        assertEquals(List.of("libc.so"), needed(lib.resolve("libhi.so")));
        assertEquals("hi 42\n", ok(bin.resolve("prog").toString()).output(), "the mapped program still loads");
        assertEquals(new String(textBefore), Files.readString(lib.resolve("notes.txt")), "non-ELF files untouched");
        Netns.Result again = ok(SCRIPT.toString(), jre.toString());
        assertTrue(again.output().contains("0 NEEDED entries mapped"), "idempotent: " + again.output());
    }

    @Test
    void aMissingDirectoryIsAUsageError() throws Exception {
        Netns.Result r = Netns.exec(30, SCRIPT.toString(), dir.resolve("nope").toString());
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("usage: map-musl-libc.sh JRE_DIR"), r.output());
    }
}
