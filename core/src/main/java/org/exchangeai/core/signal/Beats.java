package org.exchangeai.core.signal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Heartbeats cut around R peaks, per-lead median beats, and the R-peak alignment of the original
 * ExChanGeAI platform (Rlign).
 */
public final class Beats {

    /** Rlign's default template rate, in beats per minute. */
    public static final double RLIGN_TEMPLATE_BPM = 60;

    /** Rlign's default position of the first template R peak, as a fraction of one second. */
    public static final double RLIGN_OFFSET = 0.01;

    /** How Rlign maps each RR interval onto the template. */
    public enum RlignScale {
        /** The whole RR interval is stretched uniformly onto the template interval. */
        LINEAR,
        /**
         * Heart-rate corrected (Rlign's default, used by the original platform): the QRS complex
         * (35 ms before to 55 ms after R) is copied unchanged; QRS end to T end, T end to P onset and
         * P onset to the next QRS are stretched separately. T end and P onset are placed from the
         * heart rate: QT by the averaged linear QT–RR model of Malik et al. (2002), QT = 230 + 170·RR
         * ms, less 35 ms, as a fraction of RR from the R peak; PR by Carruthers et al. (1987),
         * PR = 176.7 − 0.351·HR ms, plus 35 ms, as a fraction of RR before the next R peak. The
         * heart rate is the beat count over the recording's duration; the fractions are clipped to
         * T end no later than 0.5 RR after R and P onset no earlier than 0.6 RR after R, as in Rlign.
         */
        HRC
    }

    private Beats() {
    }

    /**
     * Windows around each R peak, {@code [beat][lead][t]}; beats whose window does not fit inside
     * the recording are left out.
     *
     * @param leads    samples {@code [lead][t]}
     * @param fs       sampling rate in Hz
     * @param rpeaks   R-peak sample indices
     * @param beforeMs window before the R peak, in ms
     * @param afterMs  window after the R peak, in ms (the R peak itself is at index {@code before})
     */
    public static float[][][] segment(float[][] leads, double fs, int[] rpeaks, double beforeMs, double afterMs) {
        int before = samples(beforeMs, fs);
        int after = samples(afterMs, fs);
        int n = leads.length == 0 ? 0 : leads[0].length;
        List<float[][]> out = new ArrayList<>();
        for (int r : rpeaks) {
            if (r - before < 0 || r + after > n) {
                continue;
            }
            float[][] beat = new float[leads.length][];
            for (int l = 0; l < leads.length; l++) {
                beat[l] = Arrays.copyOfRange(leads[l], r - before, r + after);
            }
            out.add(beat);
        }
        return out.toArray(new float[0][][]);
    }

    /** Sample-wise median over beats {@code [beat][lead][t]}, per lead; NaN samples are ignored. */
    public static float[][] median(float[][][] beats) {
        if (beats.length == 0) {
            return new float[0][];
        }
        int leads = beats[0].length;
        int len = beats[0][0].length;
        float[][] out = new float[leads][len];
        float[] column = new float[beats.length];
        for (int l = 0; l < leads; l++) {
            for (int t = 0; t < len; t++) {
                int k = 0;
                for (float[][] beat : beats) {
                    float v = beat[l][t];
                    if (!Float.isNaN(v)) {
                        column[k++] = v;
                    }
                }
                out[l][t] = medianOf(column, k);
            }
        }
        return out;
    }

    /** The per-lead median beat of the windows around the R peaks ({@code null} when no beat fits). */
    public static float[][] medianBeat(float[][] leads, double fs, int[] rpeaks, double beforeMs, double afterMs) {
        float[][][] beats = segment(leads, fs, rpeaks, beforeMs, afterMs);
        return beats.length == 0 ? null : median(beats);
    }

    /**
     * Rlign alignment (Bickmann, Plagwitz et al. 2024, the {@code rlign} package the original
     * platform calls with {@code template_bpm=60}): a template places R peaks at a fixed rate,
     * the first at {@code offset · fs}, then every {@code fs · 60 / bpm} samples; the k-th RR
     * interval of the recording is stretched or compressed onto the k-th template interval
     * ("linear" scale method), so every beat lasts the same time. The original platform calls Rlign
     * with its default "hrc" method, {@link RlignScale#HRC}. Samples outside the template
     * intervals that were filled are NaN. As in Rlign, at most as many R peaks as the template
     * holds are used. Time-normalisation uses linear interpolation (Rlign uses FFT resampling).
     *
     * @param leads       samples {@code [lead][t]}
     * @param fs          sampling rate in Hz
     * @param rpeaks      R peaks, ascending
     * @param templateBpm template heart rate in beats per minute (default {@value #RLIGN_TEMPLATE_BPM})
     * @param offset      first template R peak in seconds (default {@value #RLIGN_OFFSET})
     * @return aligned samples {@code [lead][t]}, same length as the input
     */
    public static float[][] rlign(float[][] leads, double fs, int[] rpeaks, double templateBpm, double offset) {
        return rlign(leads, fs, rpeaks, templateBpm, offset, RlignScale.LINEAR);
    }

