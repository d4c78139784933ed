package org.exchangeai.app.bench;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.exchangeai.app.jobs.ImportJob;
import org.exchangeai.app.jobs.JobContext;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.web.WebServer;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;

/**
 * Web platform benchmark (a main method, not a unit test).
 *
 * <p>1. Import throughput: LUDB's WFDB records copied {@code copies} times, imported into a fresh
 * workspace by {@link ImportJob} (read, encode, store with fsync, one transaction per recording),
 * against the baseline of only reading the same folder with {@link Formats#readAll}.
 *
 * <p>2. Viewer data latency: {@code GET /api/recordings/{id}/signal} for a 12 × 5000 recording,
 * {@code requests} times after a warm-up, against the same bytes served from a static byte array by
 * a second Javalin instance in the same JVM. Reports p50/p95/p99.
 *
 * <p>Run (see {@code docs/benchmarks.md}, section "Web platform"):
 * {@code ./mvnw -B -q -o -pl app test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
 * -Dmdep.includeScope=test} then {@code java -cp "app/target/test-classes:app/target/classes:$(cat app/target/bench.cp)"
 * org.exchangeai.app.bench.WebBench [copies=4] [requests=500]}.
 */
public final class WebBench {

    private WebBench() {
    }

    public static void main(String[] args) throws Exception {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path work = Files.createTempDirectory("webbench-");
        Path folder = work.resolve("upload");
        List<Path> files;
        try (Stream<Path> s = Files.list(TestData.data("ludb/data"))) {
            files = s.filter(p -> p.toString().endsWith(".hea") || p.toString().endsWith(".dat")).sorted().toList();
        }
        for (int c = 0; c < copies; c++) {
            Path dir = Files.createDirectories(folder.resolve("copy" + c));
            for (Path f : files) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        int fileCount = copies * files.size();
        System.out.printf(Locale.ROOT, "%d WFDB files (%d records), %d cores%n", fileCount, fileCount / 2,
                Runtime.getRuntime().availableProcessors());

        // warm both paths on one copy so that the JIT is not measured
        Formats.readAll(List.of(folder.resolve("copy0")), ReadOptions.DEFAULT);

        long t0 = System.nanoTime();
        List<ReadResult> plain = Formats.readAll(List.of(folder), ReadOptions.DEFAULT);
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        long ok = plain.stream().filter(ReadResult::ok).count();

        double importSeconds;
        long recordingId;
        try (WebServer server = WebServer.start(work.resolve("workspace"), "127.0.0.1", 0)) {
            Datasets ds = new Datasets(server.workspace());
            long warm = ds.create("warm-up").id();
            new ImportJob(server.workspace(), warm, folder.resolve("copy0"), ReadOptions.DEFAULT).run(quiet());
            long id = ds.create("bench").id();
            t0 = System.nanoTime();
            new ImportJob(server.workspace(), id, folder, ReadOptions.DEFAULT).run(quiet());
            importSeconds = (System.nanoTime() - t0) / 1e9;
            List<Datasets.Recording> recs = ds.recordings(id);
            if (recs.size() != ok || recs.stream().anyMatch(r -> !r.ok())) {
                throw new IllegalStateException("import kept " + recs.size() + " recordings, plain read " + ok);
            }
            recordingId = recs.get(0).id();

            HttpClient http = HttpClient.newHttpClient();
            String signalUrl = "http://127.0.0.1:" + server.port() + "/api/recordings/" + recordingId + "/signal";
            byte[] bytes = http.send(HttpRequest.newBuilder(URI.create(signalUrl)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            Javalin baseline = Javalin.create(config -> {
                config.jetty.host = "127.0.0.1";
                config.jetty.port = 0;
                config.startup.showJavalinBanner = false;
                config.routes.get("/bytes", ctx -> ctx.contentType("application/octet-stream").result(bytes));
            }).start();
            try {
                String baselineUrl = "http://127.0.0.1:" + baseline.port() + "/bytes";
                // alternate the two so that machine load affects both alike
                long[] served = new long[requests];
                long[] fixed = new long[requests];
                for (int i = 0; i < 100; i++) {
                    time(http, signalUrl, bytes.length);
                    time(http, baselineUrl, bytes.length);
                }
                for (int i = 0; i < requests; i++) {
                    served[i] = time(http, signalUrl, bytes.length);
                    fixed[i] = time(http, baselineUrl, bytes.length);
                }
                System.out.printf(Locale.ROOT, "signal request (%d bytes, %d requests):%n", bytes.length, requests);
                report("  /api/recordings/{id}/signal", served);
                report("  static byte array (baseline)", fixed);
                Arrays.sort(served);
                Arrays.sort(fixed);
                System.out.printf(Locale.ROOT, "  ratio p50 %.2f, p95 %.2f, p99 %.2f%n",
                        (double) pct(served, 50) / pct(fixed, 50), (double) pct(served, 95) / pct(fixed, 95),
                        (double) pct(served, 99) / pct(fixed, 99));
            } finally {
                baseline.stop();
            }
        }
        System.out.printf(Locale.ROOT, "import: %d recordings in %.2f s = %.1f recordings/s%n", ok, importSeconds,
                ok / importSeconds);
        System.out.printf(Locale.ROOT, "Formats.readAll only (baseline): %.2f s = %.1f recordings/s; import/read time ratio %.2f%n",
                readSeconds, ok / readSeconds, importSeconds / readSeconds);
        deleteTree(work);
    }

    private static long time(HttpClient http, String url, int expected) throws Exception {
        long t = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        long d = System.nanoTime() - t;
        if (r.statusCode() != 200 || r.body().length != expected) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + " with " + r.body().length + " bytes");
        }
        return d;
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", what, pct(s, 50) / 1e6,
                pct(s, 95) / 1e6, pct(s, 99) / 1e6);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static JobContext quiet() {
        return new JobContext() {
            @Override
            public long id() {
                return 0;
            }

            @Override
            public void progress(double fraction, String message) {
            }

            @Override
            public void log(String line) {
            }

            @Override
            public boolean cancelled() {
                return false;
            }

            @Override
            public void result(String json) {
            }
        };
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
