package org.exchangeai.core.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.exchangeai.core.TestData;
import org.exchangeai.core.exchange.ExchangeException.Kind;
import org.exchangeai.core.exchange.ExchangeFolder.InstalledModel;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing and pulling models through a real WebDAV server (Tomcat's WebdavServlet on loopback,
 * basic authentication). The reference model is {@code ../shared/models/xc_super_pretrained.onnx};
 * expected digests are computed independently of the exchange code (JDK SHA-256 over the source
 * file), and predictions of the pulled copy are compared with those of the original file.
 */
class ModelExchangeTest {

    private static final String USER = "site-a";
    private static final String PASSWORD = "Pa55-never-Shown-7781";

    @TempDir
    static Path tmp;
    static WebDavTestServer server;
    static Path source;

    @BeforeAll
    static void start() throws Exception {
        server = WebDavTestServer.start(tmp.resolve("share"), USER, PASSWORD);
        source = TestData.model("xc_super_pretrained.onnx");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static ModelExchange exchange(String name, String password) throws ExchangeException {
        return new ModelExchange(ExchangeConfig.of(name, server.url() + name + "/", USER, password));
    }

    /** A fresh share folder per test, so tests do not see each other's models. */
    private static ModelExchange fresh(String name) throws Exception {
        Files.createDirectories(server.root().resolve(name));
        return exchange(name, PASSWORD);
    }

    private static double[] predict(Path model) throws Exception {
        try (OnnxModel m = OnnxModel.load(model, 1)) {
            List<Prediction> p = Predictor.forModel(m, 8).predict(
                    Formats.readAll(List.of(TestData.data("ludb/data/10.hea")), ReadOptions.DEFAULT), null);
            assertTrue(p.get(0).ok(), () -> p.get(0).error());
            return p.get(0).probabilities();
        }
    }

    @Test
    void publishedModelPulledElsewherePredictsTheSame() throws Exception {
        try (ModelExchange ex = fresh("share1")) {
            List<long[]> progress = new ArrayList<>();
            ExchangeCard card = ex.push(source, new PushRequest("xc_super", null, false, null), (d, t) -> progress.add(
                    new long[] {d, t}));
            String sha = Integrity.sha256(source);
            assertEquals(sha, card.sha256());
            assertEquals(Files.size(source), card.size());
            assertEquals(sha.substring(0, 12), card.version());
            assertEquals(List.of("CD", "HYP", "MI", "STTC"), card.classes());
            assertEquals("mikroVolt", card.preparation().path("scale").asText());
            assertEquals(USER, card.publisher());
            assertEquals(Files.size(source), progress.get(progress.size() - 1)[0]);
            Path onShare = server.root().resolve("share1/xc_super/" + card.version());
            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(onShare.resolve("model.onnx")));
            assertTrue(Files.exists(onShare.resolve("card.json")));
            assertTrue(Files.exists(server.root().resolve("share1/catalogue.json")));

            Catalogue cat = ex.catalogue();
            assertEquals(Catalogue.Source.FILE, cat.source());
            assertEquals(1, cat.models().size());
            assertEquals(card.version(), cat.models().get(0).version());

            Path otherSite = tmp.resolve("site-b-1");
            InstalledModel got = ex.pull("xc_super", null, otherSite, null);
            assertEquals(otherSite.resolve("exchange/share1/xc_super/" + card.version() + "/model.onnx"), got.file());
            assertEquals(sha, Integrity.sha256(got.file()));
            assertArrayEquals(predict(source), predict(got.file()), 0.0);
            assertEquals(List.of(got.file()), new ExchangeFolder(otherSite).installed().stream().map(InstalledModel::file)
                    .toList());
            assertEquals("exchange:share1", new ExchangeFolder(otherSite).installed().get(0).origin());

            // pulling again finds the intact copy and does not download
            List<long[]> again = new ArrayList<>();
            ex.pull("xc_super", card.version(), otherSite, (d, t) -> again.add(new long[] {d, t}));
            assertEquals(1, again.size());
            assertNoLeftovers(got.file().getParent());
        }
    }

