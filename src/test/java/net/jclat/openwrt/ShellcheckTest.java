package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every shell script in the repository (found by name or by its #! line) passes shellcheck. */
class ShellcheckTest {
    private static final Pattern SHELL = Pattern.compile("^#!\\s*\\S*/(env\\s+)?(sh|bash|dash|ash)\\b.*");

    @Test
    void everyShellFileIsShellcheckClean() throws Exception {
        List<String> files = shellFiles();
        for (String expected : List.of("bin/jclat", "bin/jclat-setup", ".ci/run", "uci-defaults/90-jclat",
                "image-builder/build-image.sh", "openwrt-package/net/jclat/files/464xlat.sh",
                "openwrt-package/net/jclat/files/jclat.script", "openwrt-package/net/jclat/files/jclat.init",
                "src/test/resources/openwrt-standin/lib/netifd/netifd-proto.sh",
                "src/test/resources/openwrt-standin/netifd-run.sh",
                "src/test/resources/openwrt-standin/procd-instance.sh")) {
            assertTrue(files.contains(expected), expected + " is checked: " + files);
        }
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--severity=style"));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).directory(OpenWrtFiles.REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "shellcheck on " + files.size() + " files:\n" + out);
    }

    /** Shell files outside build output and git: a .sh name or a #! line naming a shell. */
    private static List<String> shellFiles() throws IOException {
        Path repo = OpenWrtFiles.REPO;
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(repo)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                String rel = repo.relativize(f).toString();
                if (rel.startsWith("target/") || rel.startsWith(".git/") || rel.contains("/node_modules/")) {
                    continue;
                }
                if (rel.endsWith(".sh") || SHELL.matcher(firstLine(f)).matches()) {
                    out.add(rel);
                }
            }
        }
        return out;
    }

    private static String firstLine(Path f) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
            String line = r.readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            return "";
        }
    }

}
