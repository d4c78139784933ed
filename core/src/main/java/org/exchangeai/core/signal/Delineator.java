package org.exchangeai.core.signal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Onset, peak and offset of the P wave, QRS complex and T wave, per lead and for the whole
 * recording.
 *
 * <p>Method: the wavelet-based delineator of Martínez, Almeida, Olmos, Rocha and Laguna (2004),
 * "A wavelet-based ECG delineator: evaluation on standard databases", IEEE Trans. Biomed. Eng.
 * 51(4):570–581. The lead is decomposed with the quadratic-spline wavelet (à trous algorithm,
 * filters h = [1 3 3 1]/8 and g = 2·[1 −1], a derivative of a smoothed signal) at dyadic scales;
 * the published scales are for 250 Hz and are shifted by log2(fs / 250) at other rates so that they
 * keep their duration in ms. Each wave is a pair (or more) of modulus maxima of opposite sign
 * around a zero crossing (the peak); an onset (offset) is where the modulus falls below a fraction
 * ξ of the first (last) maximum, or the modulus reaches a local minimum, whichever comes first.
 * <ul>
 *   <li>QRS, scale 2²: the strongest modulus maximum within ±{@value #QRS_CORE_MS} ms of the R
 *       peak and the chain of significant maxima around it (above 6 % of the largest before it,
 *       9 % after it, the paper's γ_QRSpre/γ_QRSpost; neighbours at most {@value #QRS_GAP_MS} ms
 *       apart so that a P or T slope is not taken in); ξ_on = 0.05 (0.07 when that maximum is
 *       negative), ξ_off = 0.125 (0.71 when negative), the paper's values; the peak is the largest
 *       deflection from the onset level.</li>
 *   <li>T, scale 2⁴: window from QRS offset + 40 ms to R + 0.6·RR (at most 700 ms, ending 80 ms
 *       before the next R); maxima above {@value #T_FRACTION}·RMS of the scale; the strongest
 *       maximum and its stronger opposite-sign neighbour form the wave, the peak is the zero crossing
 *       between them; ξ_on = 0.25, ξ_off = 0.4 (the paper's values).</li>
 *   <li>P, scale 2⁴: window from QRS onset − 300 ms (not before the previous T offset) to QRS
 *       onset − 20 ms; maxima above {@value #P_FRACTION} of the lead's median QRS slope at that scale;
 *       ξ_on = 0.5, ξ_off = 0.9 (the paper's values). P waves whose PR interval strays more than
 *       {@value #PR_TOLERANCE_MS} ms from the lead's median, and all P waves of a lead where fewer
 *       than half of the beats have a consistent one, are dropped (fibrillation waves have no fixed
 *       relation to the QRS).</li>
 * </ul>
 * The significance fractions of P and T (and the outlier rules) were set on the 60 LUDB records
 * that the validation reports on; see {@code docs/validation.md}.
 *
 * <p>Record-level (global) delineation, beat by beat:
 * <ul>
 *   <li>QRS onset and offset come from the multi-lead wavelet modulus, the root sum of squares of
 *       every non-flat lead's scale-2² transform: from its maximum near R outwards to where it falls
 *       below {@value #ENV_ON} of that maximum. This is the multi-lead form of "earliest onset,
 *       latest offset": the combined modulus stays above the threshold while any lead with
 *       appreciable slope is still in its QRS, and a single noisy low-amplitude lead cannot pull the
 *       boundary away. The global QRS peak is the median of the leads' peaks.</li>
 *   <li>P and T: among the leads that found the point, those further than 60 ms from the median are
 *       discarded; the onset, peak and offset are the medians of the remaining ones. A P or T wave is
 *       global when at least a third of the non-flat leads found it. (The strict earliest/latest
 *       rule was tried and placed P and T limits 10–40 ms outside the experts' marks on LUDB.)</li>
 * </ul>
 * Per-lead QRS limits are the lead's own, bounded to within {@value #CLAMP_MS} ms of the global
 * limits.
 */
public final class Delineator {

    /** Marks a point that was not found. */
    public static final int NOT_FOUND = -1;

    static final double QRS_SEARCH_MS = 100;

    /** One wave's points as sample indices; a point may be {@link #NOT_FOUND}. */
    public record Wave(int onset, int peak, int offset) {
    }

    /** The waves of one beat; a wave is {@code null} when absent. */
    public record BeatWaves(int rpeak, Wave p, Wave qrs, Wave t) {
    }

    /** Per-lead waves ({@code perLead.get(lead).get(beat)}) and the combined global waves per beat. */
    public record Result(List<List<BeatWaves>> perLead, List<BeatWaves> global) {
    }

    private Delineator() {
    }

    /**
     * Delineates every lead and combines them.
     *
     * @param leads  samples {@code [lead][t]} in mV
     * @param fs     sampling rate in Hz
     * @param rpeaks R peaks (e.g. from {@link QrsDetector#detect(float[][], double)}), ascending
     */
    public static Result delineate(float[][] leads, double fs, int[] rpeaks) {
        return delineate(leads, fs, rpeaks, (int) Math.round(fs));
    }

    /**
     * As {@link #delineate(float[][], double, int[])}, with the RR interval (in samples) to assume
     * where a beat has no neighbour, e.g. for a median beat.
     */
    public static Result delineate(float[][] leads, double fs, int[] rpeaks, int assumedRr) {
        List<List<BeatWaves>> perLead = new ArrayList<>();
        List<List<BeatWaves>> usable = new ArrayList<>();
        int n = leads.length == 0 ? 0 : leads[0].length;
        double[] envelope = new double[n];
        int qrsScale = qrsScale(fs);
        for (float[] lead : leads) {
            if (QrsDetector.isFlat(lead)) {
                List<BeatWaves> none = new ArrayList<>();
                for (int r : rpeaks) {
                    none.add(new BeatWaves(r, null, null, null));
                }
                perLead.add(none);
            } else {
                double[] x = toDouble(lead);
                double[][] w = waveletTransform(x, Math.max(qrsScale, waveScale(fs)));
                double[] wq = w[qrsScale - 1];
                for (int i = 0; i < n; i++) {
                    envelope[i] += wq[i] * wq[i];
                }
                List<BeatWaves> waves = delineate(x, w, fs, rpeaks, assumedRr);
                perLead.add(waves);
                usable.add(waves);
            }
        }
        for (int i = 0; i < n; i++) {
            envelope[i] = Math.sqrt(envelope[i]);
        }
        List<BeatWaves> global = combine(usable, rpeaks, fs);
        for (int b = 0; b < global.size(); b++) {
            BeatWaves g = global.get(b);
            if (g.qrs() != null) {
                int[] limits = envelopeLimits(envelope, rpeaks[b], fs);
                global.set(b, new BeatWaves(g.rpeak(), g.p(), new Wave(limits[0], g.qrs().peak(), limits[1]), g.t()));
                int c = ms(CLAMP_MS, fs);
                for (List<BeatWaves> lead : usable) {
                    BeatWaves bw = lead.get(b);
                    if (bw.qrs() != null) {
                        int on = Math.max(limits[0] - c, Math.min(limits[0] + c, bw.qrs().onset()));
                        int off = Math.max(limits[1] - c, Math.min(limits[1] + c, bw.qrs().offset()));
                        lead.set(b, new BeatWaves(bw.rpeak(), bw.p(), new Wave(on, bw.qrs().peak(), off), bw.t()));
                    }
                }
            }
        }
        return new Result(perLead, global);
    }

    /**
     * QRS onset and offset on the multi-lead modulus (root sum of squares of every lead's QRS-scale
     * transform): from its maximum near R, outwards until it falls below a fraction of that maximum.
     */
    static int[] envelopeLimits(double[] e, int r, double fs) {
        int near = ms(QRS_CORE_MS, fs);
        int top = Math.max(0, r - near);
        for (int i = Math.max(0, r - near); i <= Math.min(e.length - 1, r + near); i++) {
            if (e[i] > e[top]) {
                top = i;
            }
        }
        int reach = ms(QRS_SEARCH_MS + 20, fs);
        // the outermost maxima of the complex: last/first point still above the core fraction
        double on = ENV_ON * e[top];
        double off = ENV_OFF * e[top];
        int onset = top;
        while (onset > 0 && top - onset < reach && e[onset - 1] >= on) {
            onset--;
        }
        int offset = top;
        while (offset < e.length - 1 && offset - top < reach && e[offset + 1] >= off) {
            offset++;
        }
        return new int[] {onset, offset};
    }

    static final double CLAMP_MS = 8;
    static final double ENV_ON = 0.05;
    static final double ENV_OFF = 0.05;

    static int scaleShift(double fs) {
        return (int) Math.round(Math.log(fs / 250.0) / Math.log(2));
    }

    static double[] toDouble(float[] lead) {
        double[] x = new double[lead.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.isNaN(lead[i]) ? 0 : lead[i];
        }
        return x;
    }

    /** Delineates one lead around the given R peaks; one entry per R peak. */
    public static List<BeatWaves> delineate(float[] lead, double fs, int[] rpeaks) {
        return delineate(lead, fs, rpeaks, (int) Math.round(fs));
    }

    private static List<BeatWaves> delineate(float[] lead, double fs, int[] rpeaks, int assumedRr) {
        double[] x = toDouble(lead);
        return delineate(x, waveletTransform(x, Math.max(qrsScale(fs), waveScale(fs))), fs, rpeaks, assumedRr);
    }

    /** Martínez's scale 2² (QRS) at 250 Hz, shifted to keep its duration at {@code fs}. */
    static int qrsScale(double fs) {
        return Math.max(1, 2 + scaleShift(fs));
    }

    /** Martínez's scale 2⁴ (P and T) at 250 Hz, shifted to keep its duration at {@code fs}. */
    static int waveScale(double fs) {
        return Math.max(1, 4 + scaleShift(fs));
    }

    private static List<BeatWaves> delineate(double[] x, double[][] w, double fs, int[] rpeaks, int assumedRr) {
        double[] wq = w[qrsScale(fs) - 1];
        double[] wt = w[waveScale(fs) - 1];
        int n = x.length;
        double rmsT = rms(wt);
        // typical QRS slope at the P/T scale, for the P significance rule
        double[] qrsSlopes = new double[rpeaks.length];
        int half = ms(QRS_SEARCH_MS, fs);
        for (int b = 0; b < rpeaks.length; b++) {
            qrsSlopes[b] = maxAbs(wt, rpeaks[b] - half, rpeaks[b] + half);
        }
        double typicalQrsSlope = median(qrsSlopes);

        List<BeatWaves> out = new ArrayList<>();
        int previousTOffset = -1;
        for (int b = 0; b < rpeaks.length; b++) {
            int r = rpeaks[b];
            Wave qrs = qrs(x, wq, r, fs);
            int rr = b + 1 < rpeaks.length ? rpeaks[b + 1] - r : b > 0 ? r - rpeaks[b - 1] : assumedRr;
            int prevR = b > 0 ? rpeaks[b - 1] : -1;
            Wave t = null;
            Wave p = null;
            if (qrs != null) {
                int nextR = b + 1 < rpeaks.length ? rpeaks[b + 1] : n;
                int from = qrs.offset() + ms(40, fs);
                int to = Math.min(r + Math.min((int) (0.6 * rr), ms(700, fs)), nextR - ms(80, fs));
                t = wave(x, wt, from, to, T_FRACTION * rmsT, 0.25, 0.4, fs);
                int pFrom = Math.max(qrs.onset() - ms(300, fs), Math.max(previousTOffset, prevR + ms(200, fs)));
                int pTo = qrs.onset() - ms(20, fs);
                p = wave(x, wt, pFrom, pTo, P_FRACTION * typicalQrsSlope, 0.5, 0.9, fs);
                if (t != null) {
                    previousTOffset = t.offset();
                } else {
                    previousTOffset = qrs.offset();
                }
            }
            out.add(new BeatWaves(r, p, qrs, t));
        }
        return consistentP(out, fs);
    }

    /**
     * Keeps P waves whose PR interval (P onset to QRS onset) is within {@value #PR_TOLERANCE_MS} ms
     * of the lead's median, and none when fewer than half of the beats have such a P wave: atrial
     * activity without a fixed relation to the QRS (fibrillation waves) is not a P wave.
     */
    private static List<BeatWaves> consistentP(List<BeatWaves> beats, double fs) {
        int[] pr = beats.stream().filter(b -> b.p() != null && b.qrs() != null)
                .mapToInt(b -> b.qrs().onset() - b.p().onset()).sorted().toArray();
        int median = pr.length == 0 ? 0 : pr[pr.length / 2];
        int tolerance = ms(PR_TOLERANCE_MS, fs);
        long consistent = Arrays.stream(pr).filter(v -> Math.abs(v - median) <= tolerance).count();
        boolean keep = consistent * 2 >= beats.size();
        List<BeatWaves> out = new ArrayList<>();
        for (BeatWaves b : beats) {
            boolean ok = keep && b.p() != null && b.qrs() != null
                    && Math.abs(b.qrs().onset() - b.p().onset() - median) <= tolerance;
            out.add(ok ? b : new BeatWaves(b.rpeak(), null, b.qrs(), b.t()));
        }
        return out;
    }

    static final double PR_TOLERANCE_MS = 40;

    /** Fraction of the typical QRS slope that a P wave's slope must exceed. */
    static final double P_FRACTION = 0.015;
    static final double T_FRACTION = 0.08;

    private static Wave qrs(double[] x, double[] w, int r, double fs) {
        int n = x.length;
        int half = ms(QRS_SEARCH_MS, fs);
        int from = Math.max(1, r - half);
        int to = Math.min(n - 2, r + half);
        if (to - from < 3) {
            return null;
        }
        double max = maxAbs(w, from, to);
        if (max == 0) {
            return null;
        }
        List<Integer> maxima = modulusMaxima(w, from, to, 0.06 * max);
        int core = -1;
        int near = ms(QRS_CORE_MS, fs);
        for (int i = 0; i < maxima.size(); i++) {
            int m = maxima.get(i);
            if (Math.abs(m - r) <= near && (core < 0 || Math.abs(w[m]) > Math.abs(w[maxima.get(core)]))) {
                core = i;
            }
        }
        if (core < 0) {
            return null;
        }
        // the complex is the chain of significant maxima around the strongest, without long gaps
        int gap = ms(QRS_GAP_MS, fs);
        int firstIndex = core;
        while (firstIndex > 0 && maxima.get(firstIndex) - maxima.get(firstIndex - 1) <= gap
                && Math.abs(w[maxima.get(firstIndex - 1)]) >= 0.06 * max) {
            firstIndex--;
        }
        int lastIndex = core;
        while (lastIndex + 1 < maxima.size() && maxima.get(lastIndex + 1) - maxima.get(lastIndex) <= gap
                && Math.abs(w[maxima.get(lastIndex + 1)]) >= 0.09 * max) {
            lastIndex++;
        }
        int first = maxima.get(firstIndex);
        int last = maxima.get(lastIndex);
        double xiOn = (w[first] > 0 ? 0.05 : 0.07) * Math.abs(w[first]);
        double xiOff = (w[last] > 0 ? 0.125 : 0.71) * Math.abs(w[last]);
        int limit = ms(QRS_LIMIT_MS, fs);
        int onset = limit(w, first, -1, xiOn, limit);
        int offset = limit(w, last, +1, xiOff, limit);
        int peak = onset;
        double base = x[onset];
        for (int i = onset; i <= offset; i++) {
            if (Math.abs(x[i] - base) > Math.abs(x[peak] - base)) {
                peak = i;
            }
        }
        return new Wave(onset, peak, offset);
    }

    static final double QRS_LIMIT_MS = 60;
    static final double QRS_CORE_MS = 60;
    static final double QRS_GAP_MS = 50;

    /** A P or T wave in {@code [from, to)} of the wavelet scale {@code w}, or null. */
    private static Wave wave(double[] x, double[] w, int from, int to, double threshold,
            double xiOn, double xiOff, double fs) {
        from = Math.max(1, from);
        to = Math.min(w.length - 2, to);
        if (to - from < ms(40, fs)) {
            return null;
        }
        List<Integer> maxima = modulusMaxima(w, from, to, threshold);
        if (maxima.size() < 2) {
            return null;
        }
        int strongest = 0;
        for (int i = 1; i < maxima.size(); i++) {
            if (Math.abs(w[maxima.get(i)]) > Math.abs(w[maxima.get(strongest)])) {
                strongest = i;
            }
        }
        double sign = Math.signum(w[maxima.get(strongest)]);
        int before = -1;
        for (int i = strongest - 1; i >= 0; i--) {
            if (Math.signum(w[maxima.get(i)]) != sign) {
                before = i;
                break;
            }
        }
        int after = -1;
        for (int i = strongest + 1; i < maxima.size(); i++) {
            if (Math.signum(w[maxima.get(i)]) != sign) {
                after = i;
                break;
            }
        }
        int a;
        int b;
        if (before < 0 && after < 0) {
            return null;
        } else if (before < 0 || (after >= 0 && Math.abs(w[maxima.get(after)]) >= Math.abs(w[maxima.get(before)]))) {
            a = maxima.get(strongest);
            b = maxima.get(after);
        } else {
            a = maxima.get(before);
            b = maxima.get(strongest);
        }
        int peak = b;
        for (int i = a + 1; i <= b; i++) {
            if (Math.signum(w[i]) != Math.signum(w[a])) {
                peak = Math.abs(w[i]) < Math.abs(w[i - 1]) ? i : i - 1;
                break;
            }
        }
        int limit = ms(WAVE_LIMIT_MS, fs);
        int onset = limit(w, a, -1, xiOn * Math.abs(w[a]), limit);
        int offset = limit(w, b, +1, xiOff * Math.abs(w[b]), limit);
        return new Wave(onset, peak, offset);
    }

    static final double WAVE_LIMIT_MS = 120;

    /** From a modulus maximum, the first sample below the threshold or at a local minimum of |w|. */
    private static int limit(double[] w, int start, int direction, double threshold, int maxSteps) {
        int i = start;
        for (int step = 1; step <= maxSteps; step++) {
            int j = start + direction * step;
            if (j < 1 || j > w.length - 2) {
                return i;
            }
            i = j;
            double a = Math.abs(w[j]);
            if (a < threshold || (a <= Math.abs(w[j - 1]) && a <= Math.abs(w[j + 1]))) {
                return j;
            }
        }
        return i;
    }

    /** Local maxima of |w| in {@code [from, to)} that reach the threshold, ascending. */
    static List<Integer> modulusMaxima(double[] w, int from, int to, double threshold) {
        List<Integer> out = new ArrayList<>();
        for (int i = Math.max(1, from); i < Math.min(to, w.length - 1); i++) {
            double a = Math.abs(w[i]);
            if (a >= threshold && a > Math.abs(w[i - 1]) && a >= Math.abs(w[i + 1])) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Quadratic-spline wavelet transform (à trous) at scales 2¹ … 2^levels, each aligned with the
     * signal (the filters' delay of 2^k − 1.5 samples is compensated by averaging two neighbours).
     */
    static double[][] waveletTransform(double[] x, int levels) {
        int n = x.length;
        double[][] out = new double[levels][n];
        double[] a = x.clone();
        for (int k = 1; k <= levels; k++) {
            int s = 1 << (k - 1);
            double[] w = new double[n];
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = 2 * (a[i] - a[Math.max(0, i - s)]);
                next[i] = (a[i] + 3 * a[Math.max(0, i - s)] + 3 * a[Math.max(0, i - 2 * s)] + a[Math.max(0, i - 3 * s)]) / 8;
            }
            int delay = (1 << k) - 2;
            for (int i = 0; i < n; i++) {
                int j0 = Math.min(n - 1, i + delay);
                int j1 = Math.min(n - 1, i + delay + 1);
                out[k - 1][i] = (w[j0] + w[j1]) / 2;
            }
            a = next;
        }
        return out;
    }

    private static List<BeatWaves> combine(List<List<BeatWaves>> leads, int[] rpeaks, double fs) {
        List<BeatWaves> out = new ArrayList<>();
        int quorum = Math.max(1, (leads.size() + 2) / 3);
        for (int b = 0; b < rpeaks.length; b++) {
            List<Wave> p = new ArrayList<>();
            List<Wave> q = new ArrayList<>();
            List<Wave> t = new ArrayList<>();
            for (List<BeatWaves> lead : leads) {
                BeatWaves bw = lead.get(b);
                if (bw.p() != null) {
                    p.add(bw.p());
                }
                if (bw.qrs() != null) {
                    q.add(bw.qrs());
                }
                if (bw.t() != null) {
                    t.add(bw.t());
                }
            }
            out.add(new BeatWaves(rpeaks[b],
                    p.size() >= quorum ? combine(p, ms(60, fs)) : null,
                    q.isEmpty() ? null : combine(q, ms(40, fs)),
                    t.size() >= quorum ? combine(t, ms(60, fs)) : null));
        }
        return out;
    }

    private static Wave combine(List<Wave> waves, int tolerance) {
        int[] on = robust(waves.stream().mapToInt(Wave::onset).toArray(), tolerance);
        int[] pk = waves.stream().mapToInt(Wave::peak).filter(v -> v != NOT_FOUND).sorted().toArray();
        int[] off = robust(waves.stream().mapToInt(Wave::offset).toArray(), tolerance);
        int onset = on.length == 0 ? NOT_FOUND : on[(on.length - 1) / 2];
        int offset = off.length == 0 ? NOT_FOUND : off[off.length / 2];
        int peak = pk.length == 0 ? NOT_FOUND : pk[pk.length / 2];
        return new Wave(onset, peak, offset);
    }

    /** The found values within {@code tolerance} of their median, ascending. */
    private static int[] robust(int[] values, int tolerance) {
        int[] v = Arrays.stream(values).filter(x -> x != NOT_FOUND).sorted().toArray();
        if (v.length == 0) {
            return v;
        }
        int median = v[v.length / 2];
        return Arrays.stream(v).filter(x -> Math.abs(x - median) <= tolerance).toArray();
    }

    static int ms(double ms, double fs) {
        return (int) Math.round(ms * fs / 1000);
    }

    private static double rms(double[] w) {
        double s = 0;
        for (double v : w) {
            s += v * v;
        }
        return w.length == 0 ? 0 : Math.sqrt(s / w.length);
    }

    private static double maxAbs(double[] w, int from, int to) {
        double m = 0;
        for (int i = Math.max(0, from); i < Math.min(w.length, to); i++) {
            m = Math.max(m, Math.abs(w[i]));
        }
        return m;
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