    @Test
    void catalogueFallsBackToFolders() throws Exception {
        try (ModelExchange ex = fresh("share2")) {
            ExchangeCard card = ex.push(source, new PushRequest("m", "1.0", false, "lab"), null);
            Files.delete(server.root().resolve("share2/catalogue.json"));
            Files.createDirectories(server.root().resolve("share2/m/2.0")); // an unfinished publication: no card
            Catalogue cat = ex.catalogue();
            assertEquals(Catalogue.Source.FOLDERS, cat.source());
            assertEquals(List.of("1.0"), cat.models().stream().map(ExchangeCard::version).toList());
            assertEquals(card.sha256(), cat.models().get(0).sha256());
            assertTrue(cat.warnings().get(0).contains("m/2.0 has no card"), cat.warnings().toString());
            // publishing again rebuilds the file from the folders, keeping the earlier model
            ex.push(source, new PushRequest("m", "3.0", false, "lab"), null);
            Catalogue after = ex.catalogue();
            assertEquals(Catalogue.Source.FILE, after.source());
            assertEquals(List.of("3.0", "1.0"), after.models().stream().map(ExchangeCard::version).toList());
            // a damaged catalogue file: listed from the folders, with a warning
            Files.writeString(server.root().resolve("share2/catalogue.json"), "{not json");
            Catalogue damaged = ex.catalogue();
            assertEquals(Catalogue.Source.FOLDERS, damaged.source());
            assertEquals(List.of("3.0", "1.0"), damaged.models().stream().map(ExchangeCard::version).toList());
            assertTrue(damaged.warnings().get(0).contains("is not readable JSON"), damaged.warnings().toString());
        }
    }

    @Test
    void existingVersionIsNotOverwrittenWithoutForce() throws Exception {
        try (ModelExchange ex = fresh("share3")) {
            ex.push(source, new PushRequest("xc", "v1", false, null), null);
            ExchangeException e = assertThrows(ExchangeException.class,
                    () -> ex.push(source, new PushRequest("xc", "v1", false, null), null));
            assertEquals(Kind.ALREADY_EXISTS, e.kind());
            assertTrue(e.getMessage().contains("version 'v1' of model 'xc' already exists on the exchange 'share3'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--force"), e.getMessage());

            ExchangeCard replaced = ex.push(source, new PushRequest("xc", "v1", true, "other"), null);
            assertEquals("other", replaced.publisher());
            assertEquals(1, ex.catalogue().models().size());
            assertEquals("other", ex.card("xc", "v1").publisher());
        }
    }

    /** One byte of the model changed on the server: same size, different SHA-256. */
    @Test
    void tamperedModelIsQuarantined() throws Exception {
        try (ModelExchange ex = fresh("share4")) {
            ExchangeCard card = ex.push(source, new PushRequest("xc", "v1", false, null), null);
            Path onShare = server.root().resolve("share4/xc/v1/model.onnx");
            byte[] bytes = Files.readAllBytes(onShare);
            bytes[bytes.length / 2] ^= 0x01;
            Files.write(onShare, bytes);

            Path site = tmp.resolve("site-b-4");
            ExchangeException e = assertThrows(ExchangeException.class, () -> ex.pull("xc", "v1", site, null));
            assertEquals(Kind.INTEGRITY, e.kind());
            assertTrue(e.getMessage().contains("refused xc@v1 from exchange 'share4': SHA-256 is "
                    + Integrity.sha256(bytes) + " but the card says " + card.sha256()), e.getMessage());
            assertTrue(e.getMessage().contains("quarantine"), e.getMessage());
            Path dir = site.resolve("exchange/share4/xc/v1");
            assertFalse(Files.exists(dir.resolve("model.onnx")));
            assertNoLeftovers(dir);
            assertTrue(new ExchangeFolder(site).installed().isEmpty());

            List<ExchangeFolder.QuarantinedModel> q = new ExchangeFolder(site).quarantined();
            assertEquals(1, q.size());
            assertEquals("xc", q.get(0).name());
            assertEquals("v1", q.get(0).version());
            assertTrue(q.get(0).reason().startsWith("SHA-256 is"), q.get(0).reason());
            assertArrayEquals(bytes, Files.readAllBytes(q.get(0).folder().resolve(ExchangeFolder.QUARANTINED_MODEL_FILE)));
        }
    }

