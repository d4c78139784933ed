package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.explain.AttributionMethod;
import org.exchangeai.core.explain.ExplainableModel;
import org.exchangeai.core.explain.Explainer;
import org.exchangeai.core.explain.Explanation;
import org.exchangeai.core.io.Formats;
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
 * "Why?" in a real browser: CardX predicts three PTB-XL recordings (two MI, one NORM); on the predict
 * page the toggle draws the attribution behind all 12 leads, switching the class redraws it, Grad-CAM
 * says it has no lead importance, and the viewer shows the kept explanation. The page's numbers are
 * those of the core {@link Explainer} run directly on the original file.
 */
class ExplainBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIRST = "2623.npy";

    @TempDir
    static Path workspace;
    @TempDir
    static Path files;
    static WebServer server;
    static WebDriver browser;
    static Path builtIn;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        builtIn = Paths.get("..", "models").toAbsolutePath().normalize();
        List<Datasets.Label> labels = new ArrayList<>();
        for (String[] r : List.of(new String[] {FIRST, "MI"}, new String[] {"887.npy", "NORM"}, new String[] {"3101.npy", "MI"})) {
            Files.copy(TestData.data("ptbxl/npy500/" + r[0]), files.resolve(r[0]));
            labels.add(new Datasets.Label(r[0], r[1], null));
        }
        server = WebServer.start(workspace, builtIn, "127.0.0.1", 0);
        assertEquals(3, BrowserSupport.importDataset(server, "PTB-XL MI and NORM", files, ReadOptions.DEFAULT.withFs(500.0),
                labels).recordings());
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
    void whyOverlaysEveryLeadFollowsTheClassAndMatchesTheCore() throws Exception {
        browser.get(url("/predict"));
        Select model = new Select(browser.findElement(By.id("predict-model")));
        model.getOptions().stream().filter(o -> o.getText().startsWith("cardx_ptbxl")).findFirst().orElseThrow().click();
        new Select(browser.findElement(By.id("predict-dataset"))).selectByIndex(0);
        browser.findElement(By.id("predict-button")).click();
        BrowserSupport.waitFor(browser, 120).until(ExpectedConditions.presenceOfElementLocated(By.id("predictions-table")));
        BrowserSupport.waitFor(browser, 20).until(d -> FIRST.equals(d.findElement(By.id("pred-name")).getText()));

        browser.findElement(By.id("why-toggle")).click();
        Map<String, Long> first = waitForOverlay(null);
        BrowserSupport.screenshot(browser, "predict-why");
        assertEquals(12, first.size(), "a band behind each of the 12 leads: " + first);
        first.forEach((lead, pixels) -> assertTrue(pixels > 50, lead + " has " + pixels + " tinted pixels: " + first));
        String explained = overlay("cls");
        String picture = pictureOfOverlay();
        assertEquals(12, browser.findElements(By.cssSelector("#why-details .why-leads-list li")).size());
        assertTrue(browser.findElement(By.id("why-legend")).getText().contains("for " + explained));

        JsonNode shown = kept(explained, "ig");
        checkAgainstCore(shown, explained);

        // another class: a new explanation, drawn again on every lead
        String other = shown.path("classes").get(0).asText().equals(explained) ? shown.path("classes").get(1).asText()
                : shown.path("classes").get(0).asText();
        new Select(browser.findElement(By.id("why-class"))).selectByValue(other);
        Map<String, Long> second = waitForOverlay(other);
        assertEquals(first.keySet(), second.keySet());
        assertNotEquals(picture, pictureOfOverlay(), "switching the class changes the overlay");
        assertTrue(browser.findElement(By.id("why-details")).getText().startsWith(other), "the details name " + other);

        new Select(browser.findElement(By.id("why-method"))).selectByValue("gradcam");
        BrowserSupport.waitFor(browser, 120).until(d -> "gradcam".equals(overlay("method")) && !overlayHidden());
        assertTrue(browser.findElement(By.id("why-details")).getText().contains("no lead importance"));
        assertEquals(12, tintedPixelsPerLead().size());

        // a class the model does not have is refused with the model's classes
        String refusal = (String) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/explanations', {method: 'POST', headers: {'X-CSRF-Token': document.querySelector('meta[name="csrf-token"]').content}, body: new URLSearchParams({model: arguments[0], recording: arguments[1],
                  class: 'AFIB'})}).then(r => r.text().then(t => done(r.status + ' ' + t)));""",
                shown.path("modelId").asText(), shown.path("recordingId").asText());
        assertTrue(refusal.startsWith("400") && refusal.contains("no class 'AFIB'") && refusal.contains("MI"), refusal);

        // the viewer shows the kept explanation of the same recording behind its 12 leads
        browser.get(url("/analyse/" + shown.path("recordingId").asText()));
        BrowserSupport.waitFor(browser, 20).until(d -> new Select(d.findElement(By.id("why-model"))).getOptions().size() > 0);
        new Select(browser.findElement(By.id("why-model"))).getOptions().stream()
                .filter(o -> o.getText().startsWith("cardx_ptbxl")).findFirst().orElseThrow().click();
        browser.findElement(By.id("why-toggle")).click();
        BrowserSupport.waitFor(browser, 120).until(d -> explained.equals(d.findElement(By.id("viewer")).getDomAttribute("data-why-class")));
        List<String> viewerLeads = Arrays.asList(browser.findElement(By.id("viewer")).getDomAttribute("data-why-leads").split(","));
        assertEquals(12, viewerLeads.size(), viewerLeads.toString());
        BrowserSupport.screenshot(browser, "viewer-why");
    }

    /** Waits until the overlay shows {@code cls} (or any class), then answers the tinted pixels of each lead. */
    private Map<String, Long> waitForOverlay(String cls) {
        BrowserSupport.waitFor(browser, 120).withMessage(() -> "the status says: "
                + browser.findElement(By.id("why-status")).getText()).until(d -> !overlayHidden() && (cls == null || cls.equals(overlay("cls")))
                && "ig".equals(overlay("method")));
        return tintedPixelsPerLead();
    }

    private boolean overlayHidden() {
        return (Boolean) ((JavascriptExecutor) browser).executeScript("return document.getElementById('why-overlay').hidden");
    }

    private String overlay(String key) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('why-overlay').dataset[arguments[0]] || null", key);
    }

    private String pictureOfOverlay() {
        return (String) ((JavascriptExecutor) browser).executeScript("return document.getElementById('why-overlay').toDataURL()");
    }

    /** Pixels with some colour in each lead's boxes of the overlay canvas, by lead. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> tintedPixelsPerLead() {
        return (Map<String, Long>) ((JavascriptExecutor) browser).executeScript("""
                const c = document.getElementById('why-overlay');
                const g = c.getContext('2d');
                const out = {};
                for (const b of JSON.parse(c.dataset.boxes)) {
                  const d = g.getImageData(b.x, b.y, b.w, b.h).data;
                  let n = 0;
                  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                  out[b.lead] = (out[b.lead] || 0) + n;
                }
                return out;""");
    }

    private JsonNode kept(String cls, String method) throws Exception {
        String modelAndRecording = (String) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/predictions/' + document.getElementById('predict-run').dataset.job).then(r => r.json())
                  .then(d => done(d.modelId + ',' + d.predictions[0].id));""");
        String[] ids = modelAndRecording.split(",");
        String body = (String) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/explanations?' + new URLSearchParams({model: arguments[0], recording: arguments[1], class: arguments[2],
                  method: arguments[3]})).then(r => r.text()).then(done);""", ids[0], ids[1], cls, method);
        return JSON.readTree(body);
    }

    /** The same explanation from the core on the original file: class, probability and lead importance. */
    private void checkAgainstCore(JsonNode shown, String cls) throws Exception {
        Ecg ecg = Formats.read(TestData.data("ptbxl/npy500/" + FIRST), ReadOptions.DEFAULT.withFs(500.0));
        try (ExplainableModel m = ExplainableModel.open(builtIn.resolve("cardx_ptbxl.onnx"));
                Explainer explainer = new Explainer(m, 32)) {
            Explanation direct = explainer.explain(FIRST, ecg, AttributionMethod.IG, null);
            assertEquals(direct.className(), cls, "the predicted class is explained by default");
            assertEquals(direct.probability(), shown.path("probability").asDouble(), 1e-5);
            for (int l = 0; l < direct.leads().size(); l++) {
                assertEquals(direct.attribution().leadImportance()[l],
                        shown.path("lead_importance").path(direct.leads().get(l)).asDouble(), 1e-5, direct.leads().get(l));
            }
            assertEquals(direct.attribution().values()[1][500], shown.path("values").get(1).get(500).floatValue(),
                    Math.abs(direct.attribution().values()[1][500]) * 1e-3 + 1e-9);
        }
    }
}
