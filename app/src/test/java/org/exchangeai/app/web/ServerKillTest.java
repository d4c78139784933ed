package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a server with SIGKILL in the middle of a large import and checks what the next server
 * finds: the workspace opens, every recording row has its signal file and it decodes, the import
 * is marked interrupted with its reason, no temporary or half-written file is left, counts agree.
 * The server runs as {@code exchangeai serve} in a JVM of its own, so the kill is a real one.
 */
class ServerKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COPIES = 2;

    @TempDir
    Path workspace;
    private Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void importKilledMidwayLeavesOnlyWholeRecordingsAndAnInterruptedJob() throws Exception {
        int port = startServerProcess();
        String base = "http://127.0.0.1:" + port;
        // as the data page does: same origin, the session's cookie and request token
        WebClient page = new WebClient(port).open("/");
        HttpResponse<String> created = page.post("/data", java.util.Map.of("name", "Large"));
        assertEquals(302, created.statusCode(), created.body());
        String datasetPath = created.headers().firstValue("Location").orElseThrow();

        // LUDB's 60 records (header + signal file), COPIES times, each copy in its own folder
        List<Path> records;
        try (Stream<Path> s = Files.list(TestData.data("ludb/data"))) {
            records = s.filter(p -> p.toString().endsWith(".hea") || p.toString().endsWith(".dat")).sorted().toList();
        }
        String boundary = "----killtest" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int c = 0; c < COPIES; c++) {
            for (Path f : records) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"folder\"; filename=\"upload/copy"
                        + c + "/" + f.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                body.writeBytes(Files.readAllBytes(f));
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + page.token + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        int totalRecords = COPIES * records.size() / 2;
        HttpResponse<String> uploaded = page.send(HttpRequest.newBuilder(URI.create(base + datasetPath + "/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        assertEquals(302, uploaded.statusCode(), uploaded.body());

        // wait until the import is under way, then kill the process without any chance to clean up
        double progress = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (progress < 0.05 && System.nanoTime() < deadline) {
            JsonNode job = JSON.readTree(get(base + "/api/jobs/1").body()).path("job");
            assertFalse(job.path("state").asText().equals("DONE"), "the import finished before it could be killed");
            progress = job.path("progress").asDouble();
            Thread.sleep(20);
        }
        assertTrue(progress >= 0.05, "the import never got under way");
        process.destroyForcibly();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(137, process.exitValue(), "killed by SIGKILL");
        process = null;

        // a new server on the same workspace
        try (WebServer server = WebServer.start(workspace, "127.0.0.1", 0)) {
            String again = "http://127.0.0.1:" + server.port();
            JsonNode job = JSON.readTree(get(again + "/api/jobs/1").body()).path("job");
            assertEquals("INTERRUPTED", job.path("state").asText());
            assertTrue(job.path("message").asText().contains("server stopped before this job finished"),
                    job.path("message").asText());
            String jobsPage = get(again + "/jobs").body();
            assertTrue(jobsPage.contains("interrupted"), "the jobs page shows the interruption");
            assertTrue(jobsPage.contains("server stopped before this job finished"), "and why");

            int rows = 0;
            int failed = 0;
            try (Connection c = server.workspace().connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT name, status, signal_sha, original_sha, samples FROM recording")) {
                while (rs.next()) {
                    rows++;
                    if (!"ok".equals(rs.getString(2))) {
                        failed++;
                        continue;
                    }
                    String sha = rs.getString(3);
                    assertTrue(server.workspace().files().has(sha), rs.getString(1) + " has its signal file");
                    assertTrue(server.workspace().files().has(rs.getString(4)), rs.getString(1) + " has its original file");
                    Ecg ecg = RecordingCodec.decode(server.workspace().files().read(sha));
                    assertEquals(12, ecg.leadCount());
                    assertEquals(rs.getInt(5), ecg.length());
                    assertEquals(5000, ecg.length());
                }
            }
            assertEquals(0, failed, "no recording was recorded as failed");
            assertTrue(rows > 0 && rows < totalRecords, rows + " of " + totalRecords + " recordings kept");
            String dataPage = get(again + datasetPath).body();
            assertEquals(rows, count(dataPage, "<tr class=\"ok\""), "the data page lists every kept recording");
            assertTrue(dataPage.contains("id=\"count-ok\">" + rows + "<"), "and counts them");

            // every object is whole: its content hashes to its name, and no temporary file remains
            List<Path> objects;
            try (Stream<Path> s = Files.walk(workspace.resolve("objects"))) {
                objects = s.filter(Files::isRegularFile).toList();
            }
            assertTrue(objects.size() >= rows);
            for (Path o : objects) {
                assertFalse(o.getFileName().toString().endsWith(".part"), o.toString());
                String name = o.getParent().getFileName().toString() + o.getFileName();
                assertEquals(name, sha256(Files.readAllBytes(o)), "object " + name + " is whole");
            }
            try (Stream<Path> s = Files.list(workspace.resolve("tmp"))) {
                assertEquals(0, s.filter(Files::isRegularFile).count(), "temporary files are removed on start");
            }
            try (Stream<Path> s = Files.list(workspace.resolve("uploads"))) {
                assertEquals(0, s.count(), "the interrupted import's upload folder is removed on start");
            }
        }
    }

    /** Starts {@code exchangeai serve} on a free port in a new JVM with this test's class path. */
    private int startServerProcess() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.exchangeai.app.cli.Main", "serve", "--port", "0", "--workspace", workspace.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Process p = process;
        Thread reader = new Thread(() -> {
            Pattern running = Pattern.compile("running at http://127\\.0\\.0\\.1:(\\d+)/");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = running.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the server process ended without serving"));
        });
        reader.setDaemon(true);
        reader.start();
        Integer result = port.get(60, TimeUnit.SECONDS);
        assertNotNull(result);
        return result;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