    /** A model file shortened on the server (the server declares the shorter length): refused as a size mismatch. */
    @Test
    void truncatedModelOnTheServerIsQuarantined() throws Exception {
        try (ModelExchange ex = fresh("share9")) {
            ExchangeCard card = ex.push(source, new PushRequest("xc", "v1", false, null), null);
            Path onShare = server.root().resolve("share9/xc/v1/model.onnx");
            byte[] bytes = Files.readAllBytes(onShare);
            Files.write(onShare, java.util.Arrays.copyOf(bytes, 1000));
            Path site = tmp.resolve("site-b-9");
            ExchangeException e = assertThrows(ExchangeException.class, () -> ex.pull("xc", "v1", site, null));
            assertEquals(Kind.INTEGRITY, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("size is 1000 bytes but the card says " + card.size()), e.getMessage());
            assertFalse(Files.exists(site.resolve("exchange/share9/xc/v1/model.onnx")));
            assertEquals(1, new ExchangeFolder(site).quarantined().size());
        }
    }

    /** A file whose digest matches a (rewritten) card but is no ONNX model is refused by the load check. */
    @Test
    void modelThatDoesNotLoadIsQuarantined() throws Exception {
        try (ModelExchange ex = fresh("share5")) {
            ex.push(source, new PushRequest("xc", "v1", false, null), null);
            Path dir = server.root().resolve("share5/xc/v1");
            byte[] junk = "this is not an ONNX model".repeat(100).getBytes(StandardCharsets.US_ASCII);
            Files.write(dir.resolve("model.onnx"), junk);
            ObjectNode card = (ObjectNode) ExchangeCard.JSON.readTree(dir.resolve("card.json").toFile());
            card.put("sha256", Integrity.sha256(junk));
            card.put("size", junk.length);
            Files.writeString(dir.resolve("card.json"), card.toString());

            Path site = tmp.resolve("site-b-5");
            ExchangeException e = assertThrows(ExchangeException.class, () -> ex.pull("xc", "v1", site, null));
            assertEquals(Kind.INTEGRITY, e.kind());
            assertTrue(e.getMessage().contains("it is not a usable model"), e.getMessage());
            assertFalse(Files.exists(site.resolve("exchange/share5/xc/v1/model.onnx")));
            assertEquals(1, new ExchangeFolder(site).quarantined().size());
        }
    }

    /** The server drops the connection after half the model: nothing usable is left, and a second pull succeeds. */
    @Test
    void serverGoingAwayMidDownloadLeavesNoModel() throws Exception {
        try (ModelExchange ex = fresh("share6")) {
            ExchangeCard card = ex.push(source, new PushRequest("xc", "v1", false, null), null);
            Path site = tmp.resolve("site-b-6");
            Path dir = site.resolve("exchange/share6/xc/v1");
            server.cutModelDownloadsAfter(card.size() / 2);
            ExchangeException e;
            try {
                e = assertThrows(ExchangeException.class, () -> ex.pull("xc", "v1", site, null));
            } finally {
                server.cutModelDownloadsAfter(-1);
            }
            assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("of " + card.size() + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was installed"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("model.onnx")));
            assertNoLeftovers(dir);
            assertTrue(new ExchangeFolder(site).installed().isEmpty());
            assertTrue(new ExchangeFolder(site).quarantined().isEmpty());

            InstalledModel got = ex.pull("xc", "v1", site, null);
            assertEquals(card.sha256(), Integrity.sha256(got.file()));
        }
    }

    /** A server that goes silent mid-download: the read timeout (1 s here) ends the pull, nothing is left. */
    @Test
    void stalledServerTimesOutAndLeavesNoModel() throws Exception {
        try (ModelExchange ex = fresh("share10")) {
            ex.push(source, new PushRequest("xc", "v1", false, null), null);
        }
        ExchangeConfig impatient = ExchangeConfig.of("share10", server.url() + "share10/", USER, PASSWORD,
                java.time.Duration.ofSeconds(1));
        Path site = tmp.resolve("site-b-10");
        server.cutModelDownloadsAfter(100_000);
        server.stallBeforeCut(4000);
        try (ModelExchange ex = new ModelExchange(impatient)) {
            ExchangeException e = assertThrows(ExchangeException.class, () -> ex.pull("xc", "v1", site, null));
            assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("broke off after 100000 of"), e.getMessage());
            assertTrue(e.getMessage().contains("SocketTimeoutException"), e.getMessage());
        } finally {
            server.cutModelDownloadsAfter(-1);
            server.stallBeforeCut(0);
        }
        assertFalse(Files.exists(site.resolve("exchange/share10/xc/v1/model.onnx")));
        assertNoLeftovers(site.resolve("exchange/share10/xc/v1"));
    }

