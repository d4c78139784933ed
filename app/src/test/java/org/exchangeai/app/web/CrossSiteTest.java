package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.security.Guard;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode against a hostile page in the same browser: every state-changing route (taken from the
 * server's own route table, so a new one cannot be forgotten) refuses requests from another origin,
 * without an origin, or without the session's token, and nothing in the workspace changes; foreign
 * Host names are refused (DNS rebinding); the server's own forms still work; security headers are set
 * and no page has inline script; XSS probes in names, file names and labels are rendered inert.
 */
class CrossSiteTest {

    private static final String EVIL = "http://evil.example";
    /** Probes in dataset names, file names, labels and model names. */
    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final String ATTR = "x\"onmouseover=\"alert(2)";
    private static final String JS_URL = "javascript:alert(3)";

    @TempDir
    static Path tmp;
    private static WebServer server;
    private static String previousExchanges;
    private static long datasetId;

    @BeforeAll
    static void start() throws Exception {
        previousExchanges = System.getProperty("exchangeai.exchanges");
        System.setProperty("exchangeai.exchanges", tmp.resolve("exchanges.json").toString());
        Path builtIn = Files.createDirectories(tmp.resolve("builtin"));
        server = WebServer.start(tmp.resolve("ws"), builtIn, "127.0.0.1", 0);
        WebClient c = new WebClient(server.port()).open("/");
        HttpResponse<String> created = c.post("/data", Map.of("name", SCRIPT + ATTR));
        assertEquals(302, created.statusCode(), created.body());
        datasetId = Long.parseLong(created.headers().firstValue("Location").orElseThrow().replace("/data/", ""));
        c.open("/data/" + datasetId);
        byte[] muse = Files.readAllBytes(TestData.data("muse/muse-sinus.xml"));
        String hostileFile = "<img src=x onerror=alert(4)>" + ATTR + ".xml";
        assertEquals(302, c.postMultipart("/data/" + datasetId + "/upload", Map.of(), "files", hostileFile, muse).statusCode());
        String labels = "file_name,label,ICD-10\n\"" + hostileFile.replace("\"", "\"\"") + "\",\"" + SCRIPT + "\",I10\n";
        c.open("/data/" + datasetId);
        c.postMultipart("/data/" + datasetId + "/labels", Map.of(), "labels", "labels.csv", labels.getBytes(StandardCharsets.UTF_8));
        c.open("/models");
        HttpResponse<String> model = c.postMultipart("/models/upload", Map.of("origin", JS_URL), "model",
                SCRIPT + JS_URL + ".onnx", Files.readAllBytes(TestData.model("xc_super_pretrained.onnx")));
        assertEquals(302, model.statusCode(), model.body());
        long until = System.currentTimeMillis() + 60_000;
        while (server.jobs().recent(10).stream().anyMatch(j -> !j.state().finished()) && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (previousExchanges == null) {
            System.clearProperty("exchangeai.exchanges");
        } else {
            System.setProperty("exchangeai.exchanges", previousExchanges);
        }
    }

    /** Row counts of every table and whether an exchanges file exists: what a forged request could change. */
    private static Map<String, Long> state() throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Connection c = server.workspace().connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), group_concat(quote(rowid)) FROM " + t)) {
                    rs.next();
                    m.put(t, rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT group_concat(offer_predict || offer_finetune || name) FROM model")) {
                rs.next();
                m.put("model offers " + rs.getString(1), 0L);
            }
        }
        m.put("exchanges file", Files.exists(tmp.resolve("exchanges.json")) ? 1L : 0L);
        return m;
    }

    private static List<String> stateChangingRoutes() {
        return server.routes().stream().filter(r -> r.matches("(POST|PUT|PATCH|DELETE) /.*")).toList();
    }

    /** A route's path with its parameters filled with ids that exist. */
    private static String fill(String path) throws Exception {
        long model = 1;
        long job = server.jobs().recent(1).get(0).id();
        long recording = new org.exchangeai.app.store.Datasets(server.workspace()).recordings(datasetId).get(0).id();
        return path.replace("{id}", String.valueOf(path.startsWith("/jobs") ? job : path.startsWith("/models") ? model : datasetId))
                .replace("{job}", String.valueOf(job)).replace("{rid}", String.valueOf(recording))
                .replace("{name}", "nobody").replace("{file}", "leaderboard.csv");
    }

    @Test
    void everyStateChangingRouteRefusesForgedRequestsAndNothingChanges() throws Exception {
        List<String> routes = stateChangingRoutes();
        assertTrue(routes.size() >= 20, "expected the state-changing routes, got " + routes);
        assertTrue(routes.contains("POST /exchange/configure") && routes.contains("POST /data/{id}/upload"), routes.toString());
        WebClient c = new WebClient(server.port()).open("/");
        Map<String, String> form = Map.of("name", "evil", "url", EVIL + "/dav", "dataset", String.valueOf(datasetId),
                "model", "1", "exchange", "evil", "account", "evil", "password", "evil-password-1");
        Map<String, Long> before = state();
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = fill(route.substring(route.indexOf(' ') + 1));
            // from another site, even with the victim's cookie and (somehow) its token
            assertRefused(route, c.send(request(c, method, path, EVIL, c.token)));
            // no Origin nor Referer
            assertRefused(route, c.send(request(c, method, path, null, c.token)));
            // same origin but no token (or a wrong one)
            assertRefused(route, c.send(request(c, method, path, c.base, null)));
            assertRefused(route, c.send(request(c, method, path, c.base, "forged")));
        }
        // a plain cross-site HTML form (urlencoded, no cookie at all because of SameSite=Strict)
        WebClient stranger = new WebClient(server.port());
        assertRefused("POST /exchange/configure", stranger.post("/exchange/configure", form, EVIL, null));
        assertEquals(before, state());
        assertTrue(new org.exchangeai.app.store.AuditLog(server.workspace()).all().stream()
                .anyMatch(e -> e.action().equals("refused POST (cross-site check)") && e.target().equals("/exchange/configure")
                        && e.outcome().contains(EVIL)), "refusals are audited");
    }

    private static java.net.http.HttpRequest.Builder request(WebClient c, String method, String path, String origin, String token) {
        String body = "name=evil&url=" + EVIL + "&dataset=" + datasetId + (token == null ? "" : "&_csrf=" + token);
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b;
    }

    private static void assertRefused(String route, HttpResponse<String> r) {
        assertEquals(403, r.statusCode(), route + " was not refused: " + r.body());
        assertTrue(r.body().contains("id=\"refusal\""), route + ": " + r.body());
    }

    @Test
    void foreignHostNamesAreRefused() throws Exception {
        assertTrue(rawStatusLine("evil.example:" + server.port(), "GET / ").contains(" 421"));
        assertTrue(rawStatusLine("evil.example", "GET /api/recordings/1/signal ").contains(" 421"));
        assertTrue(rawStatusLine("127.0.0.1.evil.example:" + server.port(), "GET /data ").contains(" 421"));
        assertTrue(rawStatusLine("localhost:" + server.port(), "GET / ").contains(" 200"));
        assertTrue(rawStatusLine("127.0.0.1:" + server.port(), "GET / ").contains(" 200"));
    }

    private static String rawStatusLine(String host, String requestLine) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void theServersOwnFormsAndHtmxRequestsStillWork() throws Exception {
        WebClient c = new WebClient(server.port()).open("/");
        HttpResponse<String> r = c.post("/data", Map.of("name", "same origin"));
        assertEquals(302, r.statusCode(), r.body());
        assertTrue(server.workspace() != null && new org.exchangeai.app.store.Datasets(server.workspace()).list().stream()
                .anyMatch(d -> d.name().equals("same origin")));
        // htmx sends the token as a header
        long job = server.jobs().recent(1).get(0).id();
        HttpResponse<String> cancel = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.base + "/jobs/" + job + "/cancel"))
                .header("Origin", c.base).header(Guard.TOKEN_HEADER, c.token).POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertEquals(409, cancel.statusCode(), cancel.body()); // passed the guard; the job has finished
        // a Referer from this server stands in for a missing Origin
        HttpResponse<String> viaReferer = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.base + "/data"))
                .header("Referer", c.base + "/data").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("name=via+referer&_csrf=" + c.token)));
        assertEquals(302, viaReferer.statusCode(), viaReferer.body());
    }

    /** Every page reachable by GET, with ids of the dataset, recording, model and job made above. */
    private static List<String> pages() throws Exception {
        long recording = new org.exchangeai.app.store.Datasets(server.workspace()).recordings(datasetId).get(0).id();
        List<String> out = new ArrayList<>();
        for (String r : server.routes()) {
            if (!r.startsWith("GET ") || r.contains("/events/") || r.endsWith(".csv") || r.endsWith(".json")
                    || r.endsWith("/export") || r.endsWith("/download")) {
                continue;
            }
            String p = r.substring(4);
            p = p.startsWith("/analyse/") || p.startsWith("/api/recordings/") ? p.replace("{id}", String.valueOf(recording)) : p;
            out.add(fill(p));
        }
        return out;
    }

    @Test
    void securityHeadersAndNoInlineScript() throws Exception {
        WebClient c = new WebClient(server.port());
        int html = 0;
        for (String p : pages()) {
            HttpResponse<String> r = c.get(p);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), p + ": " + csp);
            assertFalse(csp.matches(".*script-src[^;]*unsafe.*"), csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), p);
            assertEquals("same-origin", r.headers().firstValue("Referrer-Policy").orElse(""), p);
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                html++;
                assertInert(p, r.body());
            }
        }
        assertTrue(html >= 15, "pages checked: " + html);
    }

    /** No script the page did not load from a file: no inline script, no event-handler attribute, no javascript: URL. */
    private static void assertInert(String page, String body) {
        Document doc = Jsoup.parse(body);
        for (Element e : doc.getAllElements()) {
            if (e.tagName().equals("script")) {
                assertTrue(e.hasAttr("src") && e.data().isBlank(), page + " has an inline script: " + e.outerHtml());
            }
            for (Attribute a : e.attributes()) {
                assertFalse(a.getKey().toLowerCase().startsWith("on"), page + " has an event handler: " + e.outerHtml());
                if (List.of("href", "src", "action", "formaction").contains(a.getKey().toLowerCase())) {
                    assertFalse(a.getValue().strip().toLowerCase().startsWith("javascript:"), page + " has a javascript: URL: "
                            + e.outerHtml());
                }
            }
            assertFalse(e.tagName().equals("img") && e.attr("src").equals("x"), page + " rendered a probe's <img>");
        }
    }

    @Test
    void xssProbesAreInertOnEveryPage() throws Exception {
        WebClient c = new WebClient(server.port());
        int withProbe = 0;
        for (String p : pages()) {
            HttpResponse<String> r = c.get(p);
            String body = r.body();
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("text/html")) {
                // data for scripts: never sniffed as HTML (nosniff), so a probe in it stays text
                assertTrue(type.startsWith("application/json") || type.startsWith("text/event-stream")
                        || type.startsWith("application/octet-stream") || type.startsWith("text/plain"), p + ": " + type);
                continue;
            }
            assertInert(p, body);
            assertFalse(body.contains(SCRIPT), p + " renders a raw <script> probe");
            if (Jsoup.parse(body).text().contains(SCRIPT) || body.contains("\\u003cscript\\u003ealert(1)")) {
                withProbe++;
            }
        }
        assertTrue(withProbe >= 4, "the probes should be shown (as text) on several pages, were on " + withProbe);
    }
}
