package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.security.PasswordHash;
import org.exchangeai.app.security.SecurityOptions;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.AuditLog;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server mode: no start without accounts, sign-in, private datasets (another account gets 404 on
 * direct URLs too), sharing, administrators see everything, lockout after failed sign-ins, roles,
 * and the audit trail of every access.
 */
class ServerModeTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path tmp;
    private static WebServer server;
    private static Path builtIn;

    @BeforeAll
    static void start() throws Exception {
        builtIn = Files.createDirectories(tmp.resolve("builtin"));
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            Accounts a = new Accounts(ws);
            String hash = PasswordHash.hash(PASSWORD.toCharArray());
            a.add("alice", Accounts.Role.RESEARCHER, hash);
            a.add("bob", Accounts.Role.RESEARCHER, hash);
            a.add("carol", Accounts.Role.RESEARCHER, hash);
            a.add("root", Accounts.Role.ADMIN, hash);
        }
        server = WebServer.start(tmp.resolve("ws"), builtIn, "127.0.0.1", 0,
                new SecurityOptions(true, List.of(), null, null, SecurityOptions.SERVER_IDLE));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static WebClient signIn(String name) throws Exception {
        WebClient c = new WebClient(server.port()).open("/login");
        HttpResponse<String> r = c.post("/login", Map.of("name", name, "password", PASSWORD, "next", "/data"));
        assertEquals(302, r.statusCode(), r.body());
        assertEquals("/data", r.headers().firstValue("Location").orElseThrow());
        c.open("/");
        return c;
    }

    @Test
    void aWildcardAddressWithoutAccountsDoesNotStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WebServer.start(tmp.resolve("empty"), builtIn, "0.0.0.0", 0));
        assertTrue(e.getMessage().contains("./exchangeai users add NAME --admin"), e.getMessage());
        assertTrue(SecurityOptions.forBinding("0.0.0.0").accounts());
        assertFalse(SecurityOptions.forBinding("127.0.0.1").accounts());
        assertFalse(SecurityOptions.forBinding("::1").accounts());
    }

    @Test
    void passwordsAreStoredAsArgon2idHashes() throws Exception {
        Accounts.Account a = new Accounts(server.workspace()).get("alice").orElseThrow();
        assertTrue(a.passwordHash().startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a.passwordHash());
        assertFalse(a.passwordHash().contains(PASSWORD));
        assertTrue(PasswordHash.verify(PASSWORD.toCharArray(), a.passwordHash()));
        assertFalse(PasswordHash.verify("correct horse battery!".toCharArray(), a.passwordHash()));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.hash("short".toCharArray()));
    }

    @Test
    void withoutSignInEverythingAsksForIt() throws Exception {
        WebClient anon = new WebClient(server.port());
        HttpResponse<String> r = anon.get("/data");
        assertEquals(302, r.statusCode());
        assertEquals("/login?next=%2Fdata", r.headers().firstValue("Location").orElseThrow());
        assertEquals(401, anon.get("/api/recordings/1/signal").statusCode());
        assertEquals(200, anon.get("/static/js/app.js").statusCode());
        anon.open("/login");
        assertEquals(401, anon.post("/data", Map.of("name", "anonymous")).statusCode());
        // an open redirect after sign-in is not possible
        assertEquals("/", LoginPage.safeNext("//evil.example/"));
        assertEquals("/", LoginPage.safeNext("https://evil.example/"));
    }

    @Test
    void privateDatasetsAreInvisibleToOthersUntilShared() throws Exception {
        WebClient alice = signIn("alice");
        HttpResponse<String> created = alice.post("/data", Map.of("name", "alice-private"));
        assertEquals(302, created.statusCode(), created.body());
        String path = created.headers().firstValue("Location").orElseThrow();
        alice.open(path);
        assertEquals(302, alice.postMultipart(path + "/upload", Map.of(), "files", "muse-sinus.xml",
                Files.readAllBytes(TestData.data("muse/muse-sinus.xml"))).statusCode());
        long id = Long.parseLong(path.substring("/data/".length()));
        long until = System.currentTimeMillis() + 60_000;
        org.exchangeai.app.store.Datasets ds = new org.exchangeai.app.store.Datasets(server.workspace());
        while (ds.recordings(id).isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        long recording = ds.recordings(id).get(0).id();
        long importJob = server.jobs().recent(50).stream().filter(j -> j.kind().equals("import")).findFirst().orElseThrow().id();
        assertEquals(200, alice.get(path).statusCode());
        assertEquals(200, alice.get("/analyse/" + recording).statusCode());

        WebClient bob = signIn("bob");
        assertFalse(bob.get("/data").body().contains("alice-private"));
        assertFalse(bob.get("/").body().contains("alice-private"));
        for (String p : List.of(path, path + "/export?as=csv", path + "/jobs", path + "/sharing", "/analyse/" + recording,
                "/api/recordings/" + recording + "/signal", "/api/recordings/" + recording + "/analysis", "/api/jobs/" + importJob)) {
            assertEquals(404, bob.get(p).statusCode(), "bob reached " + p);
        }
        assertFalse(bob.get("/jobs").body().contains("muse-sinus"), "bob sees alice's import job");
        assertEquals(404, bob.post(path + "/upload", Map.of()).statusCode());
        assertEquals(404, bob.post(path + "/share", Map.of("account", "bob")).statusCode());

        WebClient root = signIn("root");
        assertEquals(200, root.get(path).statusCode());
        assertEquals(200, root.get("/api/recordings/" + recording + "/signal").statusCode());

        // alice shares with bob: bob sees it, carol still does not
        alice.open(path);
        HttpResponse<String> share = alice.post(path + "/share", Map.of("account", "bob"));
        assertEquals(302, share.statusCode(), share.body());
        assertEquals(200, bob.get(path).statusCode());
        assertEquals(200, bob.get("/analyse/" + recording).statusCode());
        assertTrue(bob.get(path + "/sharing").body().contains("alice"));
        assertEquals(404, signIn("carol").get(path).statusCode());
        // a shared reader may not share further, nor change the dataset
        bob.open(path);
        assertEquals(403, bob.post(path + "/share", Map.of("account", "carol")).statusCode());
        assertEquals(403, bob.postMultipart(path + "/upload", Map.of(), "files", "x.csv", "1,2\n".getBytes()).statusCode());

        // the audit trail has each access, with account and address
        List<AuditLog.Entry> log = new AuditLog(server.workspace()).all();
        assertTrue(has(log, "alice", "POST /data", "/data"), log.toString());
        assertTrue(has(log, "alice", "POST /data/{id}/upload", path), log.toString());
        assertTrue(has(log, "alice", "open recording", "/analyse/" + recording));
        assertTrue(has(log, "root", "read recording", "/api/recordings/" + recording + "/signal"));
        assertTrue(has(log, "bob", "open dataset", path));
        assertTrue(log.stream().anyMatch(e -> "bob".equals(e.account()) && e.action().equals("open dataset")
                && e.outcome().contains("404")), "refused access is audited too");
        assertTrue(log.stream().allMatch(e -> e.address() != null && !e.address().isBlank()));
        // admins read and export it; researchers may not
        assertEquals(200, root.get("/admin").statusCode());
        HttpResponse<String> csv = root.get("/admin/audit.csv");
        assertTrue(csv.body().startsWith("id,at,account,address,action,target,outcome\n") && csv.body().contains(",alice,"));
        assertEquals(403, bob.get("/admin").statusCode());
        assertEquals(403, bob.get("/admin/audit.csv").statusCode());
        assertFalse(csv.body().contains(PASSWORD));
    }

    private static boolean has(List<AuditLog.Entry> log, String account, String action, String target) {
        return log.stream().anyMatch(e -> account.equals(e.account()) && e.action().equals(action)
                && e.target() != null && e.target().startsWith(target));
    }

    @Test
    void researchersCannotConfigureExchangesNorManageAccounts() throws Exception {
        WebClient carol = signIn("carol");
        carol.open("/exchange");
        assertEquals(403, carol.post("/exchange/configure", Map.of("name", "x", "url", "https://dav.example.org/")).statusCode());
        assertEquals(403, carol.post("/admin/users", Map.of("account", "mallory", "password", "0123456789abc")).statusCode());
        assertTrue(new Accounts(server.workspace()).get("mallory").isEmpty());
    }

    @Test
    void repeatedFailuresLockTheAccount() throws Exception {
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            new Accounts(ws).add("dave", Accounts.Role.RESEARCHER, PasswordHash.hash(PASSWORD.toCharArray()));
        }
        WebClient c = new WebClient(server.port()).open("/login");
        for (int i = 0; i < Accounts.MAX_FAILURES; i++) {
            HttpResponse<String> r = c.post("/login", Map.of("name", "dave", "password", "wrong password " + i));
            assertEquals(401, r.statusCode());
            assertTrue(r.body().contains("Wrong name or password"), r.body());
        }
        HttpResponse<String> right = c.post("/login", Map.of("name", "dave", "password", PASSWORD));
        assertEquals(401, right.statusCode(), "a locked account must refuse even the right password");
        Accounts.Account dave = new Accounts(server.workspace()).get("dave").orElseThrow();
        assertTrue(dave.locked(Instant.now()) && dave.lockedUntil().isAfter(Instant.now().plusSeconds(14 * 60)));
        List<AuditLog.Entry> log = new AuditLog(server.workspace()).all();
        assertTrue(log.stream().anyMatch(e -> "dave".equals(e.account()) && e.action().equals("sign in")
                && e.outcome().startsWith("refused: account locked")), log.toString());
        new Accounts(server.workspace()).unlock("dave");
        assertEquals(302, c.post("/login", Map.of("name", "dave", "password", PASSWORD)).statusCode());
    }

    @Test
    void signOutEndsTheSessionAndRemovedAccountsLoseTheirs() throws Exception {
        WebClient alice = signIn("alice");
        String old = alice.cookie;
        assertEquals(302, alice.post("/logout", Map.of()).statusCode());
        alice.cookie = old;
        assertEquals(302, alice.get("/data").statusCode(), "the old session cookie must no longer work");

        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            new Accounts(ws).add("erin", Accounts.Role.RESEARCHER, PasswordHash.hash(PASSWORD.toCharArray()));
        }
        WebClient erin = signIn("erin");
        assertEquals(200, erin.get("/data").statusCode());
        new Accounts(server.workspace()).remove("erin");
        assertEquals(302, erin.get("/data").statusCode());
    }

    @Test
    void theAuditLogIsAppendOnly() throws Exception {
        new AuditLog(server.workspace()).record("root", "127.0.0.1", "test", null, "ok");
        try (Connection c = server.workspace().connect(); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit"));
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE audit SET account = 'x'"));
        }
    }
}
