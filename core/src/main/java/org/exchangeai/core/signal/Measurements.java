package org.exchangeai.core.signal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Global ECG measurements from R peaks and the per-lead median beats.
 *
 * <ul>
 *   <li>Rhythm from the R peaks: heart rate 60 / mean RR; SDNN (sample standard deviation of
 *       the RR intervals) and RMSSD (root mean square of successive RR differences), in ms, over
 *       all beats (no ectopic-beat editing).</li>
 *   <li>Intervals from the median beat: each lead's median beat (window
 *       {@value #BEFORE_MS} ms before to {@value #AFTER_MS} ms after R, shortened to the median RR),
 *       delineated with {@link Delineator} and combined across leads (global limits); PR = QRS onset
 *       − P onset, QRS = QRS offset − onset, QT = T offset − QRS onset.</li>
 *   <li>QTc: Bazett QT / √RR and Fridericia QT / ∛RR, RR in seconds (mean RR).</li>
 *   <li>Frontal QRS axis: atan2 of the net QRS area (signed sum over the global QRS, relative to the
 *       level at QRS onset) in aVF and in I; aVF is derived as II − I/2 when only I and II are
 *       present.</li>
 * </ul>
 * A value that cannot be measured (too few beats, no P wave, lead missing) is {@code null}.
 */
public final class Measurements {

    static final double BEFORE_MS = 400;
    static final double AFTER_MS = 600;

    /** All values in bpm, ms or degrees; {@code null} when not measurable. */
    public record Result(Double hrBpm, Double sdnnMs, Double rmssdMs, Double prMs, Double qrsMs, Double qtMs,
            Double qtcBazettMs, Double qtcFridericiaMs, Double axisDeg) {

        /** The values under the project's canonical measurement names, in a fixed order. */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("hr_bpm", hrBpm);
            m.put("sdnn_ms", sdnnMs);
            m.put("rmssd_ms", rmssdMs);
            m.put("pr_ms", prMs);
            m.put("qrs_ms", qrsMs);
            m.put("qt_ms", qtMs);
            m.put("qtc_bazett_ms", qtcBazettMs);
            m.put("qtc_fridericia_ms", qtcFridericiaMs);
            m.put("axis_deg", axisDeg);
            return m;
        }
    }

    private Measurements() {
    }

    /**
     * @param leads  samples {@code [lead][t]} in mV
     * @param names  lead names in the order of {@code leads} (canonical names, e.g. "I", "aVF")
     * @param fs     sampling rate in Hz
     * @param rpeaks R peaks, ascending
     */
    public static Result measure(float[][] leads, List<String> names, double fs, int[] rpeaks) {
        double[] rr = new double[Math.max(0, rpeaks.length - 1)];
        for (int i = 1; i < rpeaks.length; i++) {
            rr[i - 1] = (rpeaks[i] - rpeaks[i - 1]) * 1000.0 / fs;
        }
        Double meanRr = rr.length == 0 ? null : Arrays.stream(rr).average().orElseThrow();
        Double hr = meanRr == null ? null : 60000.0 / meanRr;
        Double sdnn = rr.length < 2 ? null : sd(rr);
        Double rmssd = null;
        if (rr.length >= 2) {
            double s = 0;
            for (int i = 1; i < rr.length; i++) {
                s += (rr[i] - rr[i - 1]) * (rr[i] - rr[i - 1]);
            }
            rmssd = Math.sqrt(s / (rr.length - 1));
        }

        Double pr = null;
        Double qrs = null;
        Double qt = null;
        Double axis = null;
        double medianRr = rr.length == 0 ? 1000 : medianOf(rr);
        double before = Math.min(BEFORE_MS, 0.6 * medianRr);
        double after = Math.min(AFTER_MS, 0.9 * medianRr);
        float[][] beat = leads.length == 0 ? null : Beats.medianBeat(leads, fs, rpeaks, before, after);
        if (beat != null) {
            int r = Beats.samples(before, fs);
            Delineator.Result d = Delineator.delineate(beat, fs, new int[] {r}, (int) Math.round(medianRr * fs / 1000));
            Delineator.BeatWaves g = d.global().get(0);
            Delineator.Wave q = g.qrs();
            if (q != null && q.onset() != Delineator.NOT_FOUND && q.offset() != Delineator.NOT_FOUND) {
                qrs = ms(q.offset() - q.onset(), fs);
                if (g.p() != null && g.p().onset() != Delineator.NOT_FOUND) {
                    pr = ms(q.onset() - g.p().onset(), fs);
                }
                if (g.t() != null && g.t().offset() != Delineator.NOT_FOUND) {
                    qt = ms(g.t().offset() - q.onset(), fs);
                }
                axis = axis(beat, names, q.onset(), q.offset());
            }
        }
        Double qtcB = qt == null || meanRr == null ? null : qt / Math.sqrt(meanRr / 1000);
        Double qtcF = qt == null || meanRr == null ? null : qt / Math.cbrt(meanRr / 1000);
        return new Result(hr, sdnn, rmssd, pr, qrs, qt, qtcB, qtcF, axis);
    }

    /** Frontal axis in degrees (−180, 180] from net QRS areas of I and aVF. */
    static Double axis(float[][] beat, List<String> names, int onset, int offset) {
        int iI = names.indexOf("I");
        int iAvf = names.indexOf("aVF");
        int iII = names.indexOf("II");
        if (iI < 0 || (iAvf < 0 && iII < 0)) {
            return null;
        }
        float[] avf = iAvf >= 0 ? beat[iAvf] : new float[beat[iI].length];
        if (iAvf < 0) {
            for (int t = 0; t < avf.length; t++) {
                avf[t] = beat[iII][t] - beat[iI][t] / 2;
            }
        }
        double netI = netArea(beat[iI], onset, offset);
        double netF = netArea(avf, onset, offset);
        if (netI == 0 && netF == 0) {
            return null;
        }
        return Math.toDegrees(Math.atan2(netF, netI));
    }

    private static double netArea(float[] x, int onset, int offset) {
        double base = x[onset];
        double s = 0;
        for (int t = onset; t <= offset; t++) {
            s += x[t] - base;
        }
        return s;
    }

    private static double ms(int samples, double fs) {
        return samples * 1000.0 / fs;
    }

    private static double sd(double[] v) {
        double m = Arrays.stream(v).average().orElse(0);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    private static double medianOf(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
