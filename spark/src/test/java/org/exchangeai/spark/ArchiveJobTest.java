package org.exchangeai.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.model.ModelException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import scala.collection.JavaConverters;

/**
 * The archive job on a local Spark over the real files of {@code ../shared/data} (every format
 * family, the broken and unsupported files among them, a ZIP archive and files broken on purpose).
 * The expected values are what the command line prints for the same paths: {@code inspect --json},
 * {@code analyse --json} and {@code predict} with each model, run in-process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String XC = "xc_super_pretrained.onnx";
    private static final String INCEPTION = "InceptionTime_untrained.onnx";

    /** Failed first attempts seen by the retry test (tasks run in this JVM in local mode). */
    static final AtomicInteger FAILED_ATTEMPTS = new AtomicInteger();

    @TempDir
    static Path tmp;

    private SparkSession spark;
    private List<String> inputs;
    private Map<String, Row> rows;

    @BeforeAll
    void runJobOnce() throws Exception {
        spark = SparkTests.session();
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.createFile(broken.resolve("empty.xml"));
        byte[] muse = Files.readAllBytes(TestData.data("muse/muse-sinus.xml"));
        Files.write(broken.resolve("truncated.xml"), Arrays.copyOf(muse, 3000));
        // a WFDB header whose signal file is missing
        Files.copy(TestData.data("ludb/data/10.hea"), broken.resolve("10.hea"));
        inputs = new ArrayList<>();
        for (String folder : List.of("muse", "scp", "hl7aecg", "dicom", "philips", "wfdb", "mat", "edf", "csv", "text",
                "cardiosoft", "schiller", "mfer", "norav")) {
            inputs.add(TestData.data(folder).toString());
        }
        for (String file : List.of("ludb/data/10.hea", "ludb/data/104.hea", "ptbxl/npy500/10070.npy", "ptbxl/npy500/10274.npy")) {
            inputs.add(TestData.data(file).toString());
        }
        inputs.add(zip().toString());
        inputs.add(broken.toString());
        Path out = tmp.resolve("all.parquet");
        ArchiveJob.Summary s = ArchiveJob.run(spark, request(inputs, List.of(), List.of(model(XC), model(INCEPTION)),
                ArchiveOptions.DEFAULT.withAnalyse(true), out, null));
        rows = byPath(read(out));
        assertEquals(rows.size(), s.recordings(), "the summary counts every row");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    /** Row by row, the values {@code inspect --json} prints. */
    @Test
    void everyRowEqualsInspect() throws Exception {
        Map<String, JsonNode> inspect = jsonLines(cli("inspect", "--json"));
        assertEquals(inspect.keySet(), rows.keySet(), "the same recordings, each once");
        assertTrue(rows.size() > 60, "rows: " + rows.size());
        for (Map.Entry<String, JsonNode> e : inspect.entrySet()) {
            JsonNode j = e.getValue();
            Row r = rows.get(e.getKey());
            String at = e.getKey();
            assertEquals(text(j, "error"), r.getAs("error"), at);
            if (!j.get("error").isNull()) {
                assertNull(r.getAs("format"), at);
                continue;
            }
            assertEquals(text(j, "format"), r.getAs("format"), at);
            assertEquals(j.get("fs").asDouble(), (double) r.getAs("fs"), 0.0, at);
            assertEquals(strings(j.get("leads")), list(r, "leads"), at);
            assertEquals(strings(j.get("derivedLeads")), list(r, "derived_leads"), at);
            assertEquals(j.get("samples").asInt(), (int) r.getAs("samples"), at);
            assertEquals(j.get("durationSeconds").asDouble(), (double) r.getAs("duration_s"), 0.0, at);
            assertEquals(text(j, "units"), r.getAs("units"), at);
            assertEquals(number(j, "amplitudeMinMv"), r.getAs("amplitude_min_mv"), at);
            assertEquals(number(j, "amplitudeMaxMv"), r.getAs("amplitude_max_mv"), at);
            assertEquals(strings(j.get("warnings")), list(r, "warnings"), at);
            assertEquals(text(j, "device"), r.getAs("device"), at);
            assertEquals(text(j, "acquisitionTime"), r.getAs("acquisition_time"), at);
            Map<String, String> props = new LinkedHashMap<>();
            if (j.has("properties")) {
                j.get("properties").fields().forEachRemaining(p -> props.put(p.getKey(), p.getValue().asText()));
            }
            assertEquals(props, map(r, "properties"), at);
            Map<String, Double> meas = new LinkedHashMap<>();
            if (j.has("measurements")) {
                j.get("measurements").fields().forEachRemaining(p -> meas.put(p.getKey(), p.getValue().asDouble()));
            }
            assertEquals(meas, map(r, "device_measurements"), at);
            assertEquals(j.has("statements") ? strings(j.get("statements")) : List.of(), list(r, "statements"), at);
            assertEquals(j.has("annotations") ? j.get("annotations").asInt() : 0, (int) r.getAs("annotations"), at);
            assertEquals(j.has("representativeBeat") ? j.get("representativeBeat").get("samples").asInt() : null,
                    r.getAs("representative_beat_samples"), at);
        }
    }

    /** R peaks and every measurement equal what {@code analyse --json} prints (the same code, the same numbers). */
    @Test
    void analysisEqualsAnalyse() throws Exception {
        Map<String, JsonNode> analyse = jsonLines(cli("analyse", "--json"));
        assertEquals(analyse.keySet(), rows.keySet());
        int measured = 0;
        for (Map.Entry<String, JsonNode> e : analyse.entrySet()) {
            JsonNode j = e.getValue();
            Row r = rows.get(e.getKey());
            Row a = r.getAs("analysis");
            String at = e.getKey();
            if (r.getAs("error") != null) {
                assertNull(a, at);
                assertEquals(text(j, "error"), r.getAs("error"), at);
                continue;
            }
            if (!j.get("error").isNull()) {
                assertEquals(text(j, "error"), a.getAs("error"), at);
                continue;
            }
            assertNull(a.getAs("error"), at);
            assertEquals(j.get("rpeaks").size(), (int) a.getAs("r_peaks"), at);
            for (String m : RecordingRows.MEASUREMENTS) {
                JsonNode v = j.get("measurements").get(m);
                assertEquals(v.isNull() ? null : v.asDouble(), a.getAs(m), at + " " + m);
            }
            measured++;
        }
        assertTrue(measured > 50, "measured " + measured);
    }

    /**
     * Probabilities within 1e-6 of the CSV of {@code predict} (printed with 6 decimals), the same
     * predicted class and the same reason where a recording cannot be predicted, for both models.
     * {@code predict} names recordings relative to their folder, and two folders hold an
     * {@code example1.xml}; its lines come in the order {@code inspect} lists the files, which gives
     * each line its file.
     */
    @Test
    void predictionsEqualPredict() throws Exception {
        List<String> files = new ArrayList<>(jsonLines(cli("inspect", "--json")).keySet());
        for (String model : List.of(XC, INCEPTION)) {
            String column = ModelSpec.columnFor(model);
            List<List<String>> csv = csv(cli("predict", "--model", model(model)));
            List<String> header = csv.get(0);
            List<String> classes = header.subList(1, header.size() - 1);
            assertEquals(files.size(), csv.size() - 1, model);
            int predicted = 0;
            for (int i = 0; i < files.size(); i++) {
                List<String> line = csv.get(i + 1);
                Row r = rows.get(files.get(i));
                String at = files.get(i) + " " + model;
                assertEquals(line.get(0), line.get(0).contains("!/") ? r.getAs("path") : r.getAs("name"), at);
                String last = line.get(line.size() - 1);
                if (last.startsWith("ERROR: ")) {
                    String reason = last.substring("ERROR: ".length());
                    String got = r.getAs("error") != null ? r.getAs("error") : ((Row) r.getAs(column)).getAs("error");
                    assertEquals(reason, got, at);
                    continue;
                }
                Row m = r.getAs(column);
                assertNull(m.getAs("error"), at);
                assertEquals(last, m.getAs("predicted"), at);
                Row probs = m.getAs("probabilities");
                for (int c = 0; c < classes.size(); c++) {
                    assertEquals(Double.parseDouble(line.get(c + 1)), (double) probs.getAs(classes.get(c)), 1e-6,
                            at + " " + classes.get(c));
                }
                predicted++;
            }
            assertTrue(predicted >= 40, model + ": predicted " + predicted);
        }
    }

    /** Unreadable files are rows that say why, as the command line says it; the job still finishes. */
    @Test
    void brokenFilesAreErrorRows() {
        String broken = tmp.resolve("broken").toString();
        assertEquals("file is empty", rows.get(broken + "/empty.xml").getAs("error"));
        assertTrue(((String) rows.get(broken + "/truncated.xml").getAs("error")).startsWith("malformed XML"),
                (String) rows.get(broken + "/truncated.xml").getAs("error"));
        assertNotNull(rows.get(broken + "/10.hea").getAs("error"));
        assertTrue(((String) rows.get(TestData.data("norav/DEM10000026.rdt").toString()).getAs("error"))
                .startsWith("Norav RDT: the header gives"));
        long errors = rows.values().stream().filter(r -> r.getAs("error") != null).count();
        // every other refusal is compared with the command line's in everyRowEqualsInspect
        assertTrue(errors >= 4 && rows.size() - errors >= 40, "error rows: " + errors + " of " + rows.size());
        Row zipped = rows.get(tmp.resolve("two.zip") + "!/muse-sinus.xml");
        assertNull(zipped.getAs("error"));
        assertEquals("two.zip!/muse-sinus.xml", zipped.getAs("name"));
    }

    /**
     * A task that fails on its first attempt (after writing part of its rows) is retried by Spark
     * ({@code local[2,3]}); the output holds every recording exactly once.
     */
    @Test
    void retriedTaskWritesEachRecordingOnce() throws Exception {
        List<String> in = List.of(TestData.data("muse").toString(), TestData.data("scp").toString(),
                TestData.data("philips").toString(), TestData.data("hl7aecg").toString());
        Path out = tmp.resolve("retried.parquet");
        ArchiveJob.Request req = new ArchiveJob.Request(in, List.of(), List.of(), ArchiveOptions.DEFAULT.withAnalyse(false)
                .withBatch(2), out.toString(), null, false, 2);
        ArchiveJob.Prepared job = ArchiveJob.prepare(spark, req);
        FAILED_ATTEMPTS.set(0);
        JavaRDD<Row> failingOnce = job.rows().mapPartitions(ArchiveJobTest::failFirstAttemptOfFirstPartition);
        ArchiveJob.Summary s = job.write(failingOnce);
        assertEquals(1, FAILED_ATTEMPTS.get(), "one attempt failed and was retried");
        List<Row> written = read(out);
        Set<String> paths = new HashSet<>();
        for (Row r : written) {
            assertTrue(paths.add(r.getAs("path")), "written twice: " + r.getAs("path"));
        }
        Set<String> expected = new HashSet<>();
        for (String path : rows.keySet()) {
            if (in.stream().anyMatch(f -> path.startsWith(f + "/"))) {
                expected.add(path);
            }
        }
        assertEquals(expected, paths, "no recording lost");
        assertEquals(paths.size(), s.recordings(), "counts of the failed attempt are not added");
    }

    private static Iterator<Row> failFirstAttemptOfFirstPartition(Iterator<Row> rows) {
        TaskContext t = TaskContext.get();
        if (t.partitionId() != 0 || t.attemptNumber() > 0) {
            return rows;
        }
        return new Iterator<>() {
            int served;

            @Override
            public boolean hasNext() {
                if (served == 2) {
                    FAILED_ATTEMPTS.incrementAndGet();
                    throw new IllegalStateException("executor lost (simulated) after two rows");
                }
                return rows.hasNext();
            }

            @Override
            public Row next() {
                served++;
                return rows.next();
            }
        };
    }

    /**
     * Copying each recording with its companion files to a scratch folder (what happens for HDFS,
     * S3A or ABFS inputs) gives the same rows as reading in place: multi-file WFDB records,
     * multi-segment records, ZIP archives and named files.
     */
    @Test
    void copiedRecordingsReadAsInPlace() throws Exception {
        List<String> in = List.of(TestData.data("wfdb").toString(), TestData.data("ludb/data/10.hea").toString(),
                tmp.resolve("two.zip").toString());
        Path out = tmp.resolve("copied.parquet");
        ArchiveJob.run(spark, request(in, List.of(), List.of(), ArchiveOptions.DEFAULT.withAnalyse(false)
                .withCopyToLocal(true), out, null));
        Map<String, Row> copied = byPath(read(out));
        assertTrue(copied.size() >= 10, "rows: " + copied.size());
        for (Map.Entry<String, Row> e : copied.entrySet()) {
            Row direct = rows.get(e.getKey());
            assertNotNull(direct, e.getKey());
            for (String c : List.of("name", "format", "fs", "samples", "units", "amplitude_min_mv", "amplitude_max_mv",
                    "annotations", "error")) {
                assertEquals((Object) direct.getAs(c), e.getValue().getAs(c), e.getKey() + " " + c);
            }
            assertEquals(list(direct, "leads"), list(e.getValue(), "leads"), e.getKey());
            assertEquals(list(direct, "warnings"), list(e.getValue(), "warnings"), e.getKey());
        }
        assertNull(copied.get(TestData.data("wfdb/s0010_re.hea").toString()).getAs("error"), "signal split over .dat and .xyz");
    }

    /**
     * A manifest with relative paths, output partitioned by format, harmonised samples written:
     * the samples equal what the reader gives for the file.
     */
    @Test
    void manifestPartitionsAndSignals() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("manifest"));
        Path npy = TestData.data("ptbxl/npy500/10070.npy");
        Path hl7 = TestData.data("hl7aecg/Example_aECG.xml");
        Path manifest = dir.resolve("recordings.csv");
        Files.writeString(manifest, "path,label\n# a comment\n" + dir.relativize(npy) + ",NORM\n" + hl7 + ",MI\n"
                + "missing.xml,NORM\n");
        Path out = tmp.resolve("partitioned.parquet");
        ArchiveJob.run(spark, request(List.of(), List.of(manifest.toString()), List.of(),
                ArchiveOptions.DEFAULT.withAnalyse(false).withSignals(true), out, "format"));
        try (Stream<Path> parts = Files.list(out)) {
            Set<String> names = new HashSet<>(parts.map(p -> p.getFileName().toString()).toList());
            assertTrue(names.contains("format=NPY") && names.contains("format=HL7-aECG")
                    && names.contains("format=__HIVE_DEFAULT_PARTITION__"), names.toString());
        }
        Map<String, Row> written = byPath(read(out));
        assertEquals(3, written.size());
        assertEquals("file not found", written.get(dir.resolve("missing.xml").toString()).getAs("error"));
        for (Path p : List.of(npy, hl7)) {
            Row r = written.get(p.toString());
            Ecg ecg = Formats.read(p, ReadOptions.DEFAULT);
            List<Object> signal = JavaConverters.seqAsJavaList(r.getAs("signal"));
            assertEquals(ecg.leadCount(), signal.size());
            for (int l = 0; l < ecg.leadCount(); l++) {
                List<Object> lead = JavaConverters.seqAsJavaList((scala.collection.Seq<Object>) signal.get(l));
                float[] expected = ecg.lead(l);
                assertEquals(expected.length, lead.size());
                for (int t = 0; t < expected.length; t += 97) {
                    assertEquals(expected[t], (float) lead.get(t), 0f, p + " lead " + l + " sample " + t);
                }
            }
        }
    }

    /** A model that cannot be loaded, an output that exists or an unknown partition column stop the job before any work. */
    @Test
    void badRequestsStopBeforeWork() throws IOException {
        Path junk = tmp.resolve("junk.onnx");
        Files.writeString(junk, "not a model");
        ArchiveOptions o = ArchiveOptions.DEFAULT.withAnalyse(false);
        List<String> in = List.of(TestData.data("muse").toString());
        ModelException bad = assertThrows(ModelException.class, () -> ArchiveJob.prepare(spark,
                request(in, List.of(), List.of(junk.toString()), o, tmp.resolve("x.parquet"), null)));
        assertTrue(bad.getMessage().contains("junk.onnx"), bad.getMessage());
        IOException exists = assertThrows(IOException.class, () -> ArchiveJob.prepare(spark,
                request(in, List.of(), List.of(), o, tmp.resolve("all.parquet"), null)));
        assertTrue(exists.getMessage().contains("--overwrite"), exists.getMessage());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class, () -> ArchiveJob.prepare(spark,
                request(in, List.of(), List.of(), o, tmp.resolve("y.parquet"), "leads")));
        assertTrue(column.getMessage().contains("format"), column.getMessage());
    }

    @Test
    void answersHelp() {
        java.io.StringWriter text = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new ArchiveJob());
        cl.setOut(new java.io.PrintWriter(text));
        assertEquals(0, cl.execute("--help"));
        for (String option : List.of("--model", "--out", "--workers", "--manifest", "--partition-by", "--analyse")) {
            assertTrue(text.toString().contains(option), option);
        }
        assertFalse(text.toString().isBlank());
    }

    // ------------------------------------------------------------------ helpers

    private static ArchiveJob.Request request(List<String> in, List<String> manifests, List<String> models,
            ArchiveOptions o, Path out, String partitionBy) {
        return new ArchiveJob.Request(in, manifests, models, o, out.toString(), partitionBy, false, 0);
    }

    private static String model(String name) {
        return TestData.model(name).toString();
    }

    /** A ZIP with two recordings and a README, as sites send them. */
    private static Path zip() throws IOException {
        Path zip = tmp.resolve("two.zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Path f : List.of(TestData.data("muse/muse-sinus.xml"), TestData.data("scp/Example.scp"))) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                z.write(Files.readAllBytes(f));
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("README.md"));
            z.write("two recordings".getBytes());
            z.closeEntry();
        }
        return zip;
    }

    private String cli(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(inputs);
        return SparkTests.run(args.toArray(String[]::new)).out();
    }

    private static List<List<String>> csv(String text) {
        List<List<String>> lines = new ArrayList<>();
        for (CsvRecord rec : CsvReader.builder().ofCsvRecord(text)) {
            lines.add(rec.getFields());
        }
        return lines;
    }

    private List<Row> read(Path out) {
        return spark.read().parquet(out.toString()).collectAsList();
    }

    private static Map<String, Row> byPath(List<Row> rows) {
        Map<String, Row> out = new LinkedHashMap<>();
        for (Row r : rows) {
            assertNull(out.put(r.getAs("path"), r), "twice: " + r.getAs("path"));
        }
        return out;
    }

    private static Map<String, JsonNode> jsonLines(String text) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                JsonNode j = JSON.readTree(line);
                assertNull(out.put(j.get("file").asText(), j), "twice: " + j.get("file"));
            }
        }
        return out;
    }

    private static String text(JsonNode j, String field) {
        JsonNode v = j.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double number(JsonNode j, String field) {
        JsonNode v = j.get(field);
        return v == null || v.isNull() ? null : v.asDouble();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Object> list(Row r, String column) {
        return new ArrayList<>(r.getList(r.fieldIndex(column)));
    }

    private static <V> Map<String, V> map(Row r, String column) {
        return new LinkedHashMap<>(r.<String, V>getJavaMap(r.fieldIndex(column)));
    }
}
