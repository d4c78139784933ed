package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.exchangeai.core.TestData;
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

/**
 * A person's way through the platform in a real browser: create a dataset, upload the LUDB folder
 * and its labels plus a corrupt file, browse recordings on ECG paper, restart the server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataAndViewerBrowserTest {

    @TempDir
    static Path workspace;
    static WebServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        server = WebServer.start(workspace, "127.0.0.1", 0);
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
    void uploadLudbWithLabelsAndACorruptFile() throws Exception {
        browser.get(url("/"));
        BrowserSupport.screenshot(browser, "landing");
        browser.findElement(By.linkText("Data")).click();
        browser.findElement(By.id("new-dataset-name")).sendKeys("LUDB");
        browser.findElement(By.id("new-dataset-name")).submit();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.textToBe(By.id("dataset-title"), "LUDB"));

        Path ludb = TestData.data("ludb/data");
        List<String> files;
        try (Stream<Path> s = Files.list(ludb)) {
            files = s.map(Path::toString).sorted().collect(Collectors.toList());
        }
        Path corrupt = workspace.getParent().resolve("corrupt-" + System.nanoTime() + ".edf");
        Files.write(corrupt, "this is not an EDF file at all".getBytes());
        files.add(corrupt.toString());
        browser.findElement(By.id("upload-files")).sendKeys(String.join("\n", files));
        browser.findElement(By.id("upload-button")).click();
        waitForJobsToFinish();
        browser.navigate().refresh();

        List<WebElement> ok = browser.findElements(By.cssSelector("#recordings tr.ok"));
        List<WebElement> failed = browser.findElements(By.cssSelector("#recordings tr.failed"));
        assertEquals(60, ok.size(), "every LUDB record is listed as read");
        assertEquals(1, failed.size());
        assertTrue(failed.get(0).getText().contains("not a recognised ECG format"), failed.get(0).getText());

        browser.findElement(By.id("labels-file")).sendKeys(TestData.data("ludb/labels.csv").toString());
        browser.findElement(By.id("labels-button")).click();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("label-histogram")));
        String report = browser.findElement(By.id("label-report")).getText();
        assertTrue(report.contains("60 match a recording"), report);
        assertTrue(browser.findElement(By.id("label-histogram")).getText().contains("SR"));
        BrowserSupport.screenshot(browser, "data");
    }

    @Test
    @Order(2)
    void viewerDrawsTwelveLeadsOnPaperAndArrowKeysMoveBetweenRecordings() throws Exception {
        browser.findElement(By.cssSelector("#recordings tr.ok a")).click();
        String first = browser.getCurrentUrl();
        waitForCanvases(12);
        // the computed measurements arrive with the analysis; then the overlays are on the paper
        BrowserSupport.waitFor(browser, 60).until(d -> d.findElement(
                By.cssSelector("#measurements tr[data-key='hr_bpm'] .computed")).getText().matches("\\d+(\\.\\d)?"));
        assertDrawn(12);
        for (String key : List.of("hr_bpm", "qrs_ms", "qt_ms", "qtc_ms", "qrs_axis_deg")) {
            String v = browser.findElement(By.cssSelector("#measurements tr[data-key='" + key + "'] .computed")).getText();
            assertTrue(v.matches("-?\\d+(\\.\\d)?"), key + " is a number: " + v);
        }
        double hr = Double.parseDouble(browser.findElement(
                By.cssSelector("#measurements tr[data-key='hr_bpm'] .computed")).getText());
        assertTrue(hr > 30 && hr < 200, "a heart rate a heart can have: " + hr);
        assertTrue(countPixels("r > 200 && g < 60 && b > 70 && b < 130") > 12 * 5, "R-peak markers on every lead");
        String withWaves = canvasImage();
        browser.findElement(By.id("show-waves")).click();
        assertTrue(!withWaves.equals(canvasImage()), "P/QRS/T bands are drawn (hiding them changes the picture)");
        browser.findElement(By.id("show-waves")).click();
        BrowserSupport.screenshot(browser, "analyse");
        org.openqa.selenium.support.ui.Select view = new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("view")));
        view.selectByValue("beats");
        waitForCanvases(12);
        assertTrue(browser.findElement(By.id("viewer-status")).getText().contains("beats superimposed"));
        assertTrue(countPixels("b > r + 40 || g > r + 40") > 300, "coloured beats are superimposed (blue, green, teal traces on pink paper)");
        BrowserSupport.screenshot(browser, "analyse-qrs-overlay");
        view.selectByValue("median");
        waitForCanvases(12);
        assertEquals("Median beat per lead", browser.findElement(By.id("viewer-status")).getText());
        assertEquals(12, browser.findElements(By.cssSelector("#viewer canvas[data-lead]")).size(), "a median beat for each lead");
        assertTrue(countPixels("r < 90 && g < 90 && b < 90") > 12 * 100, "median beats are drawn");
        BrowserSupport.screenshot(browser, "analyse-median");
        view.selectByValue("paper");
        waitForCanvases(12);
        for (String layout : List.of("6x2", "3x4")) {
            new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("layout"))).selectByValue(layout);
            assertTrue(labelsOnCanvases().containsAll(List.of("I", "II", "V6")), layout);
            BrowserSupport.screenshot(browser, "analyse-" + layout);
        }
        browser.findElement(By.tagName("body")).sendKeys(Keys.ARROW_RIGHT);
        BrowserSupport.waitFor(browser, 10).until(d -> !d.getCurrentUrl().equals(first));
        waitForCanvases(12);
        browser.findElement(By.tagName("body")).sendKeys(Keys.ARROW_LEFT);
        BrowserSupport.waitFor(browser, 10).until(d -> d.getCurrentUrl().equals(first));
    }

    @Test
    @Order(3)
    void datasetSurvivesARestart() throws Exception {
        server.close();
        server = WebServer.start(workspace, "127.0.0.1", 0);
        browser.get(url("/data"));
        // waits for the first answer of the restarted server (the redirect to the dataset, then its table)
        BrowserSupport.waitFor(browser, 20).until(d -> d.findElements(By.cssSelector("#recordings tr.ok")).size() == 60);
        assertEquals(1, browser.findElements(By.cssSelector("#recordings tr.failed")).size());
    }

    /**
     * A MUSE XML file and a ZIP (three LUDB records and a labels.csv) in one upload: both are
     * listed, the ZIP's labels are taken, the filter narrows the table, and the CSV export holds
     * one harmonised file per recording (12 leads × 5000 samples for LUDB, per the headers).
     */
    @Test
    @Order(4)
    void museFileAndZipWithLabelsAreReadFilteredAndExported() throws Exception {
        browser.get(url("/data"));
        browser.findElement(By.id("new-dataset-name")).sendKeys("Mixed");
        browser.findElement(By.id("new-dataset-name")).submit();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.textToBe(By.id("dataset-title"), "Mixed"));
        String datasetUrl = browser.getCurrentUrl();

        Path zip = workspace.getParent().resolve("ludb-three-" + System.nanoTime() + ".zip");
        List<String> records = List.of("10", "104", "107");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (String r : records) {
                for (String ext : List.of(".hea", ".dat")) {
                    out.putNextEntry(new java.util.zip.ZipEntry("data/" + r + ext));
                    out.write(Files.readAllBytes(TestData.data("ludb/data/" + r + ext)));
                    out.closeEntry();
                }
            }
            out.putNextEntry(new java.util.zip.ZipEntry("labels.csv"));
            out.write("file_name,label,ICD-10\ndata/10.hea,SR,\ndata/104.hea,AFIB,I48.91\ndata/107.hea,SR,\n".getBytes());
            out.closeEntry();
        }
        browser.findElement(By.id("upload-files")).sendKeys(TestData.data("muse/muse-sinus.xml") + "\n" + zip);
        browser.findElement(By.id("upload-button")).click();
        waitForJobsToFinish();
        browser.navigate().refresh();

        List<String> names = browser.findElements(By.cssSelector("#recordings tr.ok")).stream()
                .map(e -> e.getAttribute("data-name")).sorted().collect(Collectors.toList());
        String zipName = zip.getFileName().toString();
        assertEquals(List.of(zipName + "!/data/10.hea", zipName + "!/data/104.hea", zipName + "!/data/107.hea", "muse-sinus.xml"),
                names);
        assertEquals(0, browser.findElements(By.cssSelector("#recordings tr.failed")).size());
        WebElement second = browser.findElement(By.cssSelector("#recordings tr[data-name='" + zipName + "!/data/104.hea']"));
        assertTrue(second.getText().contains("AFIB"), "the ZIP's labels.csv labels its recordings: " + second.getText());
        assertTrue(browser.findElement(By.id("label-histogram")).getText().contains("AFIB"));

        browser.findElement(By.tagName("body")).sendKeys("/");
        assertEquals("recordings-filter", browser.switchTo().activeElement().getAttribute("id"), "/ focuses the filter");
        browser.switchTo().activeElement().sendKeys("muse");
        assertEquals(1, browser.findElements(By.cssSelector("#recordings tr.ok")).stream().filter(WebElement::isDisplayed).count());
        assertTrue(browser.findElement(By.id("recordings-shown")).getText().contains("1 of 1 matching (4 in all)"),
                browser.findElement(By.id("recordings-shown")).getText());

        String exportHref = browser.findElement(By.id("export-csv")).getAttribute("href");
        assertTrue(exportHref.startsWith(datasetUrl));
        java.net.http.HttpResponse<byte[]> res = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(exportHref)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals("application/zip", res.headers().firstValue("Content-Type").orElse(""));
        java.util.Map<String, String> entries = new java.util.TreeMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(res.body()))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("data/10.csv", "data/104.csv", "data/107.csv", "muse-sinus.csv"), List.copyOf(entries.keySet()));
        String ludb = entries.get("data/10.csv");
        String[] lines = ludb.split("\n");
        assertTrue(lines[0].contains("V6"), lines[0]);
        assertEquals(5001, lines.length, "a header line and 5000 samples");
        BrowserSupport.screenshot(browser, "data-mixed");
    }

    private void waitForJobsToFinish() {
        BrowserSupport.waitFor(browser, 120).until(d -> {
            try {
                d.navigate().refresh(); // the page may itself be navigating (an upload's answer, a reload)
            } catch (org.openqa.selenium.TimeoutException e) {
                return false;
            }
            Object states = ((JavascriptExecutor) d).executeScript(
                    "return Array.from(document.querySelectorAll('[data-job]')).map(j => j.dataset.state).join(',')");
            String s = String.valueOf(states);
            return !s.isEmpty() && List.of(s.split(",")).stream().allMatch(x -> x.equals("done") || x.equals("failed"));
        });
    }

    /** How many pixels of all viewer canvases satisfy a condition on r, g, b. */
    private long countPixels(String condition) {
        return ((Number) ((JavascriptExecutor) browser).executeScript("""
                let n = 0;
                for (const c of document.querySelectorAll('#viewer canvas')) {
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 0; i < d.length; i += 4) { const r = d[i], g = d[i+1], b = d[i+2]; if (%s) n++; }
                }
                return n;""".formatted(condition))).longValue();
    }

    private String canvasImage() {
        return String.valueOf(((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#viewer canvas')).map(c => c.toDataURL()).join('|')"));
    }

    private void waitForCanvases(int n) {
        BrowserSupport.waitFor(browser, 20).until(d -> d.findElements(By.cssSelector("#viewer canvas")).size() >= n);
    }

    /** Read in one script, so that a re-render (the analysis arriving) cannot interleave. */
    @SuppressWarnings("unchecked")
    private List<String> labelsOnCanvases() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#viewer .lead-label')).map(e => e.textContent)");
    }

    /** Every canvas holds dark trace pixels on top of the paper, and lead labels are present. */
    private void assertDrawn(int canvases) {
        @SuppressWarnings("unchecked")
        List<Long> dark = (List<Long>) ((JavascriptExecutor) browser).executeScript("""
                return Array.from(document.querySelectorAll('#viewer canvas')).map(c => {
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i] < 90 && d[i+1] < 90 && d[i+2] < 90) n++;
                  return n;
                });""");
        assertEquals(canvases, dark.size());
        for (int i = 0; i < dark.size(); i++) {
            assertTrue(dark.get(i) > 200, "canvas " + i + " has a drawn trace (" + dark.get(i) + " dark pixels)");
        }
        assertEquals(List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"), labelsOnCanvases());
        String status = browser.findElement(By.id("viewer-status")).getText();
        assertTrue(status.contains("25 mm/s") && status.contains("10 mm/mV"), status);
    }
}
