package org.exchangeai.app.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exchangeai.app.web.SameSiteRequests;
import org.exchangeai.app.web.WebServer;
import org.exchangeai.core.TestData;

/**
 * The 5-fold comparison of {@code docs/validation.md} run through the compare page (a main method, not
 * a unit test): a server on a fresh workspace, the 120 PTB-XL arrays of {@code ptbxl/npy500} and their
 * labels uploaded through the data page's forms, then xc_super head-only, InceptionTime and CardX from
 * scratch compared with the PTB-XL metadata as patient table. Writes the page's {@code leaderboard.csv}
 * and prints the page's conclusion, to be set beside {@code exchangeai compare} on the same files.
 *
 * <p>Arguments: {@code OUT_DIR [epochs=15] [folds=5]}.
 */
public final class CompareOnPage {

    private CompareOnPage() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args[0]).toAbsolutePath();
        String epochs = args.length > 1 ? args[1] : "15";
        String folds = args.length > 2 ? args[2] : "5";
        Files.createDirectories(out);
        try (WebServer server = WebServer.start(out.resolve("workspace"), Paths.get("models").toAbsolutePath(), "127.0.0.1", 0)) {
            String base = "http://127.0.0.1:" + server.port();
            SameSiteRequests site = new SameSiteRequests(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)));
            HttpClient http = site.client();
            HttpResponse<String> created = http.send(site.to(URI.create(base + "/data"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=PTB-XL")).build(), HttpResponse.BodyHandlers.ofString());
            long dataset = Long.parseLong(created.headers().firstValue("Location").orElseThrow().replace("/data/", ""));
            List<Path> arrays;
            try (Stream<Path> s = Files.list(TestData.data("ptbxl/npy500"))) {
                arrays = s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
            }
            Multipart upload = new Multipart();
            for (Path f : arrays) {
                upload.file("files", f.getFileName().toString(), Files.readAllBytes(f));
            }
            upload.field("fs", "500");
            post(site, base + "/data/" + dataset + "/upload", upload);
            waitFor(http, base + "/data/" + dataset, Pattern.compile("id=\"count-ok\">" + arrays.size() + "<"), 600);

            StringBuilder labels = new StringBuilder("file_name,label,ICD-10\n");
            for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
                if (line.startsWith("npy500/")) {
                    labels.append(line.substring("npy500/".length())).append('\n');
                }
            }
            post(site, base + "/data/" + dataset + "/labels",
                    new Multipart().file("labels", "labels.csv", labels.toString().getBytes(StandardCharsets.UTF_8)));

            String form = get(http, base + "/compare");
            Matcher xc = Pattern.compile("value=\"(model:\\d+:head)\"[^>]*>\\s*xc_super_pretrained — head only").matcher(form);
            if (!xc.find()) {
                throw new IllegalStateException("xc_super_pretrained is not offered on the compare page");
            }
            Multipart compare = new Multipart().field("dataset", String.valueOf(dataset));
            for (String c : List.of(xc.group(1), "zoo:inceptiontime", "zoo:cardx")) {
                compare.field("candidate", c);
            }
            for (Map.Entry<String, String> e : Map.of("evaluation", "kfold", "folds", folds, "seeds", "1", "epochs", epochs,
                    "batch", "8", "lr", "0.001", "gamma", "0.8", "valFraction", "0.2", "seed", "42", "consent", "on").entrySet()) {
                compare.field(e.getKey(), e.getValue());
            }
            compare.file("patients", "metadata.csv", Files.readAllBytes(TestData.data("ptbxl/metadata.csv")));
            HttpResponse<String> started = post(site, base + "/compare", compare);
            String board = base + started.headers().firstValue("Location").orElseThrow(
                    () -> new IllegalStateException("the comparison did not start: " + started.body()));
            long t0 = System.nanoTime();
            String page = waitFor(http, board, Pattern.compile("id=\"cv-leaderboard\""), 4 * 3600);
            Matcher conclusion = Pattern.compile("<p id=\"cv-conclusion\"><strong>(.*?)</strong>", Pattern.DOTALL).matcher(page);
            System.out.println(conclusion.find() ? conclusion.group(1) : "(no conclusion)");
            System.out.printf("%.0f s%n", (System.nanoTime() - t0) / 1e9);
            Files.writeString(out.resolve("leaderboard.csv"), get(http, board + "/files/leaderboard.csv"));
            Files.writeString(out.resolve("leaderboard.json"), get(http, board + "/files/leaderboard.json"));
            System.out.println("written " + out.resolve("leaderboard.csv"));
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String waitFor(HttpClient http, String url, Pattern p, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            String page = get(http, url);
            if (p.matcher(page).find()) {
                return page;
            }
            if (page.contains("data-state=\"failed\"")) {
                throw new IllegalStateException("failed: " + page.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " "));
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException(url + " did not show " + p + " within " + seconds + " s");
    }

    private static HttpResponse<String> post(SameSiteRequests site, String url, Multipart body) throws Exception {
        return site.client().send(site.to(URI.create(url)).header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data body. */
    static final class Multipart {
        private final String boundary = "exchangeai" + System.nanoTime();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Multipart file(String name, String filename, byte[] content) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                    + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(body.toByteArray());
            all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return all.toByteArray();
        }
    }
}
