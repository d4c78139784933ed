package org.exchangeai.app.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.exchangeai.app.jobs.ImportJob;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.core.io.ReadOptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Headless Debian Chromium for browser tests, without any network access of its own. */
public final class BrowserSupport {

    private BrowserSupport() {
    }

    public static WebDriver chrome() {
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1500,1200");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Paths.get("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        WebDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return d;
    }

    /** The browser and the server of a test class, each if it was started. */
    public static void stop(WebDriver browser, WebServer server) {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * A dataset made the way the data page makes one: the folder imported as a job (waited for) and
     * the labels stored; returns it as it stands after the import.
     */
    public static Datasets.Dataset importDataset(WebServer server, String name, Path folder, ReadOptions options,
            List<Datasets.Label> labels) throws Exception {
        Datasets ds = new Datasets(server.workspace());
        Datasets.Dataset d = ds.create(name);
        long job = server.jobs().submit("import", "Import " + folder.getFileName(), "{\"dataset\":" + d.id() + "}",
                JobRunner.Queue.IO, new ImportJob(server.workspace(), d.id(), folder, options));
        long until = System.currentTimeMillis() + 120_000;
        while (!server.jobs().get(job).orElseThrow().state().finished() && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        ds.putLabels(d.id(), labels);
        return ds.get(d.id()).orElseThrow();
    }

    public static WebDriverWait waitFor(WebDriver d, int seconds) {
        return new WebDriverWait(d, Duration.ofSeconds(seconds));
    }

    /** Saves a screenshot under {@code target/screenshots} (not committed). */
    static void screenshot(WebDriver d, String name) throws IOException {
        Path dir = Paths.get("target", "screenshots");
        Files.createDirectories(dir);
        byte[] png = ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(name + ".png"), png);
    }

    /** Whether this machine has Debian's Chromium and ChromeDriver (CI installs them). */
    static boolean available() {
        return Files.isExecutable(Paths.get("/usr/bin/chromium")) && Files.isExecutable(Paths.get("/usr/bin/chromedriver"));
    }
}
