package org.exchangeai.core.signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;

/**
 * Delineation against the per-lead expert annotations of the 60 LUDB records in
 * {@code ../shared/data/ludb/data} (signals and annotation files read with the project's WFDB reader): R peaks from the multi-lead {@link QrsDetector}, waves from
 * {@link Delineator}, each lead scored against its own annotation file within the annotated span
 * (first to last annotation of that lead), 150 ms tolerance, one-to-one matching per point. A
 * detection just outside the span may match a reference inside it; unmatched detections count as
 * false positives only inside the span.
 */
public final class DelineationValidation {

    static final String[] WAVES = {"P", "QRS", "T"};
    static final String[] SYMBOLS = {"p", "N", "t"};
    static final String[] POINTS = {"onset", "offset"};

    /** Counts and errors of one point (e.g. QRS onset) pooled over some leads. */
    static final class Score {
        int tp;
        int fn;
        int fp;
        final List<Integer> errors = new ArrayList<>();

        void add(Matching.Result m) {
            tp += m.truePositives();
            fn += m.falseNegatives();
            fp += m.falsePositives();
            errors.addAll(m.errors());
        }

        double se() {
            return 100.0 * tp / Math.max(1, tp + fn);
        }

        double ppv() {
            return 100.0 * tp / Math.max(1, tp + fp);
        }

        double meanMs(double fs) {
            return errors.stream().mapToInt(Integer::intValue).average().orElse(Double.NaN) * 1000 / fs;
        }

        double sdMs(double fs) {
            double m = errors.stream().mapToInt(Integer::intValue).average().orElse(Double.NaN);
            double s = errors.stream().mapToDouble(e -> (e - m) * (e - m)).sum();
            return Math.sqrt(s / Math.max(1, errors.size() - 1)) * 1000 / fs;
        }
    }

    /** Scores keyed "P onset", "QRS offset", ...; per lead under "ii/P onset" etc. */
    final Map<String, Score> scores = new LinkedHashMap<>();
    double fs = 500;
    int records;

    public static void main(String[] args) throws IOException, EcgReadException {
        System.out.println(run().report());
    }

    static DelineationValidation run() throws IOException, EcgReadException {
        DelineationValidation v = new DelineationValidation();
        Path dir = TestData.data("ludb/data");
        List<Path> headers;
        try (var s = Files.list(dir)) {
            headers = s.filter(p -> p.toString().endsWith(".hea")).sorted().toList();
        }
        for (Path hea : headers) {
            v.score(hea);
        }
        return v;
    }

    private void score(Path hea) throws EcgReadException {
        Ecg ecg = Formats.read(hea, ReadOptions.DEFAULT);
        fs = ecg.fs();
        records++;
        float[][] samples = ecg.samples();
        int[] r = QrsDetector.detect(samples, fs);
        Delineator.Result result = Delineator.delineate(samples, fs, r);
        int tolerance = (int) Math.round(0.150 * fs);
        for (int l = 0; l < ecg.leadCount(); l++) {
            String lead = ecg.leads().get(l);
            List<Annotation> ann = ecg.annotations().stream().filter(a -> lead.equals(a.lead())).toList();
            if (ann.isEmpty()) {
                continue;
            }
            scoreLead(ann, result.perLead().get(l), "", lead, tolerance);
            scoreLead(ann, result.global(), "global ", lead, tolerance);
        }
    }

    private void scoreLead(List<Annotation> ann, List<Delineator.BeatWaves> det, String prefix, String lead,
            int tolerance) {
        int spanFrom = (int) ann.get(0).sample();
        int spanTo = (int) ann.get(ann.size() - 1).sample();
        for (int w = 0; w < 3; w++) {
            int[][] ref = reference(ann, SYMBOLS[w]);
            final int wi = w;
            Function<Delineator.BeatWaves, Delineator.Wave> pick =
                    bw -> wi == 0 ? bw.p() : wi == 1 ? bw.qrs() : bw.t();
            for (int k = 0; k < 2; k++) {
                final int ki = k;
                int[] detected = det.stream().map(pick).filter(x -> x != null)
                        .mapToInt(x -> ki == 0 ? x.onset() : x.offset())
                        .filter(x -> x != Delineator.NOT_FOUND && x >= spanFrom - tolerance
                                && x <= spanTo + tolerance)
                        .sorted().toArray();
                Matching.Result m = Matching.match(ref[k], detected, tolerance);
                m = new Matching.Result(m.truePositives(), m.falseNegatives(),
                        m.unmatched().stream().filter(x -> x >= spanFrom && x <= spanTo).count(), m.errors());
                String key = WAVES[w] + " " + POINTS[k];
                scores.computeIfAbsent(prefix + key, x -> new Score()).add(m);
                scores.computeIfAbsent(prefix + lead + "/" + key, x -> new Score()).add(m);
            }
        }
    }

    /** Onsets and offsets of the waves marked with {@code symbol}: ( symbol ) triplets. */
    static int[][] reference(List<Annotation> ann, String symbol) {
        List<Integer> on = new ArrayList<>();
        List<Integer> off = new ArrayList<>();
        for (int i = 0; i < ann.size(); i++) {
            if (!ann.get(i).code().equals(symbol)) {
                continue;
            }
            if (i > 0 && ann.get(i - 1).code().equals("(")) {
                on.add((int) ann.get(i - 1).sample());
            }
            if (i + 1 < ann.size() && ann.get(i + 1).code().equals(")")) {
                off.add((int) ann.get(i + 1).sample());
            }
        }
        return new int[][] {on.stream().mapToInt(Integer::intValue).toArray(),
                off.stream().mapToInt(Integer::intValue).toArray()};
    }

    Score score(String key) {
        return scores.get(key);
    }

    String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "LUDB, %d records, all leads pooled%n", records));
        for (String prefix : List.of("", "global ")) {
            sb.append(prefix.isEmpty() ? "\nPer-lead delineation against the same lead's annotation\n\n"
                    : "\nGlobal (record-level) delineation against every lead's annotation\n\n");
            sb.append("| wave point | reference | Se % | PPV % | mean error ms | SD ms |\n|---|---|---|---|---|---|\n");
            for (String w : WAVES) {
                for (String p : POINTS) {
                    Score s = scores.get(prefix + w + " " + p);
                    sb.append(String.format(Locale.ROOT, "| %s %s | %d | %.2f | %.2f | %.1f | %.1f |%n", w, p,
                            s.tp + s.fn, s.se(), s.ppv(), s.meanMs(fs), s.sdMs(fs)));
                }
            }
        }
        sb.append("\nPer-lead delineation by lead (Se / PPV %, mean ± SD ms)\n\n| lead |");
        for (String w : WAVES) {
            for (String p : POINTS) {
                sb.append(' ').append(w).append(' ').append(p).append(" |");
            }
        }
        sb.append("\n|---|---|---|---|---|---|---|\n");
        for (String lead : List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")) {
            sb.append("| ").append(lead).append(" |");
            for (String w : WAVES) {
                for (String p : POINTS) {
                    Score s = scores.get(lead + "/" + w + " " + p);
                    sb.append(String.format(Locale.ROOT, " %.1f / %.1f, %.1f ± %.1f |", s.se(), s.ppv(),
                            s.meanMs(fs), s.sdMs(fs)));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