    /**
     * Rlign alignment with the chosen way of mapping each RR interval ({@link RlignScale}); see
     * {@link #rlign(float[][], double, int[], double, double)}.
     */
    public static float[][] rlign(float[][] leads, double fs, int[] rpeaks, double templateBpm, double offset,
            RlignScale scale) {
        if (scale == RlignScale.HRC) {
            return rlignHrc(leads, fs, rpeaks, templateBpm, offset);
        }
        int n = leads.length == 0 ? 0 : leads[0].length;
        int interval = rlignInterval(fs, templateBpm);
        int[] template = rlignTemplate(n, fs, templateBpm, offset);
        float[][] out = new float[leads.length][n];
        for (float[] row : out) {
            Arrays.fill(row, Float.NaN);
        }
        int peaks = Math.min(rpeaks.length, template.length);
        for (int k = 0; k + 1 < peaks; k++) {
            int src = rpeaks[k];
            int srcLen = rpeaks[k + 1] - src;
            int dst = template[k];
            for (int j = 0; j < interval && dst + j < n; j++) {
                double pos = src + (double) j * srcLen / interval;
                int i0 = (int) Math.floor(pos);
                int i1 = Math.min(n - 1, i0 + 1);
                double f = pos - i0;
                for (int l = 0; l < leads.length; l++) {
                    out[l][dst + j] = (float) ((1 - f) * leads[l][i0] + f * leads[l][i1]);
                }
            }
        }
        return out;
    }

    private static float[][] rlignHrc(float[][] leads, double fs, int[] rpeaks, double templateBpm, double offset) {
        int n = leads.length == 0 ? 0 : leads[0].length;
        int interval = rlignInterval(fs, templateBpm);
        int[] template = rlignTemplate(n, fs, templateBpm, offset);
        float[][] out = new float[leads.length][n];
        for (float[] row : out) {
            Arrays.fill(row, Float.NaN);
        }
        int peaks = Math.min(rpeaks.length, template.length);
        if (peaks < 2) {
            return out;
        }
        // Rlign's rough rate: beats counted over the recording's duration
        double hr = (int) (rpeaks.length * 60.0 / (n / fs));
        int before = (int) (fs * 35 / 1000);
        int after = (int) (fs * 55 / 1000);
        int templateUpper = (int) (tEndFraction(templateBpm) * interval);
        int templateLower = (int) ((1 - pOnsetFraction(templateBpm)) * interval);
        double upper = Math.max(0, Math.min(0.5, tEndFraction(hr)));
        double lower = Math.max(0.6, Math.min(1, 1 - pOnsetFraction(hr)));
        for (int k = 0; k + 1 < peaks; k++) {
            int r = rpeaks[k];
            int next = rpeaks[k + 1];
            int rr = next - r;
            int srcTEnd = r + (int) (upper * rr);
            int srcPOn = Math.min(r + (int) (lower * rr), n);
            int dstTEnd = template[k] + templateUpper;
            int dstPOn = Math.min(template[k] + templateLower, n);
            // T end to P onset
            stretch(leads, srcTEnd, srcPOn, out, dstTEnd, dstPOn);
            // QRS end to T end
            stretch(leads, r + after, srcTEnd, out, template[k] + after, dstTEnd);
            // P onset to the next QRS
            if (next - srcPOn > 10 && template[k + 1] - dstPOn > 10) {
                stretch(leads, srcPOn, next - before, out, dstPOn, template[k + 1] - before);
            }
            // the QRS complex itself, unscaled
            int from = -Math.min(before, Math.min(template[k], r));
            for (int j = from; j < after; j++) {
                int src = r + j;
                int dst = template[k] + j;
                if (src >= 0 && src < n && dst >= 0 && dst < n) {
                    for (int l = 0; l < leads.length; l++) {
                        out[l][dst] = leads[l][src];
                    }
                }
            }
        }
        return out;
    }

