package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;

/**
 * Measurements on the 60 LUDB records against values derived from the experts' lead-II wave
 * boundaries (median PR, QRS and QT of the annotated beats; heart rate from the annotated QRS
 * complexes) and against the electric-axis class stated in each header (LUDB's classes: left
 * deviation below 0°, horizontal 0–30°, normal 30–70°, vertical 70–90°, right deviation above 90°).
 */
class MeasurementsTest {

    @Test
    void ludbIntervalsAndAxis() throws Exception {
        List<Path> headers;
        try (var s = Files.list(TestData.data("ludb/data"))) {
            headers = s.filter(p -> p.toString().endsWith(".hea")).sorted().toList();
        }
        List<double[]> diffs = new ArrayList<>();
        int axisAgree = 0;
        int axisNear = 0;
        int axisTotal = 0;
        for (Path hea : headers) {
            Ecg ecg = Formats.read(hea, ReadOptions.DEFAULT);
            float[][] x = ecg.samples();
            int[] r = QrsDetector.detect(x, ecg.fs());
            Measurements.Result m = Measurements.measure(x, ecg.leads(), ecg.fs(), r);
            List<Annotation> ii = ecg.annotations().stream().filter(a -> "II".equals(a.lead())).toList();
            double[] ref = referenceIntervals(ii, ecg.fs());
            diffs.add(new double[] {diff(m.hrBpm(), ref[0]), diff(m.prMs(), ref[1]), diff(m.qrsMs(), ref[2]),
                diff(m.qtMs(), ref[3])});
            String stated = Files.readAllLines(hea).stream().filter(l -> l.contains("Electric axis")).findFirst()
                    .orElse("");
            int statedClass = axisClass(stated);
            if (statedClass >= 0 && m.axisDeg() != null) {
                axisTotal++;
                int measured = classOf(m.axisDeg());
                axisAgree += measured == statedClass ? 1 : 0;
                axisNear += Math.abs(measured - statedClass) <= 1 ? 1 : 0;
            }
        }
        String[] names = {"HR bpm", "PR ms", "QRS ms", "QT ms"};
        StringBuilder report = new StringBuilder(
                "| measurement | records compared | mean difference | SD | median absolute difference |\n|---|---|---|---|---|\n");
        double[] medianAbs = new double[4];
        for (int k = 0; k < 4; k++) {
            final int kk = k;
            double[] d = diffs.stream().mapToDouble(v -> v[kk]).filter(v -> !Double.isNaN(v)).toArray();
            double mean = Arrays.stream(d).average().orElse(Double.NaN);
            double sd = Math.sqrt(Arrays.stream(d).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, d.length - 1));
            double[] abs = Arrays.stream(d).map(Math::abs).sorted().toArray();
            medianAbs[k] = abs.length == 0 ? Double.NaN : abs[abs.length / 2];
            report.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", names[k], d.length, mean, sd,
                    medianAbs[k]));
        }
        report.append(String.format(Locale.ROOT, "axis class: %d of %d equal, %d of %d equal or adjacent%n",
                axisAgree, axisTotal, axisNear, axisTotal));
        System.out.println(report);
        assertEquals(60, diffs.size());
        assertTrue(medianAbs[0] <= 1, report.toString());
        assertTrue(medianAbs[1] <= 20 && medianAbs[2] <= 15 && medianAbs[3] <= 25, report.toString());
        assertTrue(axisNear >= 0.85 * axisTotal, report.toString());
    }

    @Test
    void rhythmFromRegularPeaks() {
        int[] r = {100, 600, 1100, 1600, 2100};
        Measurements.Result m = Measurements.measure(new float[0][], List.of(), 500, r);
        assertEquals(60.0, m.hrBpm(), 1e-9);
        assertEquals(0.0, m.sdnnMs(), 1e-9);
        assertEquals(0.0, m.rmssdMs(), 1e-9);
        assertNull(m.qrsMs());
        int[] irregular = {0, 400, 900, 1300};
        Measurements.Result v = Measurements.measure(new float[0][], List.of(), 500, irregular);
        // RR 800, 1000, 800 ms: SD = 115.47 ms, successive differences 200, −200 ms
        assertEquals(115.470, v.sdnnMs(), 1e-3);
        assertEquals(200.0, v.rmssdMs(), 1e-9);
        assertNotNull(v.hrBpm());
    }

    /** HR, PR, QRS, QT from the annotated waves: medians over beats. */
    static double[] referenceIntervals(List<Annotation> ann, double fs) {
        int[][] p = DelineationValidation.reference(ann, "p");
        int[][] q = DelineationValidation.reference(ann, "N");
        int[][] t = DelineationValidation.reference(ann, "t");
        long[] peaks = ann.stream().filter(a -> a.code().equals("N")).mapToLong(Annotation::sample).toArray();
        List<Double> rr = new ArrayList<>();
        for (int i = 1; i < peaks.length; i++) {
            rr.add((peaks[i] - peaks[i - 1]) * 1000 / fs);
        }
        double hr = rr.isEmpty() ? Double.NaN : 60000 / rr.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        List<Double> pr = new ArrayList<>();
        List<Double> qrs = new ArrayList<>();
        List<Double> qt = new ArrayList<>();
        for (int i = 0; i < Math.min(q[0].length, q[1].length); i++) {
            int on = q[0][i];
            int off = q[1][i];
            if (off <= on || off - on > 0.25 * fs) {
                continue;
            }
            qrs.add((off - on) * 1000 / fs);
            for (int pOn : p[0]) {
                if (pOn < on && on - pOn < 0.4 * fs) {
                    pr.add((on - pOn) * 1000 / fs);
                }
            }
            for (int tOff : t[1]) {
                if (tOff > off && tOff - on < 0.7 * fs) {
                    qt.add((tOff - on) * 1000 / fs);
                    break;
                }
            }
        }
        return new double[] {hr, median(pr), median(qrs), median(qt)};
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s[s.length / 2];
    }

    private static double diff(Double measured, double reference) {
        return measured == null || Double.isNaN(reference) ? Double.NaN : measured - reference;
    }

    private static int axisClass(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        if (l.contains("left axis")) {
            return 0;
        } else if (l.contains("horizontal")) {
            return 1;
        } else if (l.contains("normal")) {
            return 2;
        } else if (l.contains("vertical")) {
            return 3;
        } else if (l.contains("right axis")) {
            return 4;
        }
        return -1;
    }

    private static int classOf(double deg) {
        if (deg < 0 && deg > -150) {
            return 0;
        } else if (deg >= 0 && deg < 30) {
            return 1;
        } else if (deg >= 30 && deg < 70) {
            return 2;
        } else if (deg >= 70 && deg <= 90) {
            return 3;
        }
        return 4;
    }
}
