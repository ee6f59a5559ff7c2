package net.jclat.luci;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's chromium, headless, driven through Debian's chromedriver (WebDriver). Test scaffolding only. */
final class HeadlessChromium {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** Selenium warns that it has no CDP binding for this chromium; WebDriver does not need one. */
    private static final java.util.logging.Logger CDP_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private HeadlessChromium() {
    }

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** A browser with its profile and driver log under {@code work}. */
    static WebDriver start(Path work) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root chromium needs --no-sandbox; a profile of its own so parallel runs do not meet.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,2400", "--user-data-dir=" + work.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile()).build();
        return new ChromeDriver(service, options);
    }

    static Object script(WebDriver driver, String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }
}
