package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.jobs.JobState;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * A CardX pretraining run on 12 PTB-XL recordings (three each of CD, MI, NORM, STTC from
 * {@code ../shared/data/ptbxl/npy500}) started in a real browser: its loss curve grows epoch by epoch,
 * it is aborted, continued from its last checkpoint, and its encoder appears on the models page.
 */
class PretrainBrowserTest {

    @TempDir
    static Path workspace;
    @TempDir
    static Path files;
    static WebServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        server = WebServer.start(workspace, Paths.get("..", "models").toAbsolutePath().normalize(), "127.0.0.1", 0);
        Map<String, Integer> perClass = new LinkedHashMap<>();
        List<Datasets.Label> labels = new ArrayList<>();
        Path folder = Files.createDirectories(files.resolve("ptbxl"));
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("npy500/") || perClass.getOrDefault(f[1], 0) >= 3) {
                continue;
            }
            perClass.merge(f[1], 1, Integer::sum);
            Path target = folder.resolve(f[0].substring("npy500/".length()));
            Files.copy(TestData.data("ptbxl/" + f[0]), target);
            labels.add(new Datasets.Label(target.getFileName().toString(), f[1], null));
        }
        assertEquals(12, BrowserSupport.importDataset(server, "PTB-XL pretraining sample", folder,
                ReadOptions.DEFAULT.withLeads(LeadNames.STANDARD_12), labels).recordings());
        browser = BrowserSupport.chrome();
    }

    @AfterAll
    static void stop() {
        BrowserSupport.stop(browser, server);
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Test
    void aPretrainingRunShowsItsCurveIsAbortedContinuedAndItsEncoderListed() throws Exception {
        browser.get(url("/pretrain"));
        browser.findElement(By.cssSelector("#pretrain-form input[name='dataset']")).click();
        new Select(browser.findElement(By.id("pt-architecture"))).selectByValue("cardx");
        browser.findElement(By.id("pt-both")).click();
        browser.findElement(By.id("pt-epochs")).clear();
        browser.findElement(By.id("pt-epochs")).sendKeys("8");
        browser.findElement(By.id("pt-batch")).clear();
        browser.findElement(By.id("pt-batch")).sendKeys("6");
        browser.findElement(By.id("pt-name")).sendKeys("cardx-sample");
        browser.findElement(By.id("pt-consent")).click();
        BrowserSupport.screenshot(browser, "pretrain");
        browser.findElement(By.id("pretrain-button")).click();

        // the curve grows as epochs finish; abort once two are drawn
        BrowserSupport.waitFor(browser, 300).until(d -> points("pt-loss") >= 2 * 3);
        assertTrue(colouredPixels("pt-loss") > 50, "the loss curve is drawn");
        BrowserSupport.screenshot(browser, "pretrain-run");
        String first = browser.getCurrentUrl();
        browser.findElement(By.id("pt-abort")).click();
        BrowserSupport.waitFor(browser, 120).until(ExpectedConditions.presenceOfElementLocated(By.id("pt-resume")));
        long job = Long.parseLong(first.substring(first.lastIndexOf('/') + 1));
        assertEquals(JobState.CANCELLED, server.jobs().get(job).orElseThrow().state());

        // continued from the last checkpoint: the new run starts with the epochs already done
        browser.findElement(By.id("pt-resume")).click();
        BrowserSupport.waitFor(browser, 30).until(d -> !d.getCurrentUrl().equals(first));
        BrowserSupport.waitFor(browser, 600).until(ExpectedConditions.presenceOfElementLocated(By.id("pt-final")));
        BrowserSupport.waitFor(browser, 10).until(d -> points("pt-loss") == 8 * 3);
        assertEquals("done", browser.findElement(By.id("pt-state")).getText());

        browser.get(url("/models"));
        String row = browser.findElement(By.cssSelector("tr[data-model='cardx-sample']")).getText();
        assertTrue(row.contains("CD, MI, NORM, STTC"), row);
    }

    private long points(String canvasId) {
        Object v = ((JavascriptExecutor) browser).executeScript(
                "const c = document.getElementById(arguments[0]); return c && c.dataset.points ? Number(c.dataset.points) : 0;",
                canvasId);
        return ((Number) v).longValue();
    }

    private long colouredPixels(String canvasId) {
        return (Long) ((JavascriptExecutor) browser).executeScript("""
                const c = document.getElementById(arguments[0]);
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i+1], d[i+2]) - Math.min(d[i], d[i+1], d[i+2]) > 80) n++;
                return n;""", canvasId);
    }
}
