package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What an OpenWrt reviewer and OpenWrt's own tooling check in the feed's package Makefiles, read as text
 * (a real OpenWrt tree cannot live in the repo; docs/openwrt.md says how far a real tree was run):
 * licence and maintainer fields, download hashes that "make check FIXUP=1" can write, and no file that
 * two packages an image can hold both install.
 */
class OpenWrtPackagesTest {
    /**
     * Files of OpenWrt's own packages, copied by hand from their sources: 464xlat from openwrt/openwrt
     * package/network/ipv6/464xlat/Makefile (Package/464xlat/install), luci-proto-ipv6 from openwrt/luci
     * protocols/luci-proto-ipv6/htdocs (installed under /www by luci.mk). luci-light and luci pull in
     * luci-proto-ipv6, so every LuCI image has it.
     */
    static final Set<String> FILES_464XLAT = Set.of("/lib/netifd/proto/464xlat.sh", "/sbin/464xlatcfg");
    static final Set<String> FILES_LUCI_PROTO_IPV6 = Set.of(
            "/www/luci-static/resources/protocol/464xlat.js", "/www/luci-static/resources/protocol/6in4.js",
            "/www/luci-static/resources/protocol/6rd.js", "/www/luci-static/resources/protocol/6to4.js",
            "/www/luci-static/resources/protocol/dhcpv6.js", "/www/luci-static/resources/protocol/dslite.js",
            "/www/luci-static/resources/protocol/ipip6.js", "/www/luci-static/resources/protocol/map.js");

    private static final Pattern HASH_LINE = Pattern.compile("^\\s*(PKG_HASH|PKG_MIRROR_HASH|HASH)\\s*:?=(.*)$");
    private static final Pattern MAINTAINER = Pattern.compile("^\\s*(PKG_MAINTAINER|LUCI_MAINTAINER):=(.+)$");
    private static final Pattern CONTACT = Pattern.compile(".+ <[^@<>\\s]+@[^@<>\\s]+>");

    private static String makefile(String pkg) throws IOException {
        return Files.readString(OpenWrtFiles.PACKAGES.get(pkg).resolve("Makefile"));
    }

