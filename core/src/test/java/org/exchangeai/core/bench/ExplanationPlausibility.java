package org.exchangeai.core.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.explain.Attribution;
import org.exchangeai.core.explain.AttributionMethod;
import org.exchangeai.core.explain.ExplainableModel;
import org.exchangeai.core.explain.Explainer;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.prep.Prepared;
import org.exchangeai.core.signal.Delineator;
import org.exchangeai.core.signal.QrsDetector;
import org.exchangeai.core.signal.Resampler;

/**
 * Plausibility of explanations: how much of the attribution falls inside the QRS complexes and the
 * ST–T stretches (QRS offset to T offset) of the record's own delineation, against the share of time
 * those windows take (the enrichment ratio; 1 = no preference). On fold 10 of
 * {@code ../shared/pretrain/ptbxl100}: records labelled MI (any co-labels) explained for class MI,
 * records labelled only NORM explained for class NORM, and each also for the predicted class when that
 * differs. Not a unit test: a main method.
 *
 * <p>The analysed time is the part of the record the model saw, cut to whole delineated cycles: from a
 * beat's QRS onset to the next beat's QRS onset, for beats whose QRS onset, QRS offset and T offset were
 * found. Masses are summed over all leads at the model's rate; a model sample belongs to a window when
 * its time does. The input's own magnitude |x| is scored the same way as a reference: gradient × input
 * methods inherit part of it.
 *
 * <p>Arguments: {@code MODEL.onnx OUT_DIR [STEPS]} writes {@code OUT_DIR/plausibility.csv} (one row per
 * record, explained class and method) and prints the summary; {@code --delineation-check} instead
 * compares delineation at 100 Hz (and at 500 Hz after upsampling 100 Hz) with delineation at 500 Hz on
 * the 120 arrays of {@code ../shared/data/ptbxl/npy500}.
 */
public final class ExplanationPlausibility {

    /** Rate the records are delineated at: 100 Hz records are upsampled first (see the check). */
    static final int DELINEATION_RATE = 500;

    static final String QRS = "QRS";
    static final String ST_T = "ST-T";

    /** Per model sample: 0 outside the analysed time, else 1 (other), 2 (QRS) or 3 (ST–T). */
    static final byte OUTSIDE = 0;
    static final byte OTHER = 1;
    static final byte IN_QRS = 2;
    static final byte IN_ST_T = 3;

    /** The windows of one record on the model's time axis, and how many beats they came from. */
    record Windows(byte[] mask, int beats, int delineatedCycles) {

        int count(byte kind) {
            int n = 0;
            for (byte b : mask) {
                n += b == kind ? 1 : 0;
            }
            return n;
        }

        int analysed() {
            return mask.length - count(OUTSIDE);
        }
    }

    /** Enrichment ratios of one attribution map: QRS and ST–T, from absolute and from positive values. */
    record Enrichment(double qrsAbs, double stTAbs, double qrsPos, double stTPos) {
    }

