package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.exchangeai.core.exchange.ExchangeConfig;
import org.exchangeai.core.exchange.ExchangeException;
import org.exchangeai.core.exchange.ModelExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved exchange password is bound to the origin it was entered for. Two in-process HTTP
 * servers stand for the real exchange and an attacker's host; both ask for Basic authentication
 * and record every Authorization header they receive. Re-pointing the exchange at the attacker
 * with an empty password is refused, and no request to the attacker ever carries the password,
 * neither from the page nor through a redirect of the real exchange.
 */
class ExchangeCredentialsTest {

    static final String PASSWORD = "s3cret-Pa55";

    @TempDir
    Path dir;
    private Capture exchange;
    private Capture attacker;
    private WebServer server;
    private String previous;
    private final SameSiteRequests site = new SameSiteRequests(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)));
    private final HttpClient http = site.client();

    /** A server answering 401 with a Basic challenge, recording requests and their Authorization headers. */
    static final class Capture implements AutoCloseable {
        final HttpServer server;
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<String> authorizations = new CopyOnWriteArrayList<>();

        Capture(String redirectTo) throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth != null) {
                    authorizations.add(auth);
                }
                if (redirectTo != null) {
                    ex.getResponseHeaders().add("Location", redirectTo + ex.getRequestURI().getPath());
                    ex.sendResponseHeaders(302, -1);
                } else {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"models\"");
                    ex.sendResponseHeaders(401, -1);
                }
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/dav/";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @BeforeEach
    void start() throws Exception {
        exchange = new Capture(null);
        attacker = new Capture(null);
        previous = System.getProperty("exchangeai.exchanges");
        System.setProperty("exchangeai.exchanges", dir.resolve("exchanges.json").toString());
        server = WebServer.start(dir.resolve("ws"), Files.createDirectories(dir.resolve("none")), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        exchange.close();
        attacker.close();
        if (previous == null) {
            System.clearProperty("exchangeai.exchanges");
        } else {
            System.setProperty("exchangeai.exchanges", previous);
        }
    }

    @Test
    void aChangedUrlNeedsThePasswordAgainAndTheAttackerNeverGetsIt() throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        assertEquals(302, configure(base, exchange.url(), PASSWORD, true).statusCode());
        assertEquals(200, get(base + "/exchange").statusCode());
        assertFalse(exchange.authorizations.isEmpty(), "the real exchange is asked with the password");
        assertTrue(Files.readString(dir.resolve("exchanges.json")).contains(PASSWORD));

        // the same exchange re-pointed at another origin, password left empty (as a forged form would)
        HttpResponse<String> moved = configure(base, attacker.url(), "", true);
        assertEquals(400, moved.statusCode());
        assertTrue(moved.body().contains("now points at another server") && moved.body().contains("enter its password again"),
                moved.body());
        String saved = Files.readString(dir.resolve("exchanges.json"));
        assertTrue(saved.contains(exchange.url()) && !saved.contains(attacker.url()), saved);
        get(base + "/exchange");
        assertTrue(attacker.requests.isEmpty(), "nothing is sent to the new host: " + attacker.requests);

        // another port of the same host is another origin too
        String otherPort = exchange.url().replace(":" + exchange.server.getAddress().getPort(),
                ":" + attacker.server.getAddress().getPort());
        assertEquals(400, configure(base, otherPort, "", true).statusCode());

        // the same origin, another folder: the saved password stays valid there
        assertEquals(302, configure(base, exchange.url() + "sub/", "", true).statusCode());
        assertTrue(Files.readString(dir.resolve("exchanges.json")).contains(PASSWORD));

        // with the password typed again the new origin is the user's choice
        assertEquals(302, configure(base, attacker.url(), "other-pass", true).statusCode());
        get(base + "/exchange");
        assertFalse(attacker.authorizations.isEmpty());
        for (String a : attacker.authorizations) {
            String decoded = new String(java.util.Base64.getDecoder().decode(a.substring("Basic ".length())),
                    StandardCharsets.UTF_8);
            assertEquals("alice:other-pass", decoded, "only the password typed for this origin");
        }
        assertTrue(attacker.authorizations.stream().noneMatch(a -> a.contains(basic(PASSWORD))));
    }

    @Test
    void localAddressesNeedAnExplicitConfirmation() throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        HttpResponse<String> r = configure(base, exchange.url(), PASSWORD, false);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("points at this machine or a link-local address (127.0.0.1)"), r.body());
        assertFalse(Files.exists(dir.resolve("exchanges.json")));
        HttpResponse<String> metadata = configure(base, "http://169.254.169.254/latest/", "", false);
        assertEquals(400, metadata.statusCode());
        assertTrue(metadata.body().contains("(169.254.169.254)"), metadata.body());
        assertTrue(exchange.requests.isEmpty(), "nothing was requested before the confirmation");
    }

    @Test
    void aRedirectToAnotherOriginDoesNotCarryTheCredentials() throws Exception {
        try (Capture redirecting = new Capture(attacker.url().replace("/dav/", ""))) {
            ExchangeConfig c = ExchangeConfig.of("site", redirecting.url(), "alice", PASSWORD);
            try (ModelExchange x = new ModelExchange(c)) {
                x.catalogue();
            } catch (ExchangeException expected) {
                // the attacker answers 401: the catalogue is not readable
            }
            assertFalse(redirecting.authorizations.isEmpty(), "the exchange's own origin gets the credentials");
            assertFalse(attacker.requests.isEmpty(), "the redirect was followed: " + redirecting.requests);
            assertTrue(attacker.authorizations.isEmpty(), "but without credentials: " + attacker.authorizations);
        }
    }

    private static String basic(String password) {
        return java.util.Base64.getEncoder().encodeToString(("alice:" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> configure(String base, String url, String password, boolean local) throws Exception {
        String form = "name=site-b&url=" + enc(url) + "&username=alice&password=" + enc(password) + (local ? "&local=on" : "");
        return http.send(site.to(URI.create(base + "/exchange/configure"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
