package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exchangeai.app.security.PasswordHash;
import org.exchangeai.app.security.SecurityOptions;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.AuditLog;
import org.exchangeai.app.store.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Server mode in a real browser: the sign-in page, a same-origin form (its token added by app.js under
 * the Content-Security-Policy), an htmx-loaded form (sharing), the admin page and sign-out.
 */
class ServerModeBrowserTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path tmp;
    static WebServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrowserSupport.available() || System.getenv("CI") != null,
                "Debian chromium and chromium-driver are needed");
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            Accounts a = new Accounts(ws);
            a.add("root", Accounts.Role.ADMIN, PasswordHash.hash(PASSWORD.toCharArray()));
            a.add("bob", Accounts.Role.RESEARCHER, PasswordHash.hash(PASSWORD.toCharArray()));
        }
        server = WebServer.start(tmp.resolve("ws"), Files.createDirectories(tmp.resolve("builtin")), "127.0.0.1", 0,
                new SecurityOptions(true, List.of(), null, null, SecurityOptions.SERVER_IDLE));
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
    void signInCreateShareAndSignOut() throws Exception {
        browser.get(url("/data"));
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("login-form")));
        browser.findElement(By.id("login-name")).sendKeys("root");
        browser.findElement(By.id("login-password")).sendKeys("wrong password");
        browser.findElement(By.id("login-submit")).click();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("login-error")));
        browser.findElement(By.id("login-name")).sendKeys("root");
        browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-submit")).click();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("new-dataset-name")));
        assertTrue(browser.getCurrentUrl().endsWith("/data"), browser.getCurrentUrl());
        assertTrue(browser.findElement(By.id("account")).getText().contains("root"));

        // a plain form: the token is added by app.js, the request is same-origin
        browser.findElement(By.id("new-dataset-name")).sendKeys("Ward 7");
        browser.findElement(By.id("new-dataset-name")).submit();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.textToBe(By.id("dataset-title"), "Ward 7"));
        // a form loaded by htmx after the page
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("share-account")));
        browser.findElement(By.id("share-account")).sendKeys("bob");
        browser.findElement(By.id("share-account")).submit();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("sharing"), "bob"));
        BrowserSupport.screenshot(browser, "server-mode-data");

        browser.get(url("/admin"));
        assertTrue(browser.findElement(By.id("accounts")).getText().contains("bob"));
        assertTrue(browser.findElement(By.id("audit")).getText().contains("sign in"));

        browser.findElement(By.id("logout")).click();
        BrowserSupport.waitFor(browser, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("login-form")));
        browser.get(url("/data"));
        assertTrue(browser.getCurrentUrl().contains("/login"), browser.getCurrentUrl());

        List<AuditLog.Entry> log = new AuditLog(server.workspace()).all();
        assertTrue(log.stream().anyMatch(e -> "root".equals(e.account()) && e.action().equals("POST /data/{id}/share")
                && e.target().contains("account=bob")), log.toString());
        assertEquals(1, log.stream().filter(e -> e.action().equals("sign in") && e.outcome().startsWith("failed")).count());
    }
}
