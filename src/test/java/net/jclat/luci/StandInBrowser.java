package net.jclat.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless chromium on the LuCI STAND-IN server with a UCI state the test sets: opens a page, types into
 * the form fields LuCI's form would draw, presses Save and reports what saving did. Test scaffolding only.
 */
final class StandInBrowser implements AutoCloseable {
    final Path work;
    final LuciStandInServer server;
    final WebDriver driver;

    StandInBrowser(Path statusDir) throws IOException {
        work = Files.createTempDirectory("jclat-luci-page");
        LuciStandInServer s = null;
        WebDriver d = null;
        try {
            s = new LuciStandInServer(new RpcdPlugin(RpcdPlugin.Shell.dash(),
                    statusDir != null ? statusDir : work.resolve("run")));
            d = HeadlessChromium.start(work);
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            deleteTree(work);
            throw e;
        }
        server = s;
        driver = d;
    }

    /** Opens a page and waits until its view is drawn (or the stand-in reported an error, which fails). */
    void open(String path, String readyCss) {
        driver.get(server.url(path));
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> !d.findElements(By.cssSelector(readyCss)).isEmpty()
                || !d.findElement(By.id("standin-error")).getText().isEmpty());
        assertEquals("", driver.findElement(By.id("standin-error")).getText(), "the stand-in reported an error");
    }

    /** The text input of option {@code option} of UCI section {@code sid} in config network. */
    WebElement field(String sid, String option) {
        return driver.findElement(By.id("widget.cbid.network." + sid + "." + option));
    }

    /** Replaces the text of a field, as a user does, so its validation runs on keyup and blur. */
    void type(String sid, String option, String text) {
        WebElement f = field(sid, option);
        f.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        f.sendKeys(text);
        f.sendKeys(Keys.TAB);
    }

    /** Types an entry into a dynamic list's add field and presses Enter. */
    void addToList(String sid, String option, String text) {
        WebElement f = field(sid, option);
        f.sendKeys(text);
        f.sendKeys(Keys.ENTER);
    }

    /** Presses the page's Save and returns "saved" or "error: " and the message LuCI would show. */
    String save() {
        WebElement out = driver.findElement(By.id("standin-result"));
        HeadlessChromium.script(driver, "document.getElementById('standin-result').textContent = '';");
        driver.findElement(By.id("standin-save")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> !out.getText().isEmpty());
        return out.getText();
    }

    Object script(String js, Object... args) {
        return HeadlessChromium.script(driver, js, args);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            server.close();
            deleteTree(work);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
