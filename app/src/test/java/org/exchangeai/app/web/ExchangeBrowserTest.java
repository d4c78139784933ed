package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.exchange.ExchangeCard;
import org.exchangeai.core.exchange.ExchangeConfig;
import org.exchangeai.core.exchange.ModelExchange;
import org.exchangeai.core.exchange.PushRequest;
import org.exchangeai.core.exchange.WebDavTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The exchange page in a real browser against an in-process WebDAV share with basic
 * authentication: {@code xc_super_pretrained} is published with the core API, the exchange is
 * configured on the page (a wrong password first), the model is pulled, shows on the models page
 * as downloaded from {@code exchange:site-b} and predicts three PTB-XL recordings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExchangeBrowserTest {

    static final String USER = "alice";
    static final String PASSWORD = "s3cret-Pa55";

    @TempDir
    static Path workspace;
    @TempDir
    static Path files;
    static WebDavTestServer dav;
    static WebServer server;
    static WebDriver browser;
    static ExchangeCard published;
    static String previousProperty;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        dav = WebDavTestServer.start(files.resolve("share"), USER, PASSWORD);
        try (ModelExchange x = new ModelExchange(ExchangeConfig.of("site-b", dav.url(), USER, PASSWORD))) {
            published = x.push(TestData.model("xc_super_pretrained.onnx"),
                    new PushRequest("xc_super", "1.0", false, "Site B"), null);
        }
        previousProperty = System.getProperty("exchangeai.exchanges");
        System.setProperty("exchangeai.exchanges", files.resolve("exchanges.json").toString());
        Path noBuiltIns = Files.createDirectories(files.resolve("builtin"));
        server = WebServer.start(workspace, noBuiltIns, "127.0.0.1", 0);
        browser = BrowserSupport.chrome();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (dav != null) {
            dav.close();
        }
        if (previousProperty == null) {
            System.clearProperty("exchangeai.exchanges");
        } else {
            System.setProperty("exchangeai.exchanges", previousProperty);
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static void configure(String password) {
        browser.findElement(By.id("exchange-name")).sendKeys("site-b");
        browser.findElement(By.id("exchange-url")).sendKeys(dav.url());
        browser.findElement(By.id("exchange-user")).sendKeys(USER);
        browser.findElement(By.id("exchange-password")).sendKeys(password);
        browser.findElement(By.id("exchange-local")).click(); // the test share listens on this machine
        WebElement save = browser.findElement(By.id("exchange-save"));
        save.click();
        // a full form post: the old page goes away before the answer is read
        BrowserSupport.waitFor(browser, 30).until(ExpectedConditions.stalenessOf(save));
    }

    @Test
    @Order(1)
    void wrongPasswordIsExplainedThenTheCatalogueIsListed() throws Exception {
        browser.get(url("/"));
        browser.findElement(By.linkText("Exchange")).click();
        configure("not-the-password");
        String problem = browser.findElement(By.cssSelector(".exchange[data-exchange='site-b'] .exchange-problem")).getText();
        assertTrue(problem.contains("refused the user name or password"), problem);
        assertFalse(browser.getPageSource().contains("not-the-password"));

        configure(PASSWORD);
        WebElement row = browser.findElement(By.cssSelector(".exchange[data-exchange='site-b'] tr[data-model='xc_super']"));
        String text = row.getText();
        assertTrue(text.contains("1.0") && text.contains("CD, HYP, MI, STTC") && text.contains("Site B"), text);
        assertTrue(text.contains(published.sha256().substring(0, 12)), text);
        assertTrue(browser.findElements(By.cssSelector(".exchange-problem")).isEmpty());
        assertFalse(browser.getPageSource().contains(PASSWORD), "the password is never sent to the browser");
        String saved = Files.readString(files.resolve("exchanges.json"));
        assertTrue(saved.contains(PASSWORD) && saved.contains(dav.url()), "kept in the exchanges file");
    }

    @Test
    @Order(2)
    void pulledModelIsMarkedOnModelsAndPredicts() throws Exception {
        browser.get(url("/exchange"));
        browser.findElement(By.cssSelector("tr[data-model='xc_super'] .pull-button")).click();
        BrowserSupport.waitFor(browser, 60).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr.pull-row[data-state='DONE']")));
        BrowserSupport.screenshot(browser, "exchange");

        browser.findElement(By.linkText("Models")).click();
        String model = browser.findElement(By.cssSelector("tr[data-model='xc_super']")).getText();
        assertTrue(model.contains("downloaded") && model.contains("exchange:site-b"), model);

        List<Path> recordings = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String f = line.split(",", -1)[0];
            if (f.startsWith("npy500/") && recordings.size() < 3) {
                recordings.add(TestData.data("ptbxl/" + f));
            }
        }
        browser.get(url("/data"));
        browser.findElement(By.id("new-dataset-name")).sendKeys("Three PTB-XL");
        browser.findElement(By.id("new-dataset-name")).submit();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.textToBe(By.id("dataset-title"), "Three PTB-XL"));
        browser.findElement(By.id("upload-files")).sendKeys(String.join("\n", recordings.stream().map(Path::toString).toList()));
        browser.findElement(By.id("upload-button")).click();
        BrowserSupport.waitFor(browser, 60).until(d -> {
            try {
                d.navigate().refresh(); // the page may itself be navigating (an upload's answer, a reload)
            } catch (org.openqa.selenium.TimeoutException e) {
                return false;
            }
            return d.findElements(By.cssSelector("#recordings tr.ok")).size() == 3;
        });

        browser.findElement(By.linkText("Predict")).click();
        new Select(browser.findElement(By.id("predict-model"))).selectByVisibleText("xc_super (CD, HYP, MI, STTC)");
        new Select(browser.findElement(By.id("predict-dataset"))).selectByIndex(0);
        browser.findElement(By.id("predict-button")).click();
        BrowserSupport.waitFor(browser, 60).until(ExpectedConditions.presenceOfElementLocated(By.id("predictions-table")));
        assertEquals(3, browser.findElements(By.cssSelector("#predictions-table tbody tr.ok")).size());
    }

    /** Publishing asks for confirmation; a file altered on the share is refused and quarantined with its reason. */
    @Test
    @Order(3)
    void publishWithConfirmationThenATamperedFileIsQuarantined() throws Exception {
        browser.get(url("/exchange"));
        browser.findElement(By.id("publish-name")).sendKeys("xc_copy");
        browser.findElement(By.id("publish-version")).sendKeys("2.0");
        browser.findElement(By.id("publish-button")).click();
        String confirm = BrowserSupport.waitFor(browser, 30).until(ExpectedConditions.presenceOfElementLocated(
                By.id("publish-confirm"))).getText();
        assertTrue(confirm.contains("xc_copy") && confirm.contains("2.0") && confirm.contains("site-b"), confirm);
        assertTrue(browser.findElements(By.cssSelector("tr[data-model='xc_copy']")).isEmpty(), "nothing sent before confirming");
        browser.findElement(By.id("publish-confirm-button")).click();
        assertTrue(BrowserSupport.waitFor(browser, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("exchange-notice")))
                .getText().contains("Published xc_copy@2.0"));
        assertTrue(browser.findElement(By.cssSelector("tr[data-model='xc_copy'][data-version='2.0']")).isDisplayed());

        Path onShare;
        try (var s = Files.walk(dav.root())) {
            onShare = s.filter(p -> p.endsWith(Path.of("xc_copy", "2.0", "model.onnx"))).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(onShare);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(onShare, bytes);

        browser.findElement(By.cssSelector("tr[data-model='xc_copy'] .pull-button")).click();
        WebElement failed = BrowserSupport.waitFor(browser, 60).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr.pull-row[data-state='FAILED']")));
        String message = failed.getText();
        assertTrue(message.contains("quarantined") && message.contains("SHA-256"), message);
        assertTrue(browser.findElement(By.id("quarantined")).getText().contains("xc_copy@2.0"));
        browser.findElement(By.linkText("Models")).click();
        assertTrue(browser.findElements(By.cssSelector("tr[data-model='xc_copy']")).isEmpty(), "nothing registered");
    }
}