    private static List<String> values(String text, String variable) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(variable) + "\\s*:?=(.*)$").matcher(text);
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }

    @Test
    void everyPackageNamesItsLicenceLicenceFilesAndAMaintainerWithAContact() throws Exception {
        for (String pkg : OpenWrtFiles.PACKAGES.keySet()) {
            String mk = makefile(pkg);
            assertFalse(values(mk, "PKG_LICENSE").isEmpty(), pkg + ": PKG_LICENSE ('Missing license!')");
            assertFalse(values(mk, "PKG_LICENSE_FILES").isEmpty(), pkg + ": PKG_LICENSE_FILES");
            List<String> maintainers = new ArrayList<>();
            for (String line : mk.split("\n")) {
                Matcher m = MAINTAINER.matcher(line);
                if (m.matches()) {
                    maintainers.add(m.group(2).trim());
                }
            }
            assertFalse(maintainers.isEmpty(), pkg + ": no maintainer");
            for (String who : maintainers) {
                assertTrue(CONTACT.matcher(who).matches(), pkg + ": maintainer without a contact: " + who);
            }
        }
        assertTrue(Files.isRegularFile(OpenWrtFiles.REPO.resolve("LICENSE")), "the LICENSE the packages name");
        assertTrue(Files.readString(OpenWrtFiles.REPO.resolve("LICENSE")).contains("Apache License"));
        assertEquals(List.of("Apache-2.0"), values(makefile("jclat"), "PKG_LICENSE"));
    }

    @Test
    void theLuciAppHasItsOwnMaintainerAndUrlNotLucis() throws Exception {
        String mk = makefile("luci-app-jclat");
        assertEquals(1, values(mk, "LUCI_URL").size(), "luci.mk's default is LuCI's repository");
        assertFalse(values(mk, "LUCI_URL").get(0).contains("openwrt/luci"));
        assertFalse(String.join(" ", values(mk, "LUCI_MAINTAINER")).contains("LuCI community"));
        assertFalse(Files.exists(OpenWrtFiles.PACKAGES.get("luci-app-jclat").resolve("root/etc/uci-defaults")),
                "luci.mk's postinst already clears LuCI's caches and reloads rpcd");
    }

    @Test
    void jclatNeedsIpv6LikeOpenWrts464xlat() throws Exception {
        String depends = String.join(" ", values(makefile("jclat"), "DEPENDS"));
        assertTrue(depends.contains("@IPV6"), depends);
    }

    /**
     * download.mk's check writes a hash only into a literal HASH line (fixup-makefile.pl fix-hash refuses
     * a line naming a variable) or adds a missing one; "skip" turns the check off and must not ship.
     */
    @Test
    void everyDownloadHashIsARealSha256OrALiteralLineThatFixupCanWrite() throws Exception {
        int hashes = 0;
        for (String pkg : OpenWrtFiles.PACKAGES.keySet()) {
            String mk = makefile(pkg);
            String[] lines = mk.split("\n");
            for (int i = 0; i < lines.length; i++) {
                Matcher m = HASH_LINE.matcher(lines[i]);
                if (!m.matches()) {
                    continue;
                }
                String value = m.group(2).trim();
                String where = pkg + "/Makefile:" + (i + 1) + ": " + lines[i].trim();
                assertFalse(value.contains("$("), where + " names a variable: FIXUP cannot fill it");
                assertFalse(value.equals("skip"), where + " turns the hash check off");
                assertTrue(value.isEmpty() || value.matches("[0-9a-f]{64}"), where + " is not a sha256");
                hashes++;
            }
            Matcher block = Pattern.compile("(?ms)^define Download/(\\S+)\\n(.*?)^endef").matcher(mk);
            while (block.find()) {
                assertTrue(block.group(2).matches("(?sm).*^\\s*HASH:=.*"),
                        pkg + ": Download/" + block.group(1) + " has no literal HASH line");
            }
        }
        assertTrue(hashes >= 5, "jclat, jclat-natives and jclat-jre's three archives have hash lines: " + hashes);
        assertTrue(values(makefile("jclat-natives"), "PKG_HASH").get(0).matches("[0-9a-f]{64}"));
    }

    /** The files a package installs, read from its install section ($(1)/... targets) or luci.mk's layout. */
    static Set<String> installedFiles(String pkg) throws IOException {
        Set<String> files = new TreeSet<>();
        Path dir = OpenWrtFiles.PACKAGES.get(pkg);
        if (pkg.startsWith("luci-app-")) {
            for (Map.Entry<String, String> tree : Map.of("htdocs", "/www", "root", "").entrySet()) {
                Path top = dir.resolve(tree.getKey());
                if (!Files.isDirectory(top)) {
                    continue;
                }
                try (Stream<Path> all = Files.walk(top)) {
                    all.filter(Files::isRegularFile).forEach(f -> files.add(tree.getValue() + "/" + top.relativize(f)));
                }
            }
            return files;
        }
        Matcher section = Pattern.compile("(?ms)^define Package/" + Pattern.quote(pkg) + "/install\\n(.*?)^endef")
                .matcher(Files.readString(dir.resolve("Makefile")));
        assertTrue(section.find(), pkg + " has an install section");
        Matcher target = Pattern.compile("\\$\\(INSTALL_(BIN|DATA|CONF)\\)\\s+\\S+\\s+\\$\\(1\\)(/\\S+)")
                .matcher(section.group(1));
        while (target.find()) {
            files.add(target.group(2));
        }
        Matcher tree = Pattern.compile("\\$\\(CP\\)\\s+\\S+\\s+\\$\\(1\\)(/\\S+)").matcher(section.group(1));
        while (tree.find()) {
            files.add(tree.group(1) + "/...");
        }
        return files;
    }

    @Test
    void theOnlyFileJclatSharesWith464xlatIsTheHandlerAndThePackagesSaySo() throws Exception {
        Set<String> shared = new TreeSet<>();
        for (String pkg : List.of("jclat", "jclat-natives", "jclat-jre", "luci-app-jclat")) {
            for (String f : installedFiles(pkg)) {
                if (FILES_464XLAT.contains(f)) {
                    shared.add(pkg + ":" + f);
                }
            }
        }
        assertTrue(installedFiles("jclat").contains("/usr/share/jclat/jclat.jar"), "the parser sees the install lines");
        assertEquals(Set.of("jclat:/lib/netifd/proto/464xlat.sh"), shared);
        // opkg refuses on Conflicts; apk never sees CONFLICTS but a versioned provide makes jclat the only
        // owner of the name 464xlat, so apk replaces 464xlat rather than stopping half-way on the file.
        String mk = makefile("jclat");
        assertEquals(List.of("464xlat"), values(mk, "CONFLICTS"));
        assertEquals(List.of("464xlat"), values(mk, "PROVIDES"), "versioned (no @): an exclusive provide in apk");
    }

    @Test
    void luciAppJclatInstallsNoFileOfLuciProtoIpv6() throws Exception {
        Set<String> clash = new TreeSet<>(installedFiles("luci-app-jclat"));
        assertTrue(clash.contains("/usr/libexec/rpcd/luci.jclat"), "the walk sees the package's files: " + clash);
        clash.retainAll(FILES_LUCI_PROTO_IPV6);
        assertEquals(Set.of(), clash, "luci-light/luci pull in luci-proto-ipv6, so these could not be installed");
    }
}