    /** A wrong password fails with a clear message, and the password shows up in no message or log. */
    @Test
    void wrongPasswordIsClearAndNoPasswordLeaks() throws Exception {
        String wrong = "Wrong-Secret-4412";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        List<String> logged = new ArrayList<>();
        Handler h = new Handler() {
            final SimpleFormatter f = new SimpleFormatter();

            @Override
            public void publish(LogRecord r) {
                // the test server's own FINER request dump shows what it received; only the client side is ours
                if (!r.getLoggerName().startsWith("org.apache.coyote")) {
                    logged.add(f.format(r));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level oldLevel = root.getLevel();
        root.addHandler(h);
        root.setLevel(Level.ALL);
        List<String> messages = new ArrayList<>();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Files.createDirectories(server.root().resolve("share7"));
            ExchangeConfig cfg = ExchangeConfig.of("share7", server.url() + "share7/", USER, wrong);
            messages.add(cfg.toString());
            try (ModelExchange ex = new ModelExchange(cfg)) {
                ExchangeException e = assertThrows(ExchangeException.class, ex::catalogue);
                assertEquals(Kind.UNAUTHORIZED, e.kind());
                assertTrue(e.getMessage().startsWith("the exchange 'share7' refused the credentials (HTTP 401)"),
                        e.getMessage());
                messages.add(e.getMessage());
                e.printStackTrace();
                ExchangeException p = assertThrows(ExchangeException.class,
                        () -> ex.push(source, PushRequest.defaults(), null));
                assertEquals(Kind.UNAUTHORIZED, p.kind());
                messages.add(p.getMessage());
                ExchangeException q = assertThrows(ExchangeException.class,
                        () -> ex.pull("xc", "v1", tmp.resolve("site-b-7"), null));
                assertEquals(Kind.UNAUTHORIZED, q.kind());
                messages.add(q.getMessage());
            }
            // an unreachable server: a port that nothing listens on any more
            int closedPort;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            try (ModelExchange ex = new ModelExchange(ExchangeConfig.of("gone", "http://127.0.0.1:" + closedPort + "/",
                    USER, PASSWORD))) {
                ExchangeException e = assertThrows(ExchangeException.class, ex::catalogue);
                assertEquals(Kind.UNREACHABLE, e.kind());
                assertTrue(e.getMessage().contains("the exchange 'gone' at http://127.0.0.1:" + closedPort
                        + "/ cannot be reached"), e.getMessage());
                messages.add(e.getMessage());
                e.printStackTrace();
            }
        } finally {
            System.setErr(oldErr);
            root.removeHandler(h);
            root.setLevel(oldLevel);
        }
        String all = String.join("\n", messages) + "\n" + err.toString(StandardCharsets.UTF_8) + "\n" + String.join("\n", logged);
        assertTrue(all.contains("HTTP 401"), "the failures were captured");
        assertFalse(all.contains(wrong), "the wrong password leaked");
        assertFalse(all.contains(PASSWORD), "the password leaked");
        String basic = java.util.Base64.getEncoder().encodeToString((USER + ":" + wrong).getBytes(StandardCharsets.UTF_8));
        assertFalse(all.contains(basic), "the Basic authorization header leaked into a debug log");
    }

    private static void assertNoLeftovers(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> parts = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
            assertEquals(List.of(), parts);
        }
    }

    @Test
    void unsafeNamesAreRefused() throws Exception {
        try (ModelExchange ex = fresh("share8")) {
            ExchangeException e = assertThrows(ExchangeException.class, () -> ex.pull("../etc", "v1", tmp, null));
            assertEquals(Kind.INVALID_NAME, e.kind());
            ExchangeException p = assertThrows(ExchangeException.class,
                    () -> ex.push(source, new PushRequest("ok", "a/b", false, null), null));
            assertEquals(Kind.INVALID_NAME, p.kind());
            assertNotEquals(null, e.getMessage());
        }
    }
}
