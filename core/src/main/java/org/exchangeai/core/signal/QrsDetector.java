package org.exchangeai.core.signal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * QRS (R-peak) detection on one lead or on a multi-lead recording, at any sampling rate.
 *
 * <p>Single lead: the chosen {@link Method}. Its output is refined to the local extremum of each
 * QRS complex in the lead's dominant polarity (the polarity whose peaks are more prominent over the
 * whole lead), so a lead with negative QRS complexes (aVR, often V1) gives the deepest point.
 *
 * <p>Multi-lead vote ({@link #detect(float[][], double)}): each lead of good quality (not flat, a
 * plausible beat count) is detected on its own; all detections are clustered in time (a cluster
 * holds detections within {@value #CLUSTER_MS} ms of its first member, at most one per lead); a
 * beat is accepted when at least half of the good leads (rounded up) are in its cluster, and is
 * placed at the median of the members' positions. Beats closer than the refractory period of the
 * method keep the larger cluster.
 */
public final class QrsDetector {

    /** Width of a multi-lead cluster, in ms. */
    public static final double CLUSTER_MS = 100;

    /** Published detectors. */
    public enum Method {
        /**
         * NeuroKit2's default detector (Makowski et al. 2021, "NeuroKit2: A Python toolbox for
         * neurophysiological signal processing", Behavior Research Methods 53:1689–1696; method
         * "neurokit", 2020). Cleaning: 5th-order Butterworth high-pass at 0.5 Hz (zero phase) and
         * a 50 Hz moving-average power-line filter. Detection: absolute gradient smoothed with a
         * 100 ms boxcar; QRS regions where it exceeds 1.5 × its own 750 ms boxcar average
         * (Elgendi-style moving-average threshold); regions shorter than 0.4 × the mean region
         * length are dropped; the peak is the most prominent local maximum inside the region; a
         * 300 ms refractory period. Added here: a region whose peak-to-peak size is below
         * {@value QrsDetector#MIN_SIZE_FRACTION} of the lead's median region size is dropped (in long
         * flat pauses the moving-average threshold sinks to the noise level and lets noise through).
         */
        NEUROKIT_2020
    }

    private QrsDetector() {
    }

    /** R peaks of one lead with {@link Method#NEUROKIT_2020}; sample indices, ascending. */
    public static int[] detect(float[] lead, double fs) {
        return detect(lead, fs, Method.NEUROKIT_2020);
    }

    /**
     * R peaks of one lead.
     *
     * @param lead samples (any unit, usually mV)
     * @param fs   sampling rate in Hz
     * @return sample indices of the R peaks (local QRS extremum), ascending
     */
    public static int[] detect(float[] lead, double fs, Method method) {
        if (lead.length < fs) {
            return new int[0];
        }
        return switch (method) {
            case NEUROKIT_2020 -> {
                double[] clean = clean(lead, fs);
                yield pickPeaks(clean, neurokitRegions(clean, fs), fs);
            }
        };
    }

    /** R peaks voted over several leads {@code [lead][t]}, see the class description. */
    public static int[] detect(float[][] leads, double fs) {
        if (leads.length == 1) {
            return detect(leads[0], fs);
        }
        List<int[]> good = new ArrayList<>();
        for (float[] lead : leads) {
            if (isFlat(lead)) {
                continue;
            }
            int[] peaks = detect(lead, fs);
            if (plausible(peaks, lead.length, fs)) {
                good.add(peaks);
            }
        }
        if (good.isEmpty()) {
            return new int[0];
        }
        if (good.size() == 1) {
            return good.get(0);
        }
        return vote(good, fs, (good.size() + 1) / 2);
    }

    static int[] vote(List<int[]> perLead, double fs, int quorum) {
        int total = 0;
        for (int[] p : perLead) {
            total += p.length;
        }
        long[] all = new long[total];
        int k = 0;
        for (int l = 0; l < perLead.size(); l++) {
            for (int p : perLead.get(l)) {
                all[k++] = ((long) p << 8) | l;
            }
        }
        Arrays.sort(all);
        int width = (int) Math.round(CLUSTER_MS * fs / 1000);
        List<int[]> clusters = new ArrayList<>();
        boolean[] used = new boolean[total];
        for (int i = 0; i < total; i++) {
            if (used[i]) {
                continue;
            }
            int start = (int) (all[i] >> 8);
            boolean[] leadSeen = new boolean[perLead.size()];
            List<Integer> members = new ArrayList<>();
            for (int j = i; j < total && (int) (all[j] >> 8) - start <= width; j++) {
                int lead = (int) (all[j] & 0xff);
                if (!used[j] && !leadSeen[lead]) {
                    leadSeen[lead] = true;
                    used[j] = true;
                    members.add((int) (all[j] >> 8));
                }
            }
            if (members.size() >= quorum) {
                int[] m = members.stream().mapToInt(Integer::intValue).sorted().toArray();
                int median = m.length % 2 == 1 ? m[m.length / 2] : (m[m.length / 2 - 1] + m[m.length / 2]) / 2;
                clusters.add(new int[] {median, m.length});
            }
        }
        int refractory = (int) Math.round(0.3 * fs);
        List<int[]> kept = new ArrayList<>();
        for (int[] c : clusters) {
            if (!kept.isEmpty() && c[0] - kept.get(kept.size() - 1)[0] < refractory) {
                if (c[1] > kept.get(kept.size() - 1)[1]) {
                    kept.set(kept.size() - 1, c);
                }
                continue;
            }
            kept.add(c);
        }
        return kept.stream().mapToInt(c -> c[0]).toArray();
    }

    /** NeuroKit2 "neurokit" cleaning: high-pass 0.5 Hz (order 5, zero phase) and power-line smoothing. */
    static double[] clean(float[] lead, double fs) {
        double[] x = new double[lead.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.isNaN(lead[i]) ? 0 : lead[i];
        }
        double[] y = ButterworthSections.design(5, 0.5, fs, true).filtfilt(x, (int) Math.round(fs));
        if (fs >= 100) {
            int w = (int) Math.round(fs / 50);
            if (w > 1) {
                y = movingAverage(movingAverage(y, w), w);
            }
        }
        return y;
    }

    /** QRS regions {@code [begin, end)} by the NeuroKit2 gradient rule. */
    private static int[][] neurokitRegions(double[] x, double fs) {
        int n = x.length;
        double[] absGrad = new double[n];
        for (int i = 0; i < n; i++) {
            double g = i == 0 ? x[1] - x[0] : i == n - 1 ? x[n - 1] - x[n - 2] : (x[i + 1] - x[i - 1]) / 2;
            absGrad[i] = Math.abs(g);
        }
        double[] smooth = movingAverage(absGrad, (int) Math.round(0.1 * fs));
        double[] avg = movingAverage(smooth, (int) Math.round(0.75 * fs));
        List<int[]> regions = new ArrayList<>();
        int begin = -1;
        for (int i = 0; i < n; i++) {
            boolean in = smooth[i] > 1.5 * avg[i];
            if (in && begin < 0) {
                begin = i;
            } else if (!in && begin >= 0) {
                regions.add(new int[] {begin, i});
                begin = -1;
            }
        }
        if (regions.isEmpty()) {
            return new int[0][];
        }
        double meanLength = regions.stream().mapToInt(r -> r[1] - r[0]).average().orElse(0);
        double minLength = 0.4 * meanLength;
        return regions.stream().filter(r -> r[1] - r[0] >= minLength).toArray(int[][]::new);
    }

    /** Smallest QRS region, as a fraction of the lead's median region size (peak to peak). */
    public static final double MIN_SIZE_FRACTION = 0.3;

    /** Most prominent extremum per region, in the lead's dominant polarity, with a 300 ms refractory period. */
    private static int[] pickPeaks(double[] x, int[][] regions, double fs) {
        int[] pos = new int[regions.length];
        int[] neg = new int[regions.length];
        double sumPos = 0;
        double sumNeg = 0;
        double[] flipped = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            flipped[i] = -x[i];
        }
        for (int r = 0; r < regions.length; r++) {
            double[] best = mostProminent(x, regions[r][0], regions[r][1]);
            double[] bestNeg = mostProminent(flipped, regions[r][0], regions[r][1]);
            pos[r] = (int) best[0];
            neg[r] = (int) bestNeg[0];
            sumPos += best[1];
            sumNeg += bestNeg[1];
        }
        int[] chosen = sumNeg > 1.5 * sumPos ? neg : pos;
        // peak-to-peak size of each region; a region far smaller than the lead's typical QRS is noise
        double[] size = new double[regions.length];
        for (int r = 0; r < regions.length; r++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = regions[r][0]; i < regions[r][1]; i++) {
                min = Math.min(min, x[i]);
                max = Math.max(max, x[i]);
            }
            size[r] = max - min;
        }
        double[] sorted = size.clone();
        Arrays.sort(sorted);
        double minSize = sorted.length == 0 ? 0 : MIN_SIZE_FRACTION * sorted[sorted.length / 2];
        int refractory = (int) Math.round(0.3 * fs);
        int[] out = new int[chosen.length];
        int count = 0;
        int last = Integer.MIN_VALUE / 2;
        for (int k = 0; k < chosen.length; k++) {
            int p = chosen[k];
            if (p >= 0 && p - last > refractory && size[k] >= minSize) {
                out[count++] = p;
                last = p;
            }
        }
        return Arrays.copyOf(out, count);
    }

    /**
     * The local maximum of {@code x[begin, end)} with the largest prominence (height above the
     * higher of the two minima that separate it from higher samples, within the window).
     *
     * @return {index, prominence}; index -1 when the window holds no local maximum
     */
    static double[] mostProminent(double[] x, int begin, int end) {
        int best = -1;
        double bestProm = 0;
        for (int i = begin + 1; i < end - 1; i++) {
            if (!(x[i] > x[i - 1] && x[i] >= x[i + 1])) {
                continue;
            }
            double leftMin = x[i];
            for (int j = i - 1; j >= begin && x[j] <= x[i]; j--) {
                leftMin = Math.min(leftMin, x[j]);
            }
            double rightMin = x[i];
            for (int j = i + 1; j < end && x[j] <= x[i]; j++) {
                rightMin = Math.min(rightMin, x[j]);
            }
            double prom = x[i] - Math.max(leftMin, rightMin);
            if (best < 0 || prom > bestProm) {
                best = i;
                bestProm = prom;
            }
        }
        return new double[] {best, bestProm};
    }

    /** Centred running mean of width {@code w}, edges extended with the end values. */
    static double[] movingAverage(double[] x, int w) {
        int n = x.length;
        if (w <= 1 || n == 0) {
            return x.clone();
        }
        int left = w / 2;
        double[] out = new double[n];
        double sum = 0;
        for (int j = -left; j < w - left; j++) {
            sum += x[Math.max(0, Math.min(n - 1, j))];
        }
        for (int i = 0; i < n; i++) {
            out[i] = sum / w;
            sum += x[Math.min(n - 1, i + w - left)] - x[Math.max(0, Math.min(n - 1, i - left))];
        }
        return out;
    }

    static boolean isFlat(float[] lead) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : lead) {
            if (!Float.isNaN(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return !(max - min > 1e-3f);
    }

    /** A beat count that a heart can produce: median RR between 0.24 s and 3 s. */
    private static boolean plausible(int[] peaks, int length, double fs) {
        if (peaks.length < 2) {
            return length < 3 * fs && peaks.length == 1;
        }
        int[] rr = new int[peaks.length - 1];
        for (int i = 1; i < peaks.length; i++) {
            rr[i - 1] = peaks[i] - peaks[i - 1];
        }
        Arrays.sort(rr);
        double median = rr[rr.length / 2] / fs;
        return median >= 0.24 && median <= 3;
    }
}
