package org.exchangeai.app.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exchangeai.core.TestData;
import org.exchangeai.app.web.SameSiteRequests;

/**
 * Page latency under load (a main method, not a unit test): {@code clients} parallel clients for
 * {@code seconds} seconds, each requesting the main pages and the signal API in turn, against a
 * running server ({@code ./exchangeai serve}). It first creates a dataset of {@code records} LUDB
 * records through the upload form and waits for the import, then measures; it prints p50, p95 and
 * the maximum per route, and the errors.
 *
 * <p>Run (see {@code docs/benchmarks.md}, "Pages under load"): start a server, then
 * {@code java -cp "app/target/test-classes:app/target/classes:$(cat app/target/bench.cp)"
 * org.exchangeai.app.bench.LoadBench http://127.0.0.1:8000 [clients=50] [seconds=30] [records=20]}.
 */
public final class LoadBench {

    private LoadBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0].replaceAll("/$", "");
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int records = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        // one session for all clients, as one user's browser tabs: the cookie and the page's token
        SameSiteRequests site = new SameSiteRequests(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)));
        HttpClient http = site.client();

        long dataset = createDataset(site, base, records);
        String page = get(http, base + "/data/" + dataset).body();
        List<Long> recordings = new ArrayList<>();
        Matcher m = Pattern.compile("href=\"/analyse/(\\d+)\"").matcher(page);
        while (m.find()) {
            recordings.add(Long.parseLong(m.group(1)));
        }
        if (recordings.isEmpty()) {
            throw new IllegalStateException("no recording was imported into dataset " + dataset);
        }
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("/", "/");
        routes.put("/data/{id}", "/data/" + dataset);
        routes.put("/analyse/{id}", "/analyse/%d");
        routes.put("/api/recordings/{id}/signal", "/api/recordings/%d/signal");
        routes.put("/models", "/models");
        routes.put("/predict", "/predict");
        routes.put("/finetune", "/finetune");
        routes.put("/compare", "/compare");
        routes.put("/pretrain", "/pretrain");
        routes.put("/jobs", "/jobs");
        routes.put("/exchange", "/exchange");
        List<String> names = new ArrayList<>(routes.keySet());
        // one request per route first, so that the analysis and caches are warm as after any first view
        for (String r : names) {
            get(http, base + String.format(Locale.ROOT, routes.get(r), recordings.get(0)));
        }

        Map<String, ConcurrentLinkedQueue<Long>> times = new ConcurrentHashMap<>();
        names.forEach(n -> times.put(n, new ConcurrentLinkedQueue<>()));
        Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                int i = client;
                while (System.nanoTime() < end) {
                    String name = names.get(i % names.size());
                    String path = String.format(Locale.ROOT, routes.get(name), recordings.get(i % recordings.size()));
                    i++;
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                        long dt = System.nanoTime() - t0;
                        if (r.statusCode() != 200) {
                            errors.computeIfAbsent(name + " " + r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                        } else {
                            times.get(name).add(dt);
                        }
                    } catch (Exception e) {
                        errors.computeIfAbsent(name + " " + e.getClass().getSimpleName(), k -> new AtomicLong())
                                .incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        long total = 0;
        System.out.printf(Locale.ROOT, "%d clients, %d s, %d recordings, %d cores%n", clients, seconds, recordings.size(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "| route | requests | p50 ms | p95 ms | max ms |%n|---|---:|---:|---:|---:|%n");
        for (String n : names) {
            long[] v = times.get(n).stream().mapToLong(Long::longValue).sorted().toArray();
            total += v.length;
            System.out.printf(Locale.ROOT, "| `%s` | %d | %s | %s | %s |%n", n, v.length, ms(v, 0.50), ms(v, 0.95),
                    v.length == 0 ? "–" : String.format(Locale.ROOT, "%.0f", v[v.length - 1] / 1e6));
        }
        System.out.printf(Locale.ROOT, "%d requests answered 200 in %d s (%.1f per second); errors: %s%n", total, seconds,
                total / (double) seconds, errors);
    }

    private static String ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "–";
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return String.format(Locale.ROOT, "%.0f", sorted[Math.max(0, i)] / 1e6);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A dataset of LUDB records, uploaded through the form; waits until the import has stored them. */
    private static long createDataset(SameSiteRequests site, String base, int records) throws Exception {
        HttpClient http = site.client();
        HttpResponse<String> created = http.send(site.to(URI.create(base + "/data"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=load-" + System.currentTimeMillis())).build(),
                HttpResponse.BodyHandlers.ofString());
        long id = Long.parseLong(created.headers().firstValue("Location").orElseThrow().replace("/data/", ""));
        List<Path> heads;
        try (Stream<Path> s = Files.list(TestData.data("ludb/data"))) {
            heads = s.filter(p -> p.toString().endsWith(".hea")).sorted().limit(records).toList();
        }
        String boundary = "loadbench" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Path h : heads) {
            for (Path f : List.of(h, h.resolveSibling(h.getFileName().toString().replace(".hea", ".dat")))) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                        + f.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                body.writeBytes(Files.readAllBytes(f));
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        http.send(site.to(URI.create(base + "/data/" + id + "/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        Pattern ok = Pattern.compile("id=\"count-ok\">(\\d+)<");
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = ok.matcher(get(http, base + "/data/" + id).body());
            if (m.find() && Integer.parseInt(m.group(1)) >= heads.size()) {
                return id;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the import of " + heads.size() + " records into dataset " + id
                + " did not finish within 5 minutes");
    }
}