    private ExplanationPlausibility() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--delineation-check")) {
            delineationCheck();
            return;
        }
        if (args.length < 2) {
            System.err.println("usage: ExplanationPlausibility MODEL.onnx OUT_DIR [STEPS] | --delineation-check");
            System.exit(2);
        }
        run(Path.of(args[0]), Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 32);
    }

    /**
     * The cycles of a record's global delineation, as windows on a time axis of {@code samples} model
     * samples at {@code rate} Hz of which the first {@code seen} came from the record.
     *
     * @param beats global delineation at {@code fs} Hz
     */
    static Windows windows(List<Delineator.BeatWaves> beats, double fs, int samples, double rate, int seen) {
        byte[] mask = new byte[samples];
        int cycles = 0;
        for (int b = 0; b + 1 < beats.size(); b++) {
            Delineator.BeatWaves beat = beats.get(b);
            Delineator.BeatWaves next = beats.get(b + 1);
            if (!complete(beat) || next.qrs() == null || next.qrs().onset() == Delineator.NOT_FOUND) {
                continue;
            }
            int start = toModel(beat.qrs().onset(), fs, rate);
            int qrsEnd = toModel(beat.qrs().offset(), fs, rate);
            int end = toModel(next.qrs().onset(), fs, rate);
            int tEnd = Math.min(toModel(beat.t().offset(), fs, rate), end);
            if (end > seen || !(start < qrsEnd && qrsEnd <= tEnd)) {
                continue;
            }
            for (int u = start; u < end; u++) {
                mask[u] = u < qrsEnd ? IN_QRS : u < tEnd ? IN_ST_T : OTHER;
            }
            cycles++;
        }
        return new Windows(mask, beats.size(), cycles);
    }

    private static boolean complete(Delineator.BeatWaves b) {
        return b.qrs() != null && b.t() != null && b.qrs().onset() != Delineator.NOT_FOUND
                && b.qrs().offset() != Delineator.NOT_FOUND && b.t().offset() != Delineator.NOT_FOUND;
    }

    /** The first model sample at or after recording sample {@code i}: a model sample counts from its own time. */
    private static int toModel(int i, double fs, double rate) {
        return (int) Math.ceil(i * rate / fs - 1e-9);
    }

    /** Enrichment of {@code values} ({@code [leads][samples]} on the model axis) in the windows of {@code w}. */
    static Enrichment enrichment(float[][] values, Windows w) {
        double[] abs = new double[4];
        double[] pos = new double[4];
        for (float[] lead : values) {
            for (int u = 0; u < w.mask().length; u++) {
                byte kind = w.mask()[u];
                abs[kind] += Math.abs(lead[u]);
                pos[kind] += Math.max(0, lead[u]);
            }
        }
        double analysed = w.analysed();
        double qrsTime = w.count(IN_QRS) / analysed;
        double stTTime = w.count(IN_ST_T) / analysed;
        double absTotal = abs[OTHER] + abs[IN_QRS] + abs[IN_ST_T];
        double posTotal = pos[OTHER] + pos[IN_QRS] + pos[IN_ST_T];
        return new Enrichment(abs[IN_QRS] / absTotal / qrsTime, abs[IN_ST_T] / absTotal / stTTime,
                pos[IN_QRS] / posTotal / qrsTime, pos[IN_ST_T] / posTotal / stTTime);
    }

    /** Global delineation of a record at {@link #DELINEATION_RATE}, upsampling it first when slower. */
    static List<Delineator.BeatWaves> delineate(Ecg ecg) {
        float[][] x = ecg.samples();
        double fs = ecg.fs();
        if (fs < DELINEATION_RATE) {
            x = upsample(x, fs, DELINEATION_RATE);
            fs = DELINEATION_RATE;
        }
        return Delineator.delineate(x, fs, QrsDetector.detect(x, fs)).global();
    }

    private static float[][] upsample(float[][] x, double fs, int to) {
        int[] ratio = Resampler.ratio(fs, to);
        float[][] out = new float[x.length][];
        for (int l = 0; l < x.length; l++) {
            double[] d = new double[x[l].length];
            for (int t = 0; t < d.length; t++) {
                d[t] = x[l][t];
            }
            double[] r = Resampler.polyphase(d, ratio[0], ratio[1], Resampler.EdgePadding.MEAN);
            out[l] = new float[r.length];
            for (int t = 0; t < r.length; t++) {
                out[l][t] = (float) r[t];
            }
        }
        return out;
    }

    private static void run(Path modelFile, Path outDir, int steps) throws Exception {
        long started = System.nanoTime();
        List<PtbxlStudyData.Item> fold10 = PtbxlStudyData.fold10();
        Files.createDirectories(outDir);
        // summary cells: group, explained class, map and window joined by tabs → values
        Map<String, List<Double>> cells = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        int[] records = new int[3];
        try (ExplainableModel model = ExplainableModel.open(modelFile);
                Explainer explainer = new Explainer(model, steps);
                PrintWriter csv = new PrintWriter(Files.newBufferedWriter(outDir.resolve("plausibility.csv")))) {
            csv.println("ecg_id,labels,group,explained_class,explained_as,probability,predicted_class,method,"
                    + "beats,cycles,analysed_s,qrs_time_share,st_t_time_share,qrs_enrichment_abs,st_t_enrichment_abs,"
                    + "qrs_enrichment_pos,st_t_enrichment_pos");
            for (PtbxlStudyData.Item item : fold10) {
                Set<String> labels = item.labels();
                String group = labels.contains("MI") ? "MI" : labels.equals(Set.of("NORM")) ? "NORM" : null;
                if (group == null) {
                    continue;
                }
                Prepared prepared = model.preparation().prepare(item.ecg());
                Windows w = windows(delineate(item.ecg()), DELINEATION_RATE, model.samples(), model.rate(),
                        prepared.validLength());
                if (w.delineatedCycles() == 0) {
                    failed.add(item.id() + " (" + String.join("|", labels) + ", " + w.beats() + " beats)");
                    continue;
                }
                List<String> groups = new ArrayList<>(List.of(group));
                if (group.equals("MI")) {
                    groups.add(labels.equals(Set.of("MI", "CD")) ? "MI+CD" : "MI with STTC");
                }
                float[][] input = prepared.input();
                double[] p = explainer.probabilities(input);
                int target = explainer.classIndex(group, p);
                int predicted = explainer.classIndex(null, p);
                List<String> explained = new ArrayList<>(List.of("target"));
                if (predicted != target) {
                    explained.add("predicted");
                }
                String prefix = String.format(Locale.ROOT, "%s,%s,%s,", item.id(), String.join("|", labels), group);
                String timing = String.format(Locale.ROOT, "%d,%d,%.2f,%.4f,%.4f,", w.beats(), w.delineatedCycles(),
                        w.analysed() / model.rate(), w.count(IN_QRS) / (double) w.analysed(),
                        w.count(IN_ST_T) / (double) w.analysed());
                records[group.equals("MI") ? 0 : 1]++;
                for (String as : explained) {
                    int c = as.equals("target") ? target : predicted;
                    String cls = model.classes().get(c);
                    Map<String, float[][]> maps = new LinkedHashMap<>();
                    maps.put("input", input);
                    for (AttributionMethod m : AttributionMethod.values()) {
                        Attribution a = explainer.attribute(input, m, c);
                        maps.put(m.key(), a.values());
                    }
                    for (Map.Entry<String, float[][]> e : maps.entrySet()) {
                        Enrichment en = enrichment(e.getValue(), w);
                        csv.printf(Locale.ROOT, "%s%s,%s,%.4f,%s,%s,%s%.4f,%.4f,%.4f,%.4f%n", prefix, cls, as, p[c],
                                model.classes().get(predicted), e.getKey(), timing, en.qrsAbs(), en.stTAbs(),
                                en.qrsPos(), en.stTPos());
                        String explainedAs = as.equals("target") ? "class " + group : "predicted class";
                        for (String g : groups) {
                            add(cells, g, explainedAs, e.getKey(), en);
                        }
                        if (as.equals("target") && predicted == target) {
                            for (String g : groups) {
                                add(cells, g, "predicted class", e.getKey(), en);
                            }
                        }
                    }
                }
                csv.flush();
                System.err.printf(Locale.ROOT, "%s %s: p(%s) %.3f, predicted %s, %d/%d cycles%n", item.id(),
                        String.join("|", labels), group, p[target], model.classes().get(predicted), w.delineatedCycles(),
                        w.beats());
            }
        }
        System.out.printf(Locale.ROOT, "model %s, %d IG steps; fold 10: %d MI records, %d NORM-only records "
                + "analysed; delineation found no whole cycle in %d: %s%n", modelFile.getFileName(), steps, records[0],
                records[1], failed.size(), failed);
        System.out.println("| records | explained | map | n | QRS enrichment | ST–T enrichment |");
        System.out.println("|---|---|---|---|---|---|");
        Map<String, List<Double>> done = new LinkedHashMap<>();
        for (String key : cells.keySet()) {
            String row = key.substring(0, key.lastIndexOf('\t'));
            if (done.containsKey(row)) {
                continue;
            }
            done.put(row, null);
            List<Double> qrs = cells.get(row + "\t" + QRS);
            List<Double> stT = cells.get(row + "\t" + ST_T);
            String[] f = row.split("\t");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %d | %s | %s |%n", f[0], f[1], f[2], qrs.size(),
                    meanSd(qrs), meanSd(stT));
        }
        System.out.printf(Locale.ROOT, "%.1f min%n", (System.nanoTime() - started) / 60e9);
    }

    private static void add(Map<String, List<Double>> cells, String group, String explained, String map, Enrichment e) {
        boolean signed = !map.equals("gradcam");
        String name = switch (map) {
            case "input" -> "|input|";
            case "ig" -> "IG";
            case "gradcam" -> "Grad-CAM";
            default -> "occlusion";
        };
        String row = group + "\t" + explained + "\t" + (signed ? name + " |·|" : name);
        cells.computeIfAbsent(row + "\t" + QRS, k -> new ArrayList<>()).add(e.qrsAbs());
        cells.computeIfAbsent(row + "\t" + ST_T, k -> new ArrayList<>()).add(e.stTAbs());
        if (signed && !map.equals("input")) {
            String plus = group + "\t" + explained + "\t" + name + " +";
            cells.computeIfAbsent(plus + "\t" + QRS, k -> new ArrayList<>()).add(e.qrsPos());
            cells.computeIfAbsent(plus + "\t" + ST_T, k -> new ArrayList<>()).add(e.stTPos());
        }
    }

    private static String meanSd(List<Double> v) {
        double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        double sd = v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : Double.NaN;
        return String.format(Locale.ROOT, "%.2f ± %.2f", mean, sd);
    }

    /**
     * Delineation of the 120 shared 500 Hz arrays at 500 Hz (the reference) against the same arrays
     * decimated to 100 Hz (as ptbxl100 was made) and delineated at 100 Hz, and upsampled back to 500 Hz
     * before delineating: per beat matched by R peak (within 50 ms), the median and 90th percentile of
     * the absolute difference of QRS onset, QRS offset and T offset in ms, and the share of the
     * reference's complete beats that are complete in the other too.
     */
    private static void delineationCheck() throws Exception {
        ReadOptions read = PtbxlStudyData.READ.withFs(500.0);
        Map<String, List<double[]>> diffs = new LinkedHashMap<>();
        int[] complete = new int[3];
        int records = 0;
        try (var files = Files.list(TestData.data("ptbxl/npy500"))) {
            for (Path f : files.sorted().toList()) {
                Ecg ecg = Formats.read(f, read);
                float[][] x = ecg.samples();
                List<Delineator.BeatWaves> ref = Delineator.delineate(x, 500, QrsDetector.detect(x, 500)).global();
                float[][] low = decimate(x);
                List<Delineator.BeatWaves> at100 = Delineator.delineate(low, 100, QrsDetector.detect(low, 100)).global();
                float[][] up = upsample(low, 100, 500);
                List<Delineator.BeatWaves> at500 = Delineator.delineate(up, 500, QrsDetector.detect(up, 500)).global();
                compare(ref, 500, at100, 100, "100 Hz", diffs, complete, 1);
                compare(ref, 500, at500, 500, "100 Hz → 500 Hz", diffs, complete, 2);
                records++;
            }
        }
        System.out.printf(Locale.ROOT, "%d records, %d complete reference beats%n", records, complete[0]);
        System.out.println("| delineated at | complete beats found | QRS onset | QRS offset | T offset |");
        System.out.println("|---|---|---|---|---|");
        int i = 1;
        for (String name : List.of("100 Hz", "100 Hz → 500 Hz")) {
            List<double[]> d = diffs.getOrDefault(name, List.of());
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.1f %% |", name,
                    100.0 * complete[i++] / complete[0]));
            for (int k = 0; k < 3; k++) {
                double[] v = new double[d.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = d.get(j)[k];
                }
                java.util.Arrays.sort(v);
                row.append(String.format(Locale.ROOT, " %.0f / %.0f ms |", v[v.length / 2], v[(int) (0.9 * (v.length - 1))]));
            }
            System.out.println(row);
        }
    }

    private static void compare(List<Delineator.BeatWaves> ref, double fsRef, List<Delineator.BeatWaves> other,
            double fsOther, String name, Map<String, List<double[]>> diffs, int[] complete, int slot) {
        for (Delineator.BeatWaves r : ref) {
            if (!complete(r)) {
                continue;
            }
            if (slot == 1) {
                complete[0]++;
            }
            for (Delineator.BeatWaves o : other) {
                if (Math.abs(o.rpeak() / fsOther - r.rpeak() / fsRef) <= 0.05 && complete(o)) {
                    complete[slot]++;
                    diffs.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {
                        ms(o.qrs().onset(), fsOther, r.qrs().onset(), fsRef),
                        ms(o.qrs().offset(), fsOther, r.qrs().offset(), fsRef),
                        ms(o.t().offset(), fsOther, r.t().offset(), fsRef)});
                    break;
                }
            }
        }
    }

    private static double ms(int a, double fsA, int b, double fsB) {
        return Math.abs(a / fsA - b / fsB) * 1000;
    }

    /** 500 Hz to 100 Hz as ptbxl100 was made ({@code resample_poly(x, 1, 5)}). */
    private static float[][] decimate(float[][] x) {
        float[][] out = new float[x.length][];
        for (int l = 0; l < x.length; l++) {
            double[] d = new double[x[l].length];
            for (int t = 0; t < d.length; t++) {
                d[t] = x[l][t];
            }
            double[] r = Resampler.polyphase(d, 1, 5);
            out[l] = new float[r.length];
            for (int t = 0; t < r.length; t++) {
                out[l][t] = (float) r[t];
            }
        }
        return out;
    }
}
