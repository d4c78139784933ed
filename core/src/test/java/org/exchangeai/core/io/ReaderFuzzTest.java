package org.exchangeai.core.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation harness over every reader: the real files of {@code ../shared/data} are damaged with
 * fixed seeds (truncated at many points, bytes flipped, integers in headers and numbers in text
 * set to 0, −1 and huge values, deep XML nesting, entity expansion and external entities, ZIP
 * bombs and {@code ../} entries) and each damaged file is read through {@link Formats#read}.
 * Every case must end, within 2 s, in a recording or an {@link EcgReadException} that names the
 * file and gives a reason in words: no other exception, no raw Java text, no hang and no
 * {@link OutOfMemoryError} in the 512 MiB heap of the {@code small-heap} execution.
 *
 * <p>The CI run is fixed (seed 20261202, about 3 000 cases). A longer run on demand:
 * {@code ./mvnw -B -o verify -pl core -Dtest=ReaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dexchangeai.fuzz.scale=20 -Dexchangeai.fuzz.seed=7}. Counts per format are printed and
 * written to {@code core/target/fuzz-report.md}.
 */
@Tag("small-heap")
class ReaderFuzzTest {

    private static final long CASE_LIMIT_NANOS = 2_000_000_000L;

    @TempDir
    Path tmp;

    /** One seed: a recording made of files (the first is read); {@code text} files get text mutations. */
    private record Seed(String format, List<Path> files, boolean text) {
    }

    private static final class Count {
        int cases;
        int read;
        int refused;
        long maxNanos;
        final List<String> failures = new ArrayList<>();
    }

    private List<Seed> seeds() throws IOException {
        List<Seed> s = new ArrayList<>();
        s.add(new Seed("WFDB", List.of(d("ptbxl/records100/00000/00001_lr.hea"), d("ptbxl/records100/00000/00001_lr.dat")),
                true));
        s.add(new Seed("WFDB", List.of(d("wfdb/multisegment-041s/041s.hea"), d("wfdb/multisegment-041s/041s01.hea"),
                d("wfdb/multisegment-041s/041s01.dat"), d("wfdb/multisegment-041s/041s02.hea"),
                d("wfdb/multisegment-041s/041s02.dat")), true));
        s.add(new Seed("WFDB", List.of(d("wfdb/challenge2020/E00009.hea"), d("wfdb/challenge2020/E00009.mat")), true));
        s.add(new Seed("EDF", List.of(d("edf/0000050.ECG.edf")), false));
        s.add(new Seed("EDF", List.of(resource("/edf/0000050.ECG.first2s.biosig.bdf")), false));
        s.add(new Seed("DICOM", List.of(d("dicom/waveform_ecg.dcm")), false));
        s.add(new Seed("SCP-ECG", List.of(d("scp/Example.scp")), false));
        s.add(new Seed("SCP-ECG", List.of(d("scp/test.scp")), false));
        s.add(new Seed("SCP-ECG", List.of(d("scp/ECG_20060620_112352_197001138994.SCP")), false));
        s.add(new Seed("MUSE-XML", List.of(d("muse/muse-sinus.xml")), true));
        s.add(new Seed("Philips-XML", List.of(d("philips/129DYPRG.XML")), true));
        s.add(new Seed("Philips-XML", List.of(d("philips/sample.xml")), true));
        s.add(new Seed("HL7-aECG", List.of(d("hl7aecg/TemplateExample1.xml")), true));
        s.add(new Seed("StripData XML", List.of(d("cardiosoft/example1.xml")), true));
        s.add(new Seed("NPY", List.of(d("ptbxl/npy500/195.npy")), false));
        s.add(new Seed("MAT", List.of(d("mat/cpsc2018/A1980.mat")), false));
        s.add(new Seed("MAT", List.of(resource("/mat/v5_val_with_fs.mat")), false));
        // the first 5000 rows: a length the 10-s rule gives a rate, so undamaged copies read
        Path csv = Files.createDirectories(tmp.resolve("seeds")).resolve("0000050.first5000.csv");
        Files.write(csv, Files.readAllLines(d("csv/0000050.ECG.csv")).subList(0, 5000));
        s.add(new Seed("CSV", List.of(csv), true));
        for (String[] extra : EXTRA_SEEDS) {
            Path p = d(extra[1]);
            if (Files.isRegularFile(p)) {
                s.add(new Seed(extra[0], List.of(p), extra[2].equals("text")));
            }
        }
        return s;
    }

    /** Formats whose readers came later; a seed is used when its file is present. */
    private static final String[][] EXTRA_SEEDS = {
            {"Text export", "text/testing_ecg.txt", "text"},
            {"Text export", "text/ECG_12L.csv", "text"},
            {"Schiller-XML", "schiller/schiller.xml", "text"},
            {"MFER", "mfer/test-file.MWF", "binary"},
            {"Norav-RDT", "norav/DEM10000026.rdt", "binary"},
    };

    private static Path d(String rel) {
        return TestData.data(rel);
    }

    private static Path resource(String name) {
        try {
            return Path.of(ReaderFuzzTest.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(name, e);
        }
    }

    @Test
    void everyMutationEndsInARecordingOrAClearRefusal() throws Exception {
        int scale = Integer.getInteger("exchangeai.fuzz.scale", 1);
        long seed = Long.getLong("exchangeai.fuzz.seed", 20261202L);
        Random rnd = new Random(seed);
        Map<String, Count> counts = new LinkedHashMap<>();
        List<Seed> seeds = seeds();
        int perSeed = 130 * scale;
        int caseNo = 0;
        for (Seed sd : seeds) {
            Count c = counts.computeIfAbsent(sd.format(), k -> new Count());
            List<byte[]> originals = new ArrayList<>();
            for (Path p : sd.files()) {
                originals.add(Files.readAllBytes(p));
            }
            for (int i = 0; i < perSeed; i++) {
                Path dir = Files.createDirectories(tmp.resolve("c" + (caseNo++)));
                int target = sd.files().size() == 1 || i % 3 != 2 ? 0 : 1 + rnd.nextInt(sd.files().size() - 1);
                for (int k = 0; k < sd.files().size(); k++) {
                    byte[] b = originals.get(k);
                    if (k == target) {
                        b = mutate(originals.get(k), sd.text(), i, rnd);
                    }
                    Files.write(dir.resolve(sd.files().get(k).getFileName()), b);
                }
                String what = sd.format() + " " + sd.files().get(target).getFileName() + " mutation " + i;
                run(dir.resolve(sd.files().get(0).getFileName()), what, c);
                deleteTree(dir);
            }
        }
        Count xml = counts.computeIfAbsent("XML attacks", k -> new Count());
        for (String attack : xmlAttacks()) {
            Path dir = Files.createDirectories(tmp.resolve("x" + (caseNo++)));
            Path f = dir.resolve("attack.xml");
            Files.writeString(f, attack);
            run(f, "XML attack " + attack.substring(0, Math.min(60, attack.length())), xml);
            deleteTree(dir);
        }
        Count zip = counts.computeIfAbsent("ZIP", k -> new Count());
        for (int i = 0; i < 40 * scale; i++) {
            Path dir = Files.createDirectories(tmp.resolve("z" + (caseNo++)));
            Path f = dir.resolve("archive.zip");
            Files.write(f, zipCase(i, rnd));
            runAll(f, "ZIP case " + i, zip);
            deleteTree(dir);
        }
        StringBuilder report = new StringBuilder("| format | cases | read | refused | failures | slowest case (ms) |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        int total = 0;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Count> e : counts.entrySet()) {
            Count c = e.getValue();
            total += c.cases;
            report.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d |%n", e.getKey(), c.cases, c.read,
                    c.refused, c.failures.size(), c.maxNanos / 1_000_000));
            failures.addAll(c.failures);
        }
        report.append(String.format(Locale.ROOT, "%nseed %d, scale %d: %d cases, %d failures%n", seed, scale, total,
                failures.size()));
        System.out.println(report);
        Path out = Path.of("target", "fuzz-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n",
                failures.subList(0, Math.min(40, failures.size()))));
    }

    private void run(Path file, String what, Count c) {
        c.cases++;
        long t0 = System.nanoTime();
        String problem = readOnce(file);
        long took = System.nanoTime() - t0;
        if (problem == null && took > CASE_LIMIT_NANOS) {
            // a pause of the shared machine is not a hang: a case must be slow twice to fail
            t0 = System.nanoTime();
            readOnce(file);
            took = Math.min(took, System.nanoTime() - t0);
            if (took > CASE_LIMIT_NANOS) {
                problem = "took " + took / 1_000_000 + " ms";
            }
        }
        c.maxNanos = Math.max(c.maxNanos, took);
        if (problem == null) {
            return;
        }
        if (problem.equals("read")) {
            c.read++;
        } else if (problem.equals("refused")) {
            c.refused++;
        } else {
            c.failures.add(what + ": " + problem);
        }
    }

    /** "read", "refused", or what went wrong. */
    private static String readOnce(Path file) {
        try {
            Ecg ecg = Formats.read(file, ReadOptions.DEFAULT);
            return ecg.leadCount() > 0 ? "read" : "a recording without leads";
        } catch (EcgReadException e) {
            return judge(e, file.toString());
        } catch (Throwable t) {
            return "escaped as " + t;
        }
    }

    private static String judge(EcgReadException e, String file) {
        Throwable cause = e.getCause();
        // readers signal a refusal inside their decoders with an IllegalArgumentException whose
        // message becomes the reason; anything else from inside a reader is a bug
        boolean deliberate = cause instanceof IllegalArgumentException && cause.getMessage() != null
                && e.reason() != null && e.reason().contains(cause.getMessage());
        if (!deliberate && (cause instanceof RuntimeException || cause instanceof Error)) {
            StackTraceElement[] st = cause.getStackTrace();
            return "a " + cause + " inside the reader" + (st.length > 0 ? " at " + st[0] : "");
        }
        if (!file.equals(e.file())) {
            return "the refusal names '" + e.file() + "', not the file";
        }
        String r = e.reason();
        if (r == null || r.isBlank()) {
            return "a refusal without a reason";
        }
        if (r.contains("java.") || r.contains("Exception") || r.contains("capacity <") || r.contains("For input string")) {
            return "raw Java text in the reason: " + r;
        }
        return "refused";
    }

    private void runAll(Path zip, String what, Count c) {
        c.cases++;
        long t0 = System.nanoTime();
        try {
            List<ReadResult> results = Formats.readAll(List.of(zip), ReadOptions.DEFAULT);
            boolean any = false;
            for (ReadResult r : results) {
                if (r.ok()) {
                    any = true;
                } else {
                    String j = judge(r.error(), r.name());
                    if (!j.equals("refused")) {
                        c.failures.add(what + " " + r.name() + ": " + j);
                        return;
                    }
                }
            }
            if (any) {
                c.read++;
            } else {
                c.refused++;
            }
        } catch (Throwable t) {
            c.failures.add(what + ": escaped as " + t);
        } finally {
            long took = System.nanoTime() - t0;
            c.maxNanos = Math.max(c.maxNanos, took);
        }
    }

    // ---------------------------------------------------------------- mutations

    static byte[] mutate(byte[] original, boolean text, int i, Random rnd) {
        int kind = i % (text ? 7 : 6);
        byte[] b = original.clone();
        switch (kind) {
            case 0 -> {
                // truncation at evenly spread and random points
                int at = i % 2 == 0 ? (int) ((long) original.length * ((i / 7) % 16) / 16) : rnd.nextInt(original.length);
                return Arrays.copyOf(original, at);
            }
            case 1 -> {
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    b[rnd.nextInt(Math.min(b.length, 2048))] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> {
                for (int k = 0; k < 32; k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 3 -> {
                // a length or count field: 0, -1 or huge, as int16 or int32, either byte order
                int[] values = {0, -1, Integer.MAX_VALUE, 0x7fff, 0x8000, 0x10000, 1 << 30};
                int v = values[rnd.nextInt(values.length)];
                int width = rnd.nextBoolean() ? 2 : 4;
                int at = rnd.nextInt(Math.max(1, Math.min(b.length - width, 1024)));
                for (int k = 0; k < width && at + k < b.length; k++) {
                    int shift = rnd.nextBoolean() ? 8 * k : 8 * (width - 1 - k);
                    b[at + k] = (byte) (v >>> shift);
                }
            }
            case 4 -> {
                if (text) {
                    return numbersReplaced(original, rnd);
                }
                int from = rnd.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + rnd.nextInt(4096));
                Arrays.fill(b, from, from + len, (byte) (rnd.nextBoolean() ? 0 : 0xff));
            }
            case 5 -> {
                // a block repeated or cut out: lengths no longer match the content
                int from = rnd.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + rnd.nextInt(512));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, from + len);
                if (rnd.nextBoolean()) {
                    out.write(b, from, len);
                }
                int rest = from + len + (rnd.nextBoolean() ? Math.min(len, b.length - from - len) : 0);
                out.write(b, rest, b.length - rest);
                return out.toByteArray();
            }
            default -> {
                return numbersReplaced(original, rnd);
            }
        }
        return b;
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final String[] ODD_NUMBERS = {"0", "-1", "99999999999", "1e308", "1e-308", "NaN", "-0", "2147483648",
            "4294967295", "", "x"};

    /** Several numbers of the text (header fields, counts, rates, gains) replaced by odd values. */
    private static byte[] numbersReplaced(byte[] original, Random rnd) {
        String s = new String(original, StandardCharsets.ISO_8859_1);
        Matcher m = NUMBER.matcher(s);
        List<int[]> spans = new ArrayList<>();
        int limit = Math.min(s.length(), 1 + rnd.nextInt(Math.max(1, Math.min(s.length(), 20_000))));
        while (m.find() && m.start() < limit) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return original;
        }
        StringBuilder out = new StringBuilder(s);
        for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
            int[] sp = spans.get(rnd.nextInt(spans.size()));
            if (sp[1] <= out.length()) {
                out.replace(sp[0], sp[1], ODD_NUMBERS[rnd.nextInt(ODD_NUMBERS.length)]);
                break;
            }
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> xmlAttacks() throws IOException {
        List<String> out = new ArrayList<>();
        String lol = "<?xml version=\"1.0\"?>\n<!DOCTYPE RestingECG [\n<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
                + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
                + "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
                + "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n]>\n";
        for (String root : new String[] {"RestingECG", "restingecgdata", "AnnotatedECG", "CardiologyXML",
                "SchillerEDI"}) {
            out.add(lol.replace("RestingECG", root) + "<" + root + "><x>&f;&f;&f;&f;</x></" + root + ">");
            out.add("<?xml version=\"1.0\"?>\n<!DOCTYPE " + root + " [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<"
                    + root + "><x>&x;</x></" + root + ">");
            out.add("<?xml version=\"1.0\"?>\n<" + root + ">" + "<a>".repeat(20_000) + "</a>".repeat(20_000)
                    + "</" + root + ">");
            out.add("<?xml version=\"1.0\"?>\n<" + root + "><a b=\"" + "x".repeat(1 << 20) + "\"/></" + root + ">");
        }
        String muse = Files.readString(d("muse/muse-sinus.xml"), StandardCharsets.ISO_8859_1);
        int at = muse.indexOf("<Waveform>");
        out.add(muse.substring(0, at) + "<a>".repeat(50_000) + muse.substring(at));
        return out;
    }

    private static byte[] zipCase(int i, Random rnd) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            switch (i % 5) {
                case 0 -> {
                    z.putNextEntry(new ZipEntry("../../escape-" + i + ".hea"));
                    z.write("x 1 500 10\n".getBytes(StandardCharsets.US_ASCII));
                }
                case 1 -> {
                    // a bomb: 600 MB of zeros in one entry (refused alone) beside a readable record
                    z.setLevel(9);
                    z.putNextEntry(new ZipEntry("bomb.npy"));
                    byte[] zeros = new byte[1 << 22];
                    for (int k = 0; k < 2; k++) {
                        z.write(zeros);
                    }
                    z.closeEntry();
                    putFile(z, "ptbxl/records100/00000/00001_lr.hea", "00001_lr.hea");
                    putFile(z, "ptbxl/records100/00000/00001_lr.dat", "00001_lr.dat");
                }
                case 2 -> {
                    z.putNextEntry(new ZipEntry("/absolute-" + i + ".csv"));
                    z.write("1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII));
                }
                default -> {
                    byte[] rec = Files.readAllBytes(d("ptbxl/records100/00000/00001_lr.dat"));
                    z.putNextEntry(new ZipEntry("00001_lr.hea"));
                    z.write(Files.readAllBytes(d("ptbxl/records100/00000/00001_lr.hea")));
                    z.putNextEntry(new ZipEntry("00001_lr.dat"));
                    z.write(mutate(rec, false, i, rnd));
                }
            }
        }
        byte[] b = bytes.toByteArray();
        if (i % 5 == 4) {
            // a damaged archive: central directory or local headers hit
            for (int k = 0; k < 8; k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
        }
        return b;
    }

    private static void putFile(ZipOutputStream z, String rel, String name) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(Files.readAllBytes(d(rel)));
        z.closeEntry();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
