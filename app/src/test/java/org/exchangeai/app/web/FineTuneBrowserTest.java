package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.core.TestData;
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
 * A one-epoch head fine-tune of {@code xc_super_pretrained} on 16 PTB-XL recordings (four each of
 * CD, MI, NORM, STTC from {@code ../shared/data/ptbxl}) started, watched and downloaded in a real browser.
 * With a 20 % stratified hold-out, one recording per class is validated: 4 in the confusion matrix. The
 * trainer's own validation F1 (libtorch) is checked against the exported model run by ONNX Runtime.
 */
class FineTuneBrowserTest {

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
            if (!f[0].startsWith("npy500/") || perClass.getOrDefault(f[1], 0) >= 4) {
                continue;
            }
            perClass.merge(f[1], 1, Integer::sum);
            Path target = folder.resolve(f[0].substring("npy500/".length()));
            Files.copy(TestData.data("ptbxl/" + f[0]), target);
            labels.add(new Datasets.Label(target.getFileName().toString(), f[1], null));
        }
        assertEquals(16, BrowserSupport.importDataset(server, "PTB-XL training sample", folder, ReadOptions.DEFAULT, labels)
                .recordings());
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
    void oneEpochHeadFineTuneIsWatchedLiveAndItsModelDownloaded() throws Exception {
        browser.get(url("/finetune"));
        browser.findElement(By.id("finetune-button")).click();
        assertTrue(BrowserSupport.waitFor(browser, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("finetune-error")))
                .getText().contains("confirm"), "consent is required");

        new Select(browser.findElement(By.id("ft-model"))).selectByVisibleText("xc_super_pretrained (CD, HYP, MI, STTC)");
        browser.findElement(By.id("ft-name")).sendKeys("xc-ptbxl-head");
        browser.findElement(By.cssSelector("details summary")).click();
        browser.findElement(By.id("ft-epochs")).clear();
        browser.findElement(By.id("ft-epochs")).sendKeys("1");
        browser.findElement(By.id("ft-batch")).clear();
        browser.findElement(By.id("ft-batch")).sendKeys("4");
        browser.findElement(By.id("ft-consent")).click();
        BrowserSupport.screenshot(browser, "finetune");
        browser.findElement(By.id("finetune-button")).click();

        BrowserSupport.waitFor(browser, 30).until(d -> d.findElement(By.id("ft-message")).getText().contains("epoch 1 of 1")
                || !d.findElements(By.id("ft-final")).isEmpty());
        BrowserSupport.waitFor(browser, 240).until(ExpectedConditions.presenceOfElementLocated(By.id("ft-final")));
        BrowserSupport.waitFor(browser, 10).until(d -> colouredPixels("ft-loss") > 20 && colouredPixels("ft-f1") > 20);
        BrowserSupport.screenshot(browser, "finetune-run");

        long validated = browser.findElements(By.cssSelector("#ft-confusion td.cm")).stream()
                .mapToLong(e -> Long.parseLong(e.getText())).sum();
        assertEquals(4, validated);
        List<String> classes = browser.findElements(By.cssSelector("#ft-confusion thead th")).stream()
                .map(e -> e.getText()).skip(1).toList();
        assertEquals(List.of("CD", "MI", "NORM", "STTC"), classes, "the trained head has the dataset's classes");

        JavascriptExecutor js = (JavascriptExecutor) browser;
        Long size = (Long) js.executeAsyncScript("const done = arguments[0]; fetch(document.getElementById('ft-download-model').href)"
                + ".then(r => r.arrayBuffer()).then(b => done(b.byteLength));");
        assertTrue(size > 500_000, "the downloaded model has the base model's weights: " + size + " bytes");
        String report = (String) js.executeAsyncScript("const done = arguments[0]; fetch(document.getElementById('ft-download-report').href)"
                + ".then(r => r.text()).then(done);");
        JsonNode r = new ObjectMapper().readTree(report);
        assertEquals(1, r.get("history").size());
        assertEquals("head", r.get("method").asText());
        assertEquals(16, r.get("recordings").asInt());
        assertEquals(String.format(java.util.Locale.ROOT, "%.3f", r.get("history").get(0).get("f1Macro").asDouble()),
                browser.findElement(By.id("ft-macro-f1")).getText(),
                "the trainer's validation F1 equals ONNX Runtime's on the exported model for the same split");

        browser.get(url("/models"));
        String row = browser.findElement(By.cssSelector("tr[data-model='xc-ptbxl-head']")).getText();
        assertTrue(row.contains("trained") && row.contains("CD, MI, NORM, STTC"), row);

        // the trained model predicts on the predict page: all four classes are its own, none unknown
        browser.get(url("/predict"));
        new Select(browser.findElement(By.id("predict-model"))).selectByVisibleText("xc-ptbxl-head (CD, MI, NORM, STTC)");
        new Select(browser.findElement(By.id("predict-dataset"))).selectByIndex(0);
        browser.findElement(By.id("predict-button")).click();
        BrowserSupport.waitFor(browser, 120).until(ExpectedConditions.presenceOfElementLocated(By.id("predictions-table")));
        assertEquals(16, browser.findElements(By.cssSelector("#predictions-table tbody tr.ok")).size());
        List<String> trueRows = browser.findElements(By.cssSelector("#confusion-matrix tbody th")).stream()
                .map(e -> e.getText()).toList();
        assertEquals(List.of("CD", "MI", "NORM", "STTC"), trueRows);
        assertTrue(browser.findElements(By.id("unknown-classes")).isEmpty(), "every label is a class of the trained model");
    }

    @Test
    void aRunningTrainingIsAbortedAndMarkedCancelled() throws Exception {
        browser.get(url("/finetune"));
        new Select(browser.findElement(By.id("ft-model"))).selectByVisibleText("xc_super_pretrained (CD, HYP, MI, STTC)");
        browser.findElement(By.id("ft-name")).sendKeys("xc-aborted");
        browser.findElement(By.cssSelector("#ft-advanced summary")).click();
        browser.findElement(By.id("ft-epochs")).clear();
        browser.findElement(By.id("ft-epochs")).sendKeys("200");
        browser.findElement(By.id("ft-batch")).clear();
        browser.findElement(By.id("ft-batch")).sendKeys("2");
        browser.findElement(By.id("ft-consent")).click();
        browser.findElement(By.id("finetune-button")).click();

        BrowserSupport.waitFor(browser, 240).until(d -> d.findElement(By.id("ft-message")).getText().contains("of 200, batch"));
        String page = browser.getCurrentUrl();
        browser.findElement(By.id("ft-abort")).click();
        BrowserSupport.waitFor(browser, 120).until(d -> !d.findElements(By.id("ft-failed")).isEmpty()
                || !d.findElements(By.id("ft-final")).isEmpty());
        assertEquals("cancelled", browser.findElement(By.id("ft-state")).getText());
        assertTrue(browser.findElements(By.id("ft-abort")).isEmpty(), "no abort button on a finished run");
        long job = Long.parseLong(page.substring(page.lastIndexOf('/') + 1));
        assertEquals(org.exchangeai.app.jobs.JobState.CANCELLED, server.jobs().get(job).orElseThrow().state());

        browser.get(url("/jobs"));
        assertTrue(browser.findElement(By.id("job-" + job)).getText().contains("cancelled"),
                browser.findElement(By.id("job-" + job)).getText());
        BrowserSupport.screenshot(browser, "jobs");
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
