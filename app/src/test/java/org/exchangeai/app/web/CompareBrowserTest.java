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
import org.exchangeai.app.cli.Main;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Three candidates (xc_super_pretrained head-only, InceptionTime and CardX from scratch) trained as
 * one queued set on the 120 PTB-XL arrays of {@code ../shared/data/ptbxl/npy500} with their
 * superclass labels, 2 epochs, seed 42, from the compare page. The leaderboard's validation metrics
 * are then checked against the same three runs of the {@code finetune} command (same data, options
 * and seed): the expected numbers are the command line's own training reports.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class CompareBrowserTest {

    @TempDir
    static Path workspace;
    @TempDir
    static Path out;
    static WebServer server;
    static WebDriver browser;
    static Path npy;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        server = WebServer.start(workspace, Paths.get("..", "models").toAbsolutePath().normalize(), "127.0.0.1", 0);
        npy = TestData.data("ptbxl/npy500");
        List<Datasets.Label> labels = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (f[0].startsWith("npy500/")) {
                labels.add(new Datasets.Label(f[0].substring("npy500/".length()), f[1], f[2].isEmpty() ? null : f[2]));
            }
        }
        assertEquals(120, BrowserSupport.importDataset(server, "PTB-XL", npy, ReadOptions.DEFAULT.withFs(500.0), labels)
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
    @org.junit.jupiter.api.Order(1)
    void threeCandidatesRankedAsTheCommandLineTrainsThem() throws Exception {
        browser.get(url("/"));
        browser.findElement(By.linkText("Compare")).click();
        new Select(browser.findElement(By.id("cmp-dataset"))).selectByVisibleText("PTB-XL (120 recordings, 120 labels)");
        Map<String, String> wanted = new LinkedHashMap<>();
        for (WebElement box : browser.findElements(By.cssSelector("#cmp-candidates input[name=candidate]"))) {
            String label = box.findElement(By.xpath("..")).getText().strip();
            boolean want = label.equals("xc_super_pretrained — head only") || label.equals("InceptionTime — from scratch")
                    || label.equals("CardX — from scratch");
            if (want) {
                wanted.put(box.getAttribute("value"), label);
            }
            if (box.isSelected() != want) {
                box.click();
            }
        }
        assertEquals(3, wanted.size(), "offered: " + browser.findElement(By.id("cmp-candidates")).getText());
        assertTrue(browser.findElement(By.id("cmp-kfold")).isSelected(), "k-fold is the default below 2,000 labels");
        browser.findElement(By.id("cmp-split")).click();
        browser.findElement(By.cssSelector("#cmp-advanced summary")).click();
        browser.findElement(By.id("cmp-epochs")).clear();
        browser.findElement(By.id("cmp-epochs")).sendKeys("2");
        org.openqa.selenium.JavascriptExecutor page = (org.openqa.selenium.JavascriptExecutor) browser;
        for (String id : List.of("cmp-consent", "compare-button")) {
            WebElement e = browser.findElement(By.id(id));
            page.executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
            e.click();
        }

        // one runs, the others wait their turn in the training queue
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
        BrowserSupport.waitFor(browser, 30).until(d -> Long.valueOf(3).equals(
                js.executeScript("return document.querySelectorAll('#leaderboard-table tbody tr').length")));
        String queued = (String) js.executeScript("return document.getElementById('leaderboard-table').innerText");
        assertTrue(queued.contains("ahead") || queued.contains("done"), queued);
        // the board refreshes itself every 2 s until every candidate has finished
        BrowserSupport.waitFor(browser, 900).until(d -> "true".equals(
                js.executeScript("const b = document.getElementById('leaderboard'); return b && b.dataset.finished")));
        BrowserSupport.screenshot(browser, "compare-leaderboard");

        List<WebElement> rows = browser.findElements(By.cssSelector("#leaderboard-table tbody tr"));
        assertEquals(3, rows.size());
        double previous = Double.MAX_VALUE;
        for (int i = 0; i < rows.size(); i++) {
            WebElement r = rows.get(i);
            assertEquals("done", r.getAttribute("data-state"), r.getText());
            assertEquals(String.valueOf(i + 1), r.getAttribute("data-rank"));
            double f1 = Double.parseDouble(r.getAttribute("data-macro-f1"));
            assertTrue(f1 <= previous, "ranked by macro F1");
            previous = f1;
        }
        assertTrue(browser.findElement(By.id("leaderboard-split")).getText().contains("97 training / 23 validation"),
                browser.findElement(By.id("leaderboard-split")).getText());

        ObjectMapper json = new ObjectMapper();
        for (Map.Entry<String, String> c : wanted.entrySet()) {
            WebElement row = browser.findElement(By.cssSelector("#leaderboard-table tr[data-candidate='" + c.getKey() + "']"));
            String base = c.getKey().startsWith("zoo:") ? c.getKey().substring(4)
                    : TestData.model("xc_super_pretrained.onnx").toString();
            String method = c.getKey().startsWith("zoo:") ? "scratch" : "head";
            Path model = out.resolve(c.getKey().replace(':', '_') + ".onnx");
            int status = Main.run("finetune", "--base", base, "--method", method, "--labels",
                    TestData.data("ptbxl/labels.csv").toString(), npy.toString(), "--fs", "500", "--epochs", "2",
                    "--seed", "42", "--out", model.toString());
            assertEquals(0, status, c.getValue());
            JsonNode v = json.readTree(out.resolve(c.getKey().replace(':', '_') + ".report.json").toFile()).get("validation");
            assertEquals(v.get("macroF1").asDouble(), Double.parseDouble(row.getAttribute("data-macro-f1")), 1e-9,
                    c.getValue() + ": macro F1 as from the command line");
            assertEquals(v.get("weightedF1").asDouble(), Double.parseDouble(row.getAttribute("data-weighted-f1")), 1e-9,
                    c.getValue() + ": weighted F1");
            assertEquals(v.get("macroAuc").asDouble(), Double.parseDouble(row.getAttribute("data-macro-auc")), 1e-6,
                    c.getValue() + ": macro AUC");
            assertEquals(23, v.get("samples").asInt());
        }

        String csv = (String) js.executeAsyncScript(
                "const done = arguments[0]; fetch(document.getElementById('leaderboard-csv').href).then(r => r.text()).then(done);");
        assertEquals(4, csv.strip().split("\n").length, csv);
        assertTrue(csv.startsWith("rank,candidate,state,macro_f1"), csv);

        browser.get(url("/compare"));
        assertTrue(browser.findElement(By.id("compare-sets")).getText().contains("3 of 3"));
    }

    /** A restart interrupts a comparison; its unfinished candidates can be queued again, and cancelled. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void anInterruptedComparisonIsResumedAndCancelled() throws Exception {
        browser.get(url("/compare"));
        for (WebElement box : browser.findElements(By.cssSelector("#cmp-candidates input[name=candidate]"))) {
            String label = box.findElement(By.xpath("..")).getText().strip();
            boolean want = label.equals("xc_super_pretrained — head only") || label.equals("CardX — from scratch");
            if (box.isSelected() != want) {
                box.click();
            }
        }
        browser.findElement(By.id("cmp-split")).click();
        browser.findElement(By.cssSelector("#cmp-advanced summary")).click();
        browser.findElement(By.id("cmp-epochs")).clear();
        browser.findElement(By.id("cmp-epochs")).sendKeys("100");
        org.openqa.selenium.JavascriptExecutor page = (org.openqa.selenium.JavascriptExecutor) browser;
        for (String id : List.of("cmp-consent", "compare-button")) {
            WebElement e = browser.findElement(By.id(id));
            page.executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
            e.click();
        }
        BrowserSupport.waitFor(browser, 30).until(d -> d.getCurrentUrl().matches(".*/compare/\\d+$"));
        String board = browser.getCurrentUrl();
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
        BrowserSupport.waitFor(browser, 120).until(d -> String.valueOf(js.executeScript(
                "return document.getElementById('leaderboard-table').innerText")).contains("running"));

        server.close();
        server = WebServer.start(workspace, Paths.get("..", "models").toAbsolutePath().normalize(), "127.0.0.1", 0);
        browser.get(url(board.substring(board.indexOf("/compare/"))));
        List<String> states = browser.findElements(By.cssSelector("#leaderboard-table tbody tr")).stream()
                .map(r -> r.getAttribute("data-state")).toList();
        assertEquals(List.of("interrupted", "interrupted"), states);

        browser.findElement(By.id("compare-resume")).click();
        BrowserSupport.waitFor(browser, 60).until(d -> String.valueOf(js.executeScript(
                "return document.getElementById('leaderboard-table').innerText")).contains("running"));
        browser.findElement(By.id("compare-cancel")).click();
        BrowserSupport.waitFor(browser, 120).until(d -> "true".equals(
                js.executeScript("const b = document.getElementById('leaderboard'); return b && b.dataset.finished")));
        states = browser.findElements(By.cssSelector("#leaderboard-table tbody tr")).stream()
                .map(r -> r.getAttribute("data-state")).toList();
        assertEquals(List.of("cancelled", "cancelled"), states);
    }
}
