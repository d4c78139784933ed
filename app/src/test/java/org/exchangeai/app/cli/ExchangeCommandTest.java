package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.exchangeai.core.TestData;
import org.exchangeai.core.exchange.Integrity;
import org.exchangeai.core.exchange.WebDavTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code exchange} commands in-process against Tomcat's WebdavServlet on loopback, with
 * {@code user.home} pointed at a temporary folder holding {@code .exchangeai/exchanges.json}.
 */
class ExchangeCommandTest {

    private static final String PASSWORD = "Cli-Secret-5521";
    private static final String WRONG = "Cli-Wrong-0093";

    @TempDir
    static Path tmp;
    static WebDavTestServer server;
    static int closedPort;

    private String oldHome;
    private Path home;

    @BeforeAll
    static void start() throws Exception {
        server = WebDavTestServer.start(tmp.resolve("share"), "site-a", PASSWORD);
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void home() throws Exception {
        home = Files.createTempDirectory(tmp, "home");
        Path cfg = home.resolve(".exchangeai/exchanges.json");
        Files.createDirectories(cfg.getParent());
        Files.writeString(cfg, """
                {"default": "site-a",
                 "exchanges": {
                   "site-a": {"url": "%s", "username": "site-a", "password": "%s"},
                   "bad": {"url": "%s", "username": "site-a", "password": "%s"},
                   "gone": {"url": "http://127.0.0.1:%d/", "username": "site-a", "password": "%s"}}}
                """.formatted(server.url(), PASSWORD, server.url(), WRONG, closedPort, PASSWORD));
        oldHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
    }

    @AfterEach
    void restoreHome() {
        System.setProperty("user.home", oldHome);
    }

    @Test
    void pushListPullThenModelsAndPredictFindIt() throws Exception {
        Path source = TestData.model("xc_super_pretrained.onnx");
        CliRun push = CliRun.of("exchange", "push", source.toString(), "--name", "site_a_xc", "--version", "v1");
        assertEquals(0, push.status(), push.err());
        assertTrue(push.out().contains("Published site_a_xc@v1 on exchange 'site-a'"), push.out());

        CliRun again = CliRun.of("exchange", "push", source.toString(), "--name", "site_a_xc", "--version", "v1");
        assertEquals(6, again.status(), again.err());
        assertTrue(again.err().contains("version 'v1' of model 'site_a_xc' already exists on the exchange 'site-a'"),
                again.err());
        assertEquals(0, CliRun.of("exchange", "push", source.toString(), "--name", "site_a_xc", "--version", "v1",
                "--force").status());

        CliRun list = CliRun.of("exchange", "list");
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().contains("site_a_xc@v1  [exchange:site-a]  CD, HYP, MI, STTC  1,636,108 bytes"), list.out());

        CliRun pull = CliRun.of("exchange", "pull", "site_a_xc", "--exchange", "site-a");
        assertEquals(0, pull.status(), pull.err());
        Path installed = home.resolve(".exchangeai/exchange/site-a/site_a_xc/v1/model.onnx");
        assertEquals(Integrity.sha256(source), Integrity.sha256(installed));

        CliRun models = CliRun.of("models");
        assertTrue(models.out().contains("site_a_xc@v1  [exchange:site-a]  " + installed), models.out());

        Path out = home.resolve("p.csv");
        CliRun predict = CliRun.of("predict", "--model", "site_a_xc", "--out", out.toString(),
                TestData.data("ludb/data/10.hea").toString());
        assertEquals(0, predict.status(), predict.err());
        CliRun reference = CliRun.of("predict", "--model", source.toString(), TestData.data("ludb/data/10.hea").toString());
        assertEquals(reference.out().strip(), Files.readString(out).strip());
    }

    @Test
    void wrongPasswordAndUnreachableServerAreClearAndShowNoPassword() {
        CliRun bad = CliRun.of("exchange", "list", "--exchange", "bad");
        assertEquals(4, bad.status(), bad.err());
        assertTrue(bad.err().contains("error: the exchange 'bad' refused the credentials (HTTP 401)"), bad.err());

        CliRun gone = CliRun.of("exchange", "pull", "anything", "--exchange", "gone");
        assertEquals(5, gone.status(), gone.err());
        assertTrue(gone.err().contains("the exchange 'gone' at http://127.0.0.1:" + closedPort + "/ cannot be reached"),
                gone.err());

        CliRun unknown = CliRun.of("exchange", "list", "--exchange", "nowhere");
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("no exchange named 'nowhere' is configured"), unknown.err());

        for (CliRun r : new CliRun[] {bad, gone, unknown}) {
            assertFalse((r.out() + r.err()).contains(WRONG), r.err());
            assertFalse((r.out() + r.err()).contains(PASSWORD), r.err());
        }
    }
}
