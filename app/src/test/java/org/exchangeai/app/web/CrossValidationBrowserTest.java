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
import org.exchangeai.app.cli.Main;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A small k-fold comparison from the compare page: 22 real PTB-XL arrays (5 per class plus two
 * recordings of one patient), the real PTB-XL metadata as patient table, CardX and InceptionTime from
 * scratch, 3 folds, one epoch, with the learning curve. The page shows intervals, the forest plot and the
 * curve; its leaderboard file holds the same numbers as {@code exchangeai compare} on the same files.
 */
class CrossValidationBrowserTest {

    @TempDir
    static Path workspace;
    @TempDir
    static Path dir;
    static WebServer server;
    static WebDriver browser;
    static Path labels;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        Files.createDirectories(dir.resolve("npy500"));
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>(List.of("file_name,label,ICD-10"));
        List<Datasets.Label> webLabels = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("npy500/")) {
                continue;
            }
            boolean samePatient = f[0].equals("npy500/6821.npy") || f[0].equals("npy500/6828.npy"); // patient 10107
            if (!samePatient && taken.merge(f[1], 1, Integer::sum) > 5) {
                continue;
            }
            Files.copy(TestData.data("ptbxl/" + f[0]), dir.resolve(f[0]));
            rows.add(line);
            webLabels.add(new Datasets.Label(f[0].substring("npy500/".length()), f[1], f[2].isEmpty() ? null : f[2]));
        }
        labels = dir.resolve("labels.csv");
        Files.write(labels, rows);
        server = WebServer.start(workspace, Paths.get("..", "models").toAbsolutePath().normalize(), "127.0.0.1", 0);
        assertEquals(22, BrowserSupport.importDataset(server, "PTB-XL 22", dir.resolve("npy500"),
                ReadOptions.DEFAULT.withFs(500.0), webLabels).labelled());
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
    void kFoldWithLearningCurveShowsIntervalsForestPlotAndCurveAsTheCommandLine() throws Exception {
        browser.get(url("/compare"));
        new Select(browser.findElement(By.id("cmp-dataset"))).selectByVisibleText("PTB-XL 22 (22 recordings, 22 labels)");
        assertTrue(browser.findElement(By.id("cmp-kfold")).isSelected(), "k-fold is the default on a small dataset");
        for (WebElement box : browser.findElements(By.cssSelector("#cmp-candidates input[name=candidate]"))) {
            String label = box.findElement(By.xpath("..")).getText().strip();
            boolean want = label.equals("InceptionTime — from scratch") || label.equals("CardX — from scratch");
            if (box.isSelected() != want) {
                box.click();
            }
        }
        WebElement folds = browser.findElement(By.id("cmp-folds"));
        folds.clear();
        folds.sendKeys("3");
        browser.findElement(By.id("cmp-curve")).click();
        browser.findElement(By.id("cmp-curve-points")).clear();
        browser.findElement(By.id("cmp-curve-points")).sendKeys("50");
        browser.findElement(By.id("cmp-patients")).sendKeys(TestData.data("ptbxl/metadata.csv").toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#cmp-advanced summary")).click();
        browser.findElement(By.id("cmp-epochs")).clear();
        browser.findElement(By.id("cmp-epochs")).sendKeys("1");
        browser.findElement(By.id("cmp-batch")).clear();
        browser.findElement(By.id("cmp-batch")).sendKeys("4");
        BrowserSupport.waitFor(browser, 10).until(d -> !d.findElement(By.id("cmp-estimate")).getText().isBlank());
        assertTrue(browser.findElement(By.id("cmp-estimate")).getText().contains("No training has been measured"),
                browser.findElement(By.id("cmp-estimate")).getText());
        JavascriptExecutor js = (JavascriptExecutor) browser;
        for (String id : List.of("cmp-consent", "compare-button")) {
            WebElement e = browser.findElement(By.id(id));
            js.executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
            e.click();
        }

        try {
            BrowserSupport.waitFor(browser, 240).until(d -> !d.findElements(By.id("cv-leaderboard")).isEmpty());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no leaderboard: " + browser.findElement(By.tagName("main")).getText(), e);
        }
        BrowserSupport.screenshot(browser, "compare-kfold");
        String conclusion = browser.findElement(By.id("cv-conclusion")).getText();
        assertTrue(conclusion.contains("has the highest cross-validated macro F1") && conclusion.contains("95 % CI")
                && conclusion.contains("20 patients"), conclusion);
        List<WebElement> rows = browser.findElements(By.cssSelector("#cv-leaderboard tbody tr"));
        assertEquals(2, rows.size());
        for (WebElement r : rows) {
            double v = Double.parseDouble(r.getAttribute("data-macro-f1"));
            assertTrue(Double.parseDouble(r.getAttribute("data-macro-f1-low")) <= v
                    && v <= Double.parseDouble(r.getAttribute("data-macro-f1-high")), r.getText());
            assertTrue(r.getText().contains("["), "an interval is shown: " + r.getText());
        }
        assertEquals("true", rows.get(0).getAttribute("data-indistinguishable"), "the leader is in its own group");
        assertEquals(2, browser.findElements(By.cssSelector("#cv-forest svg .forest-point")).size());
        BrowserSupport.waitFor(browser, 10).until(d -> "2".equals(d.findElement(By.id("cv-curve")).getAttribute("data-drawn")));
        assertEquals(1, browser.findElements(By.cssSelector("#cv-curve canvas")).size(), "uPlot drew the curve");
        assertTrue(browser.findElements(By.cssSelector("#cv-delong tbody tr")).size() == 4, "DeLong per class");

        // the same comparison from the command line gives the same numbers
        String web = (String) js.executeAsyncScript("const done = arguments[0]; "
                + "fetch(document.getElementById('leaderboard-csv').href).then(r => r.text()).then(done);");
        Path out = dir.resolve("cli");
        int status = Main.run("compare", "--labels", labels.toString(), dir.resolve("npy500").toString(), "--fs", "500",
                "--metadata", TestData.data("ptbxl/metadata.csv").toString(), "--candidates",
                "inceptiontime:scratch,cardx:scratch", "--folds", "3", "--curve", "50", "--epochs", "1", "--batch", "4",
                "--seed", "42", "--out", out.toString());
        assertEquals(0, status);
        List<String> cli = Files.readAllLines(out.resolve("leaderboard.csv"));
        List<String> page = List.of(web.strip().split("\n"));
        assertEquals(cli.get(0), page.get(0));
        assertEquals(cli.size(), page.size());
        Map<String, String> names = Map.of("inceptiontime:scratch", "InceptionTime — from scratch", "cardx:scratch",
                "CardX — from scratch");
        for (int i = 1; i < cli.size(); i++) {
            String[] c = cli.get(i).split(",");
            String[] p = page.get(i).split(",");
            assertEquals(names.get(c[1]), p[1]);
            // every number but the training time
            for (int k = 2; k < c.length - 1; k++) {
                assertEquals(c[k], p[k], "column " + cli.get(0).split(",")[k] + " of " + c[1]);
            }
        }

        // the chosen candidate trained on all recordings keeps its cross-validated numbers in its card
        WebElement train = browser.findElement(By.id("train-best"));
        js.executeScript("arguments[0].scrollIntoView({block: 'center'});", train);
        train.click();
        try {
            BrowserSupport.waitFor(browser, 300).until(d -> d.getCurrentUrl().contains("/finetune/")
                    && d.getPageSource().contains("ft-download-model"));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("not trained: " + browser.getCurrentUrl() + " "
                    + browser.findElement(By.tagName("body")).getText(), e);
        }
        browser.get(url("/models"));
        String card = browser.findElement(By.cssSelector(".cv-card")).getText();
        assertTrue(card.contains("3-fold cross-validation on 22 recordings (20 patients)") && card.contains("macro F1"), card);
    }
}
