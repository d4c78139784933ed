package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Models and predictions in a real browser: the built-in models with their cards, a broken upload
 * refused with a reason, a downloaded model added and deleted, then {@code xc_super_pretrained} run on
 * 24 PTB-XL recordings (six each of CD, MI, NORM, STTC from {@code ../shared/data/ptbxl}) with the
 * evaluation drawn. The expected probabilities come from running the same model directly through
 * {@link Predictor} on the original files, bypassing the workspace store and the web layer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelsAndPredictBrowserTest {

    @TempDir
    static Path workspace;
    @TempDir
    static Path files;
    static WebServer server;
    static WebDriver browser;
    static Path builtIn;
    static List<Path> recordings = new ArrayList<>();
    static Map<String, String> labels = new LinkedHashMap<>();
    static String runUrl;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        builtIn = Paths.get("..", "models").toAbsolutePath().normalize();
        Map<String, Integer> perClass = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder("file_name,label,ICD-10\n");
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("npy500/") || perClass.getOrDefault(f[1], 0) >= 6) {
                continue;
            }
            perClass.merge(f[1], 1, Integer::sum);
            recordings.add(TestData.data("ptbxl/" + f[0]));
            labels.put(f[0].substring("npy500/".length()), f[1]);
            csv.append(line).append('\n');
        }
        assertEquals(24, recordings.size());
        Files.writeString(files.resolve("labels.csv"), csv);
        server = WebServer.start(workspace, builtIn, "127.0.0.1", 0);
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
    @Order(1)
    void modelsPageShowsBuiltInCardsAndRefusesABrokenUpload() throws Exception {
        browser.get(url("/"));
        browser.findElement(By.linkText("Models")).click();
        WebElement xc = browser.findElement(By.cssSelector("tr[data-model='xc_super_pretrained']"));
        assertTrue(xc.getText().contains("CD, HYP, MI, STTC"), xc.getText());
        assertTrue(xc.getText().contains("12 × 1000 at 100 Hz"), xc.getText());
        assertTrue(xc.getText().contains("scale mikroVolt"), xc.getText());
        assertTrue(xc.getText().contains("built-in"), xc.getText());
        assertTrue(browser.findElement(By.cssSelector("tr[data-model='InceptionTime_untrained']")).getText()
                .contains("None1, None2"));
        BrowserSupport.screenshot(browser, "models");

        byte[] full = Files.readAllBytes(builtIn.resolve("xc_super_pretrained.onnx"));
        Path broken = files.resolve("broken.onnx");
        Files.write(broken, Arrays.copyOf(full, full.length / 3));
        browser.findElement(By.id("model-file")).sendKeys(broken.toString());
        browser.findElement(By.id("model-upload-button")).click();
        // the upload is a form post: wait for the answering page rather than racing it
        String error = BrowserSupport.waitFor(browser, 30).until(ExpectedConditions.presenceOfElementLocated(
                By.id("model-error"))).getText();
        assertTrue(error.contains("This model cannot be used") && error.contains("not a loadable ONNX model"), error);
        assertTrue(browser.findElements(By.cssSelector("tr[data-model='broken']")).isEmpty());
        BrowserSupport.screenshot(browser, "models-upload-error");

        Path copy = files.resolve("xc_from_site_b.onnx");
        Files.write(copy, full);
        browser.findElement(By.id("model-file")).sendKeys(copy.toString());
        browser.findElement(By.id("model-origin")).sendKeys("site B");
        browser.findElement(By.id("model-upload-button")).click();
        WebElement added = BrowserSupport.waitFor(browser, 30).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-model='xc_from_site_b']")));
        assertTrue(added.getText().contains("downloaded") && added.getText().contains("site B"), added.getText());
        added.findElement(By.cssSelector("button.delete-model")).click();
        browser.switchTo().alert().accept();
        BrowserSupport.waitFor(browser, 10).until(d -> d.findElements(By.cssSelector("tr[data-model='xc_from_site_b']")).isEmpty());

        // the untrained model is hidden from the predict list, and stays hidden after a reload
        WebElement untrained = browser.findElement(By.cssSelector("tr[data-model='InceptionTime_untrained'] .offer-predict"));
        untrained.click();
        BrowserSupport.waitFor(browser, 10).until(d -> {
            try {
                d.navigate().refresh(); // the page may itself be navigating (an upload's answer, a reload)
            } catch (org.openqa.selenium.TimeoutException e) {
                return false;
            }
            return !d.findElement(By.cssSelector("tr[data-model='InceptionTime_untrained'] .offer-predict")).isSelected();
        });
    }

    @Test
    @Order(2)
    void predictOnLabelledPtbxlShowsProbabilitiesConfusionMatrixAndRoc() throws Exception {
        browser.get(url("/data"));
        browser.findElement(By.id("new-dataset-name")).sendKeys("PTB-XL sample");
        browser.findElement(By.id("new-dataset-name")).submit();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.textToBe(By.id("dataset-title"), "PTB-XL sample"));
        browser.findElement(By.id("upload-files")).sendKeys(String.join("\n", recordings.stream().map(Path::toString).toList()));
        browser.findElement(By.id("upload-button")).click();
        BrowserSupport.waitFor(browser, 60).until(d -> {
            try {
                d.navigate().refresh(); // the page may itself be navigating (an upload's answer, a reload)
            } catch (org.openqa.selenium.TimeoutException e) {
                return false;
            }
            return d.findElements(By.cssSelector("#recordings tr.ok")).size() == 24;
        });
        browser.findElement(By.id("labels-file")).sendKeys(files.resolve("labels.csv").toString());
        browser.findElement(By.id("labels-button")).click();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("label-histogram")));

        browser.findElement(By.linkText("Predict")).click();
        Select model = new Select(browser.findElement(By.id("predict-model")));
        assertTrue(model.getOptions().stream().noneMatch(o -> o.getText().startsWith("InceptionTime_untrained")),
                "a model unticked on the models page is not offered");
        model.selectByVisibleText("xc_super_pretrained (CD, HYP, MI, STTC)");
        new Select(browser.findElement(By.id("predict-dataset"))).selectByIndex(0);
        browser.findElement(By.id("predict-button")).click();
        BrowserSupport.waitFor(browser, 120).until(ExpectedConditions.presenceOfElementLocated(By.id("predictions-table")));
        runUrl = browser.getCurrentUrl().replaceAll("#.*", "");

        List<WebElement> rows = browser.findElements(By.cssSelector("#predictions-table tbody tr.ok"));
        assertEquals(24, rows.size());
        checkProbabilitiesAgainstDirectPrediction(rows);
        checkAgainstOriginalPlatform("195.npy", "ptbxl_npy_195/meta.json");

        // confusion matrix: true CD, HYP, MI, STTC, then NORM (unknown to the model); 24 recordings in all
        List<String> trueRows = browser.findElements(By.cssSelector("#confusion-matrix tbody th")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("CD", "HYP", "MI", "STTC", "NORM"), trueRows);
        long total = browser.findElements(By.cssSelector("#confusion-matrix td.cm")).stream()
                .mapToLong(e -> Long.parseLong(e.getText())).sum();
        assertEquals(24, total);
        String unknown = browser.findElement(By.id("unknown-classes")).getText();
        assertTrue(unknown.contains("NORM") && unknown.contains("(6)"), unknown);
        assertEquals(3 * 3, browser.findElements(By.cssSelector("#thresholds tbody tr")).size(),
                "Fmax, 90 % sensitivity and 90 % specificity for CD, MI and STTC (HYP has no positives)");

        BrowserSupport.waitFor(browser, 10).until(d -> colouredPixels("roc") > 500);
        assertTrue(browser.findElement(By.id("roc-legend")).getText().contains("CD AUC 0."));
        BrowserSupport.waitFor(browser, 20).until(d -> darkPixels("pred-strip") > 1000);
        assertEquals(4, browser.findElements(By.cssSelector("#pred-bars .bar-row")).size());
        BrowserSupport.screenshot(browser, "predict");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('evaluation').scrollIntoView()");
        BrowserSupport.screenshot(browser, "predict-evaluation");
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");

        String first = browser.findElement(By.id("pred-name")).getText();
        browser.findElement(By.tagName("body")).sendKeys(Keys.ARROW_RIGHT);
        BrowserSupport.waitFor(browser, 5).until(d -> !d.findElement(By.id("pred-name")).getText().equals(first));
        browser.findElement(By.tagName("body")).sendKeys(Keys.ARROW_LEFT);
        BrowserSupport.waitFor(browser, 5).until(d -> d.findElement(By.id("pred-name")).getText().equals(first));

        String csv = (String) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[0]; fetch(document.getElementById('csv-download').href).then(r => r.text()).then(done);");
        List<String> lines = csv.lines().toList();
        assertEquals("file_name,CD,HYP,MI,STTC,predicted", lines.get(0));
        assertEquals(25, lines.size());
    }

    /** The page's probabilities equal those of the model run directly on the original .npy files (to 3 decimals). */
    private void checkProbabilitiesAgainstDirectPrediction(List<WebElement> rows) throws Exception {
        try (OnnxModel m = OnnxModel.load(builtIn.resolve("xc_super_pretrained.onnx"), 1)) {
            Predictor p = Predictor.forModel(m, 8);
            for (WebElement row : rows.subList(0, 3)) {
                List<WebElement> cells = row.findElements(By.tagName("td"));
                String name = cells.get(0).getText();
                Path file = recordings.stream().filter(r -> r.getFileName().toString().equals(name)).findFirst().orElseThrow();
                Prediction expected = p.predict(name, Formats.read(file, ReadOptions.DEFAULT));
                String[] shown = new String[4];
                String[] want = new String[4];
                for (int c = 0; c < 4; c++) {
                    shown[c] = cells.get(1 + c).getText();
                    want[c] = String.format(Locale.ROOT, "%.3f", expected.probabilities()[c]);
                }
                assertArrayEquals(want, shown, name);
                assertEquals(expected.predicted(), cells.get(5).getText(), name);
                assertEquals(labels.get(name), cells.get(6).getText(), name);
            }
        }
    }

    /**
     * The row of a recording shows the probabilities the original platform's PyTorch model gives
     * ({@code xc_super_probs_torchref} in {@code ../shared/golden}), to 2 decimals: e.g. 195.npy,
     * labelled CD, comes out STTC 0.946 (the arrays are z-scored, not the µV the model was trained on).
     */
    private void checkAgainstOriginalPlatform(String name, String goldenMeta) throws Exception {
        com.fasterxml.jackson.databind.JsonNode meta = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(TestData.golden(goldenMeta).toFile()).get("xc_super_probs_torchref");
        WebElement row = browser.findElements(By.cssSelector("#predictions-table tbody tr")).stream()
                .filter(r -> r.findElement(By.tagName("td")).getText().equals(name)).findFirst().orElseThrow();
        List<WebElement> cells = row.findElements(By.tagName("td"));
        for (int c = 0; c < 4; c++) {
            assertEquals(meta.get(c).asDouble(), Double.parseDouble(cells.get(1 + c).getText()), 0.01, name + " class " + c);
        }
    }

    @Test
    @Order(3)
    void predictionsSurviveARestart() throws Exception {
        server.close();
        server = WebServer.start(workspace, builtIn, "127.0.0.1", 0);
        browser.get(url(runUrl.substring(runUrl.indexOf("/predict/"))));
        // the table is filled by the page's script after the page has loaded
        BrowserSupport.waitFor(browser, 20).until(d -> d.findElements(By.cssSelector("#predictions-table tbody tr.ok")).size() == 24);
        assertFalse(browser.findElements(By.cssSelector("#confusion-matrix td.cm")).isEmpty());
        BrowserSupport.waitFor(browser, 10).until(d -> colouredPixels("roc") > 500);
        String macroF1 = browser.findElement(By.id("macro-f1")).getText();

        browser.findElement(By.linkText("Compare")).click();
        String table = browser.findElement(By.id("compare-table")).getText();
        assertTrue(table.contains("xc_super_pretrained") && table.contains("macro F1 " + macroF1), table);
        assertTrue(table.contains("NORM F1 / AUC unknown to the model (6)"), table);
    }

    private long colouredPixels(String canvasId) {
        return (Long) ((JavascriptExecutor) browser).executeScript("""
                const c = document.getElementById(arguments[0]);
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i+1], d[i+2]) - Math.min(d[i], d[i+1], d[i+2]) > 80) n++;
                return n;""", canvasId);
    }

    private long darkPixels(String canvasId) {
        return (Long) ((JavascriptExecutor) browser).executeScript("""
                const c = document.getElementById(arguments[0]);
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) if (d[i] < 90 && d[i+1] < 90 && d[i+2] < 90) n++;
                return n;""", canvasId);
    }
}
