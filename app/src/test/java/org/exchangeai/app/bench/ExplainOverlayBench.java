package org.exchangeai.app.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.web.BrowserSupport;
import org.exchangeai.app.web.WebServer;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.ReadOptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * How long "Why?" takes in the browser once an explanation is kept (a main method, not a unit test):
 * CardX predicts PTB-XL recordings on a fresh workspace; per recording the explanation is computed once,
 * then the toggle is timed with the result kept on the server (page reloaded) and kept in the page
 * (toggled off and on), from the click to the drawn overlay. The baseline, in the same page, is fetching
 * the recording's samples (the request the page makes to draw the ECG itself).
 *
 * <p>Arguments: {@code WORK_DIR [recordings=5] [repeats=5]}.
 */
public final class ExplainOverlayBench {

    private ExplainOverlayBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Paths.get(args[0]).toAbsolutePath();
        int recordings = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path folder = work.resolve("recordings");
        Files.createDirectories(folder);
        List<Datasets.Label> labels = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (f[0].startsWith("npy500/") && labels.size() < recordings) {
                Path file = TestData.data("ptbxl/" + f[0]);
                Files.copy(file, folder.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                labels.add(new Datasets.Label(file.getFileName().toString(), f[1], null));
            }
        }
        WebServer server = WebServer.start(work.resolve("workspace-" + System.currentTimeMillis()),
                Paths.get("models").toAbsolutePath(), "127.0.0.1", 0);
        WebDriver browser = BrowserSupport.chrome();
        try {
            BrowserSupport.importDataset(server, "PTB-XL", folder, ReadOptions.DEFAULT.withFs(500.0), labels);
            String base = "http://127.0.0.1:" + server.port();
            browser.get(base + "/predict");
            new Select(browser.findElement(By.id("predict-model"))).getOptions().stream()
                    .filter(o -> o.getText().startsWith("cardx_ptbxl")).findFirst().orElseThrow().click();
            new Select(browser.findElement(By.id("predict-dataset"))).selectByIndex(0);
            browser.findElement(By.id("predict-button")).click();
            BrowserSupport.waitFor(browser, 300).until(ExpectedConditions.presenceOfElementLocated(By.id("predictions-table")));
            String run = browser.getCurrentUrl().replaceAll("#.*", "");
            List<Double> computed = new ArrayList<>();
            List<Double> serverKept = new ArrayList<>();
            List<Double> pageKept = new ArrayList<>();
            List<Double> baseline = new ArrayList<>();
            JavascriptExecutor js = (JavascriptExecutor) browser;
            for (int r = 0; r < recordings; r++) {
                open(browser, run, r);
                toggle(browser);
                computed.add(Double.parseDouble(String.valueOf(js.executeScript(
                        "return /computed in ([0-9.]+) s/.exec(document.getElementById('why-status').textContent)[1]"))));
                for (int k = 0; k < repeats; k++) {
                    open(browser, run, r);
                    serverKept.add(toggle(browser));
                    js.executeScript("const t = document.getElementById('why-toggle'); t.click();");
                    pageKept.add(toggle(browser));
                    baseline.add(((Number) js.executeAsyncScript("""
                            const done = arguments[arguments.length - 1];
                            const id = /r=(\\d+)/.exec(location.hash)[1];
                            fetch('/api/predictions/' + document.getElementById('predict-run').dataset.job).then(r => r.json())
                              .then(d => { const t0 = performance.now();
                                fetch('/api/recordings/' + d.predictions[+id].id + '/signal', {cache: 'no-store'})
                                  .then(r => r.arrayBuffer()).then(() => done(performance.now() - t0)); });""")).doubleValue());
                }
            }
            System.out.printf(Locale.ROOT, "recordings %d, repeats %d, cores %d%n", recordings, repeats,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "first computation (IG 32 steps, job on the server): median %.2f s%n", median(computed));
            double b = median(baseline);
            System.out.printf(Locale.ROOT, "baseline: fetching the recording's samples   median %6.1f ms%n", b);
            System.out.printf(Locale.ROOT, "overlay, kept on the server (click to drawn)  median %6.1f ms  (%.1f x baseline), max %.1f%n",
                    median(serverKept), median(serverKept) / b, max(serverKept));
            System.out.printf(Locale.ROOT, "overlay, kept in the page (click to drawn)    median %6.1f ms  (%.1f x baseline), max %.1f%n",
                    median(pageKept), median(pageKept) / b, max(pageKept));
        } finally {
            BrowserSupport.stop(browser, server);
        }
    }

    private static void open(WebDriver browser, String run, int r) {
        browser.get("about:blank");
        browser.get(run + "#r=" + r);
        BrowserSupport.waitFor(browser, 30).until(d -> d.findElement(By.id("pred-pos")).getText().startsWith((r + 1) + " /"));
    }

    /** Ticks "Why?" and answers the milliseconds from the click to the drawn overlay, as the page measured them. */
    private static double toggle(WebDriver browser) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("const o = document.getElementById('why-overlay'); delete o.dataset.ms;"
                + "document.getElementById('why-toggle').click();");
        BrowserSupport.waitFor(browser, 300).until(d -> js.executeScript("return document.getElementById('why-overlay').dataset.ms") != null);
        return Double.parseDouble((String) js.executeScript("return document.getElementById('why-overlay').dataset.ms"));
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double max(List<Double> v) {
        return Arrays.stream(v.stream().mapToDouble(Double::doubleValue).toArray()).max().orElse(Double.NaN);
    }
}
