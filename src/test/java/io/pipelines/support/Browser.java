package io.pipelines.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through its chromedriver (Debian's packages chromium and chromium-driver, which
 * .ci/run installs when missing), signed in to the console like a person: the sign-in form, clicks, the
 * confirmation dialog. Screenshots go to target/console-screenshots/. Chromium is started without its
 * background traffic (this machine's network is closed) and with a fresh profile.
 */
public final class Browser implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final String base;
    private final Path profile;

    public Browser(int port) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The console's browser tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver, or run .ci/run, "
                    + "which installs them when missing");
        }
        this.base = "http://127.0.0.1:" + port + "/";
        this.profile = Files.createTempDirectory("console-browser");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--lang=en-US", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 1000));
    }

    /** Opens a page of the console (a path under the service, like "" or "#/dead-letters"). */
    public void open(String path) {
        driver.get(base + path);
    }

    /** Signs in through the form, then waits for the pipelines page. */
    public void signIn(TestApi.Login login) {
        signIn(login.user(), login.password());
    }

    public void signIn(String user, String password) {
        open("");
        waitFor(By.id("login"));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("sign-in")).click();
        waitForPage("pipelines");
    }

    public void signOut() {
        driver.findElement(By.cssSelector("#sign-out button")).click();
        waitFor(By.id("login"));
    }

    /** Goes to a page of the console by its hash route and waits until it has drawn it. */
    public void go(String hash, String page) {
        // The page drawn before goes first, so that waiting cannot mistake it for the new one.
        ((JavascriptExecutor) driver).executeScript("const main = document.getElementById('page');"
                + "if (main) main.replaceChildren();");
        driver.get(base + hash);
        waitForPage(page);
    }

    /** Waits until the page (the div #page-<name>) is drawn: its data has come. */
    public void waitForPage(String page) {
        waitFor(By.cssSelector("#page-" + page + "[data-loaded=true]"));
    }

    public WebElement waitFor(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits (up to timeout) until the text of the element found by {@code by} contains the text, redrawn or not. */
    public void waitForText(By by, String text, Duration timeout) {
        new WebDriverWait(driver, timeout).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> !d.findElements(by).isEmpty() && d.findElement(by).getText().contains(text));
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    public WebElement one(By by) {
        return driver.findElement(by);
    }

    /** Clicks an action's button, then Confirm in the dialog it opens; returns the message the console shows. */
    public String act(WebElement button) {
        button.click();
        waitFor(By.id("confirm-ok")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElement(By.id("flash")).getText().isBlank());
        return driver.findElement(By.id("flash")).getText();
    }

    /** Sets an input's value as a person's typing would (date inputs take their value in the page's own format). */
    public void setValue(WebElement input, String value) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];"
                + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", input, value);
    }

    /**
     * Sends a request from the page's own script context, with the session cookie the browser keeps (as a forged
     * page would make the browser send it), with or without the CSRF header; answers the HTTP status.
     */
    public long fetchStatus(String method, String path, String body, boolean withCsrfToken) {
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                const [method, path, body, withToken, done] = arguments;
                const token = (document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')) || '=').split('=')[1];
                const headers = {'Content-Type': 'application/json'};
                if (withToken) headers['X-XSRF-TOKEN'] = decodeURIComponent(token);
                fetch(path, {method, headers, body, credentials: 'same-origin'}).then(r => done(r.status), e => done(-1));
                """, method, path, body, withCsrfToken);
        return ((Number) status).longValue();
    }

    /** Runs an asynchronous script in the page (its last argument is the callback that answers). */
    public Object asyncScript(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    /** Saves a screenshot of the window as target/console-screenshots/<name>.png, and returns its path. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = SCREENSHOTS.resolve(name + ".png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).as("screenshot " + shot).isGreaterThan(1000);
        return shot;
    }

    /** A cookie the browser keeps for the service, by name. */
    public org.openqa.selenium.Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
