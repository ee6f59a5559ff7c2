package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docs/openwrt.md's own SDK commands (the shell blocks marked guide:feeds and guide:build) in order
 * against a STAND-IN SDK: its scripts/feeds and make only record what they are asked and which feeds and
 * packages are configured at that moment (a real SDK is a large per-target download and needs OpenWrt's
 * download servers; docs/openwrt.md says how far a real tree was run). The feeds.conf.default is an
 * OpenWrt 24.10 SDK's four upstream feeds.
 */
class OpenWrtGuideStandInTest {
    private static final String FEEDS_DEFAULT = """
            src-git packages https://git.openwrt.org/feed/packages.git^1111111111111111111111111111111111111111
            src-git luci https://git.openwrt.org/project/luci.git^2222222222222222222222222222222222222222
            src-git routing https://git.openwrt.org/feed/routing.git^3333333333333333333333333333333333333333
            src-git telephony https://git.openwrt.org/feed/telephony.git^4444444444444444444444444444444444444444
            """;

    @TempDir
    Path dir;

    static String guideBlock(String name) throws Exception {
        String doc = Files.readString(OpenWrtFiles.REPO.resolve("docs/openwrt.md"));
        Matcher m = Pattern.compile("<!-- guide:" + name + " -->\\n```sh\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "docs/openwrt.md has the guide:" + name + " block");
        return m.group(1);
    }

    private Path sdk() throws Exception {
        Path sdk = Files.createDirectories(dir.resolve("sdk"));
        Files.writeString(sdk.resolve("feeds.conf.default"), FEEDS_DEFAULT);
        OpenWrtFiles.installStandIn(sdk, "sdk/scripts/feeds");
        Files.move(sdk.resolve("sdk/scripts"), sdk.resolve("scripts"));
        OpenWrtFiles.installStandIn(dir, "sdk/bin/make");
        return sdk;
    }

    /** Runs a guide block as a user would, with SDK and JCLAT pointing here (their example lines dropped). */
    private Netns.Result run(Path sdk, String block) throws Exception {
        String script = "set -e\nSDK='" + sdk + "'\nJCLAT='" + OpenWrtFiles.REPO + "'\nPATH='" + dir.resolve("sdk/bin")
                + "':\"$PATH\"\n" + block.replaceAll("(?m)^(SDK|JCLAT)=.*$", "");
        return Netns.exec(60, "sh", "-c", script);
    }

    @Test
    void theFeedStepsKeepOpenWrtsFeedsAndAddJclatOnce() throws Exception {
        Path sdk = sdk();
        String block = guideBlock("feeds");
        Netns.Result r = run(sdk, block);
        assertEquals(0, r.code(), r.output());
        String jclatLine = "src-link jclat " + OpenWrtFiles.FEED + "\n";
        assertEquals(FEEDS_DEFAULT + jclatLine, Files.readString(sdk.resolve("feeds.conf")),
                "feeds.conf replaces feeds.conf.default: it must start as a copy");
        String feeds = "  src-git packages\n  src-git luci\n  src-git routing\n  src-git telephony\n  src-link jclat\n";
        assertEquals("feeds update -a\n" + feeds + "feeds install -a -p jclat\n" + feeds,
                Files.readString(sdk.resolve("feeds-calls")));

        assertEquals(0, run(sdk, block).code(), "the steps can be run again");
        assertEquals(FEEDS_DEFAULT + jclatLine, Files.readString(sdk.resolve("feeds.conf")), "no second jclat line");

        Path custom = sdk.resolve("feeds.conf");
        Files.writeString(custom, "src-link packages /my/packages\n");
        assertEquals(0, run(sdk, block).code());
        assertEquals("src-link packages /my/packages\n" + jclatLine, Files.readString(custom),
                "a feeds.conf of the user's own is kept");
    }

    @Test
    void theBuildStepsConfigureFirstAndCompileEveryPackageTheImageNeeds() throws Exception {
        Path sdk = sdk();
        assertEquals(0, run(sdk, guideBlock("feeds")).code());
        Netns.Result r = run(sdk, guideBlock("build"));
        assertEquals(0, r.code(), r.output());
        List<String> calls = Files.readAllLines(sdk.resolve("make-calls"));
        assertEquals("make defconfig", calls.get(0), "defconfig before any package target: " + calls);
        String compile = calls.stream().filter(l -> l.contains("package/")).findFirst().orElseThrow();
        assertTrue(compile.contains("JCLAT_JAR=" + OpenWrtFiles.REPO.resolve("target/jclat.jar")), compile);
        for (String pkg : OpenWrtFiles.PACKAGES.keySet()) {
            assertTrue(calls.contains("  " + pkg + "=m"), pkg + " selected in .config: " + calls);
            assertTrue(compile.contains("package/" + pkg + "/compile"), pkg + " compiled: " + compile);
            assertTrue(r.output().contains(pkg + "_0_x86_64.ipk"), "the guide lists " + pkg + ": " + r.output());
        }
        // build-image.sh takes exactly these packages from --packages (ImageBuilderStandInTest).
        String image = Files.readString(OpenWrtFiles.REPO.resolve("image-builder/build-image.sh"));
        assertTrue(image.contains("pkgs=\"jclat jclat-jre jclat-natives luci-app-jclat "), "the image asks for these");
    }
}
