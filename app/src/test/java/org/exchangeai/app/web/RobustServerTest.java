package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server used as an unlucky or hostile user would: deleting a dataset frees its stored files
 * (disk usage measured before and after), a recording and a finished job can be deleted, a
 * malformed upload leaves nothing behind and answers with a sentence, a full workspace refuses
 * with its quota, and addresses and file names that make no sense get sentences, not Java text.
 */
class RobustServerTest {

    @TempDir
    Path dir;

    private final SameSiteRequests site = new SameSiteRequests(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)));
    private final HttpClient http = site.client();

    @Test
    void deletingADatasetFreesItsStoredFilesAndKeepsTheOthers() throws Exception {
        try (WebServer server = WebServer.start(dir.resolve("ws"), Files.createDirectories(dir.resolve("none")),
                "127.0.0.1", 0)) {
            String base = "http://127.0.0.1:" + server.port();
            long keep = create(base, "Keep");
            upload(base, keep, Map.of("muse-sinus.xml", Files.readAllBytes(TestData.data("muse/muse-sinus.xml"))));
            long gone = create(base, "Gone");
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (String r : List.of("10", "104")) {
                files.put(r + ".hea", Files.readAllBytes(TestData.data("ludb/data/" + r + ".hea")));
                files.put(r + ".dat", Files.readAllBytes(TestData.data("ludb/data/" + r + ".dat")));
            }
            files.put("muse_ecg1.xml", Files.readAllBytes(TestData.data("muse/muse_ecg1.xml")));
            files.put("noise.bin", new byte[100_000]);
            upload(base, gone, files);
            waitForJobs(server);
            List<Recording> kept = new org.exchangeai.app.store.Datasets(server.workspace()).recordings(keep);
            List<Recording> rows = new org.exchangeai.app.store.Datasets(server.workspace()).recordings(gone);
            assertEquals(3, rows.stream().filter(Recording::ok).count(), rows.toString());
            // the 100 kB of zeros is not a recording: no row, and nothing kept of it
            Path objects = server.workspace().dir().resolve("objects");
            long before = du(objects);
            assertEquals(before, server.workspace().files().used(), "the store's count agrees with the disk");

            // the first post lacks the confirmation and changes nothing
            HttpResponse<String> unconfirmed = post(base + "/data/" + gone + "/delete", "");
            assertEquals(400, unconfirmed.statusCode());
            assertTrue(unconfirmed.body().contains("Confirm the deletion of the dataset"), unconfirmed.body());
            assertEquals(before, du(objects));

            HttpResponse<String> deleted = post(base + "/data/" + gone + "/delete", "confirm=yes");
            assertEquals(302, deleted.statusCode());
            String location = deleted.headers().firstValue("Location").orElseThrow();
            long freed = Long.parseLong(location.replaceAll(".*freed=(\\d+).*", "$1"));
            long after = du(objects);
            assertEquals(before - after, freed, "the bytes reported freed left the disk");
            assertTrue(freed > 2 * 120_000, "two LUDB signals and their originals at least: " + freed);
            assertEquals(after, server.workspace().files().used());
            for (Recording r : kept) {
                assertTrue(server.workspace().files().has(r.signalSha()), "the other dataset's files stay");
            }
            assertEquals(404, get(base + "/data/" + gone).statusCode());
            assertEquals("/data/" + keep + "?deleted=dataset&freed=" + freed,
                    get(base + location).headers().firstValue("Location").orElseThrow(), "the notice goes along");
            String page = get(base + "/data/" + keep + "?deleted=dataset&freed=" + freed).body();
            assertTrue(page.contains("Dataset deleted"), page);

            // one recording, then the finished import jobs
            Recording one = kept.get(0);
            HttpResponse<String> rec = post(base + "/data/" + keep + "/recordings/" + one.id() + "/delete", "confirm=yes");
            assertEquals(302, rec.statusCode());
            assertFalse(server.workspace().files().has(one.signalSha()));
            assertEquals(0, du(objects), "nothing is left in the store");
            for (JobInfo j : server.jobs().recent(10)) {
                assertEquals(200, post(base + "/jobs/" + j.id() + "/delete", "confirm=yes").statusCode());
            }
            assertTrue(server.jobs().recent(10).isEmpty());
        }
    }

    @Test
    void malformedUploadsAndOddAddressesGetSentencesAndLeaveNothing() throws Exception {
        try (WebServer server = WebServer.start(dir.resolve("ws"), Files.createDirectories(dir.resolve("none")),
                "127.0.0.1", 0)) {
            String base = "http://127.0.0.1:" + server.port();
            long id = create(base, "Odd");
            // a body cut off in the middle of its part
            String cut = "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n"
                    + "Content-Type: text/csv\r\n\r\n1,2,3\n4,5,6\n";
            // its own client: the server closes the connection of a request whose body it could not read
            HttpResponse<String> r = site.freshClient().send(site.to(URI.create(base + "/data/" + id + "/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=XyZ")
                    .POST(HttpRequest.BodyPublishers.ofString(cut)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("The upload could not be read"), r.body());
            assertEmpty(server.workspace().dir().resolve("uploads"));

            // a name that is only dots and slashes
            HttpResponse<String> dots = send(base + "/data/" + id + "/upload", Map.of("../..", "1,2\n".getBytes()));
            assertEquals(400, dots.statusCode());
            assertTrue(dots.body().contains("has no usable part"), dots.body());
            assertEmpty(server.workspace().dir().resolve("uploads"));

            // a name longer than the file system takes
            HttpResponse<String> longName = send(base + "/data/" + id + "/upload", Map.of("x".repeat(300) + ".csv",
                    "1,2\n".getBytes()));
            assertEquals(400, longName.statusCode(), longName.body());
            assertTrue(longName.body().contains("cannot be stored on this machine (File name too long)"), longName.body());
            assertEmpty(server.workspace().dir().resolve("uploads"));

            HttpResponse<String> job = get(base + "/api/jobs/abc");
            assertEquals(404, job.statusCode());
            assertEquals("There is no job 'abc': job ids are numbers, as in /api/jobs/12.", job.body());
            HttpResponse<String> cancel = post(base + "/jobs/abc/cancel", "");
            assertEquals(404, cancel.statusCode());
            HttpResponse<String> fs = send(base + "/data/" + id + "/upload?x=1", Map.of("a.csv", "1,2\n".getBytes()),
                    Map.of("fs", "fast"));
            assertEquals(400, fs.statusCode());
            assertTrue(fs.body().contains("'fast' is not a number"), fs.body());
            assertFalse(fs.body().contains("For input string"), fs.body());
            assertEmpty(server.workspace().dir().resolve("uploads"));

            // a form posted from another site is refused
            HttpResponse<String> cross = http.send(HttpRequest.newBuilder(URI.create(base + "/data"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString("name=Evil")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, cross.statusCode());
            assertTrue(cross.body().contains("came from another site"), cross.body());
        }
    }

    @Test
    void aFullWorkspaceRefusesWithItsQuota() throws Exception {
        String previous = System.getProperty("exchangeai.quotaMiB");
        System.setProperty("exchangeai.quotaMiB", "1");
        try (WebServer server = WebServer.start(dir.resolve("ws"), Files.createDirectories(dir.resolve("none")),
                "127.0.0.1", 0)) {
            String base = "http://127.0.0.1:" + server.port();
            long id = create(base, "Full");
            HttpResponse<String> big = send(base + "/data/" + id + "/upload", Map.of("big.csv", new byte[1_200_000]));
            assertEquals(413, big.statusCode());
            assertTrue(big.body().contains("The workspace is full: this upload needs"), big.body());
            assertEmpty(server.workspace().dir().resolve("uploads"));
            // 0.9 MB of CSV decodes to more than the remaining room: an error row names the quota
            HttpResponse<String> csv = send(base + "/data/" + id + "/upload",
                    Map.of("0000050.ECG.csv", Files.readAllBytes(TestData.data("csv/0000050.ECG.csv"))), Map.of("fs", "500"));
            assertEquals(302, csv.statusCode(), csv.body());
            waitForJobs(server);
            List<Recording> rows = new org.exchangeai.app.store.Datasets(server.workspace()).recordings(id);
            assertEquals(1, rows.size());
            assertEquals("error", rows.get(0).status());
            assertTrue(rows.get(0).error().startsWith("The workspace is full: '0000050.ECG.csv'"), rows.get(0).error());
            assertEquals(0, du(server.workspace().dir().resolve("objects")));
        } finally {
            if (previous == null) {
                System.clearProperty("exchangeai.quotaMiB");
            } else {
                System.setProperty("exchangeai.quotaMiB", previous);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static long du(Path folder) throws Exception {
        try (Stream<Path> s = Files.walk(folder)) {
            long total = 0;
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                total += Files.size(p);
            }
            return total;
        }
    }

    static void assertEmpty(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> left = s.toList();
            assertTrue(left.isEmpty(), "left behind: " + left);
        }
    }

    private long create(String base, String name) throws Exception {
        HttpResponse<String> r = post(base + "/data", "name=" + name);
        assertEquals(302, r.statusCode(), r.body());
        return Long.parseLong(r.headers().firstValue("Location").orElseThrow().replace("/data/", ""));
    }

    private void upload(String base, long id, Map<String, byte[]> files) throws Exception {
        HttpResponse<String> r = send(base + "/data/" + id + "/upload", files);
        assertEquals(302, r.statusCode(), r.body());
    }

    static void waitForJobs(WebServer server) throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (server.jobs().recent(20).stream().allMatch(j -> j.state().finished())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("jobs did not finish: " + server.jobs().recent(20));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String form) throws Exception {
        return http.send(site.to(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String url, Map<String, byte[]> files) throws Exception {
        return send(url, files, Map.of());
    }

    private HttpResponse<String> send(String url, Map<String, byte[]> files, Map<String, String> fields) throws Exception {
        String boundary = "b0undary" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                    + f.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(f.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(site.to(URI.create(url)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
