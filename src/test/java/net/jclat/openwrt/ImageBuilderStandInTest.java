package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * image-builder/build-image.sh against a STAND-IN Image Builder directory (its Makefile only lists
 * profiles and records what {@code make image} was given; a real one is a large per-target download),
 * laid out as an opkg release (repositories.conf, .ipk) and as an apk release (repositories, .apk).
 */
class ImageBuilderStandInTest {
    @TempDir
    Path dir;

    private Path imageBuilder(String repositoriesFile) throws Exception {
        Path ib = Files.createDirectories(dir.resolve("ib"));
        OpenWrtFiles.installStandIn(dir, "imagebuilder/Makefile");
        Files.move(dir.resolve("imagebuilder/Makefile"), ib.resolve("Makefile"));
        Files.writeString(ib.resolve(repositoriesFile), "# feeds\n");
        return ib;
    }

    private Path packages(String ext) throws Exception {
        Path p = Files.createDirectories(dir.resolve("pkgs"));
        for (String name : new String[] {"jclat-0.1.0-r1", "jclat-jre-17-r1", "jclat-natives-5.19.1-r1",
                "luci-app-jclat-0.1.0-r1", "unrelated-1.0"}) {
            Files.writeString(p.resolve(name + "." + ext), name);
        }
        return p;
    }

    private static Netns.Result build(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = OpenWrtFiles.REPO.resolve("image-builder/build-image.sh").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Netns.exec(60, cmd);
    }

    @Test
    void anOpkgImageBuilderIsDetectedAndGetsThePackagesTheFirstBootScriptAndTheProfile() throws Exception {
        Path ib = imageBuilder("repositories.conf");
        Netns.Result r = build(ib.toString(), "generic", "--packages", packages("ipk").toString(), "--extra",
                "tcpdump");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("opkg Image Builder"), r.output());
        String args = Files.readString(ib.resolve("image-args"));
        assertTrue(args.contains("PROFILE=generic\n"), args);
        assertTrue(args.contains("PACKAGES=jclat jclat-jre jclat-natives luci-app-jclat kmod-tun -464xlat tcpdump\n"),
                args);
        assertEquals("./etc/uci-defaults/90-jclat\n", Files.readString(ib.resolve("image-files")));
        assertEquals("jclat-0.1.0-r1.ipk\njclat-jre-17-r1.ipk\njclat-natives-5.19.1-r1.ipk\nluci-app-jclat-0.1.0-r1.ipk\n",
                Files.readString(ib.resolve("image-packages")));
    }

    /** The real Image Builder copies FILES with cp -fpR FILES/. ROOT: FILES' own mode becomes the image's /. */
    @Test
    void theFilesTreeGivesTheImageARootFilesystemsModesWhateverTheUmaskAndTheUsersTree() throws Exception {
        Path ib = imageBuilder("repositories.conf");
        Path mine = Files.createDirectories(dir.resolve("mine/etc/config"));
        Files.writeString(mine.resolve("network"), "config interface 'wan464'\n");
        Files.setPosixFilePermissions(mine.resolve("network"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dir.resolve("mine"), PosixFilePermissions.fromString("rwx------"));
        Netns.Result r = Netns.exec(60, "sh", "-c", "umask 077 && exec \"$0\" \"$@\"",
                OpenWrtFiles.REPO.resolve("image-builder/build-image.sh").toString(), ib.toString(), "generic",
                "--files", dir.resolve("mine").toString());
        assertEquals(0, r.code(), r.output());
        String modes = Files.readString(ib.resolve("image-modes"));
        assertTrue(modes.startsWith("755 .\n"), "the image's / must be 0755:\n" + modes);
        assertTrue(modes.contains("755 ./etc\n"), modes);
        assertTrue(modes.contains("755 ./etc/uci-defaults\n"), modes);
        assertTrue(modes.contains("755 ./etc/uci-defaults/90-jclat\n"), modes);
        assertTrue(modes.contains("755 ./etc/config\n"), modes);
        assertTrue(modes.contains("600 ./etc/config/network\n"), "a file keeps the mode its owner gave it:\n" + modes);
    }

    @Test
    void anApkImageBuilderIsDetectedAndTakesApkPackagesOnly() throws Exception {
        Path ib = imageBuilder("repositories");
        Netns.Result wrong = build(ib.toString(), "generic", "--packages", packages("ipk").toString());
        assertEquals(2, wrong.code(), wrong.output());
        assertTrue(wrong.output().contains("no jclat*.apk in"), wrong.output());
        Netns.Result r = build(ib.toString(), "glinet_gl-mt6000", "--packages", packages("apk").toString());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("apk Image Builder"), r.output());
        assertTrue(Files.readString(ib.resolve("image-args")).contains("PROFILE=glinet_gl-mt6000\n"));
        assertTrue(Files.readString(ib.resolve("image-packages")).contains("jclat-0.1.0-r1.apk\n"));
    }

    @Test
    void aMissingDirectoryAnUnknownProfileAndAnUnknownLayoutAreClearErrors() throws Exception {
        Netns.Result none = build(dir.resolve("nope").toString(), "generic");
        assertEquals(2, none.code());
        assertTrue(none.output().contains("does not exist"), none.output());

        Path ib = imageBuilder("repositories.conf");
        Netns.Result profile = build(ib.toString(), "no-such-router");
        assertEquals(2, profile.code());
        assertTrue(profile.output().contains("profile 'no-such-router' is not in this Image Builder"), profile.output());

        Files.delete(ib.resolve("repositories.conf"));
        Netns.Result layout = build(ib.toString(), "generic");
        assertEquals(2, layout.code());
        assertTrue(layout.output().contains("say --opkg or --apk"), layout.output());
        assertEquals(0, build(ib.toString(), "generic", "--apk").code(), "an explicit --apk needs no detection");
        assertEquals(2, build(ib.toString()).code(), "usage");
    }
}