    /** Stretches {@code in[srcFrom, srcTo)} onto {@code out[dstFrom, dstTo)} by linear interpolation. */
    private static void stretch(float[][] in, int srcFrom, int srcTo, float[][] out, int dstFrom, int dstTo) {
        int n = in.length == 0 ? 0 : in[0].length;
        int srcLen = srcTo - srcFrom;
        int dstLen = dstTo - dstFrom;
        if (srcLen <= 0 || dstLen <= 0 || srcFrom < 0 || srcTo > n || dstFrom < 0 || dstTo > n) {
            return;
        }
        for (int j = 0; j < dstLen; j++) {
            double pos = srcFrom + (double) j * srcLen / dstLen;
            int i0 = (int) Math.floor(pos);
            int i1 = Math.min(n - 1, i0 + 1);
            double f = pos - i0;
            for (int l = 0; l < in.length; l++) {
                out[l][dstFrom + j] = (float) ((1 - f) * in[l][i0] + f * in[l][i1]);
            }
        }
    }

    /** R peak to T end as a fraction of RR: Malik's averaged QT (230 + 170·RR ms) minus 35 ms. */
    static double tEndFraction(double bpm) {
        double rrMs = 60000 / bpm;
        double qt = 230 + 170 * rrMs / 1000;
        return (qt - 35) / rrMs;
    }

    /** P onset to R peak as a fraction of RR: Carruthers' PR (176.7 − 0.351·HR ms) plus 35 ms. */
    static double pOnsetFraction(double bpm) {
        double rrMs = 60000 / bpm;
        return (176.7 - 0.351 * bpm + 35) / rrMs;
    }


    /**
     * Rlign's aggregated beat ({@code agg_beat="median"}): from the aligned recording, one template
     * interval per beat starting a third of an interval before each template R peak, NaNs replaced
     * by that beat's mean, then the sample-wise median per lead. The R peak sits at index
     * {@code interval / 3}. {@code null} when no beat fits.
     */
    public static float[][] rlignMedian(float[][] leads, double fs, int[] rpeaks, double templateBpm, double offset) {
        return rlignMedian(leads, fs, rpeaks, templateBpm, offset, RlignScale.LINEAR);
    }

    /** As {@link #rlignMedian(float[][], double, int[], double, double)} with the chosen scale method. */
    public static float[][] rlignMedian(float[][] leads, double fs, int[] rpeaks, double templateBpm, double offset,
            RlignScale scale) {
        float[][] aligned = rlign(leads, fs, rpeaks, templateBpm, offset, scale);
        int n = leads.length == 0 ? 0 : leads[0].length;
        int interval = rlignInterval(fs, templateBpm);
        int[] template = rlignTemplate(n, fs, templateBpm, offset);
        int third = interval / 3;
        List<float[][]> beats = new ArrayList<>();
        int peaks = Math.min(rpeaks.length, template.length);
        for (int k = 0; k + 1 < peaks; k++) {
            int start = template[k] - third;
            // as in Rlign, the heart-rate corrected method leaves the first beat out
            if (start < 0 || start + interval > n || (scale == RlignScale.HRC && k == 0)) {
                continue;
            }
            float[][] beat = new float[leads.length][];
            for (int l = 0; l < leads.length; l++) {
                beat[l] = Arrays.copyOfRange(aligned[l], start, start + interval);
                fillNaNWithMean(beat[l]);
            }
            beats.add(beat);
        }
        return beats.isEmpty() ? null : median(beats.toArray(new float[0][][]));
    }

    /** Samples per template interval: {@code fs · 60 / bpm}. */
    static int rlignInterval(double fs, double templateBpm) {
        if (!(templateBpm > 0)) {
            throw new IllegalArgumentException("template rate must be positive, got " + templateBpm + " bpm");
        }
        return (int) Math.round(fs * 60 / templateBpm);
    }

    static int[] rlignTemplate(int n, double fs, double templateBpm, double offset) {
        int interval = rlignInterval(fs, templateBpm);
        int first = (int) (offset * fs);
        List<Integer> t = new ArrayList<>();
        for (int p = first; p < n; p += interval) {
            t.add(p);
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void fillNaNWithMean(float[] x) {
        double sum = 0;
        int count = 0;
        for (float v : x) {
            if (!Float.isNaN(v)) {
                sum += v;
                count++;
            }
        }
        float mean = count == 0 ? 0 : (float) (sum / count);
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i])) {
                x[i] = mean;
            }
        }
    }

    private static float medianOf(float[] v, int k) {
        if (k == 0) {
            return Float.NaN;
        }
        float[] s = Arrays.copyOf(v, k);
        Arrays.sort(s);
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }

    static int samples(double ms, double fs) {
        return (int) Math.round(ms * fs / 1000);
    }
}
