package org.exchangeai.core.explain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.exchangeai.core.signal.Delineator;

/**
 * The P, QRS, ST and T stretches of a recording from its global delineation ({@link Delineator}), and
 * the windows of an attribution map that collected the most, each named by the stretch it overlaps most.
 * ST runs from QRS offset to T onset.
 */
public final class WaveSegments {

    /** Names of windows that overlap no wave. */
    public static final String OTHER = "other";

    private record Segment(String wave, int from, int to) {
    }

    private final List<Segment> segments = new ArrayList<>();

    /** Segments of the beats' waves; waves or points that were not found are left out. */
    public WaveSegments(List<Delineator.BeatWaves> beats) {
        for (Delineator.BeatWaves b : beats) {
            add("P", b.p());
            add("QRS", b.qrs());
            add("T", b.t());
            if (b.qrs() != null && b.t() != null) {
                add("ST", b.qrs().offset(), b.t().onset());
            }
        }
    }

    private void add(String wave, Delineator.Wave w) {
        if (w != null) {
            add(wave, w.onset(), w.offset());
        }
    }

    private void add(String wave, int from, int to) {
        if (from != Delineator.NOT_FOUND && to != Delineator.NOT_FOUND && to > from) {
            segments.add(new Segment(wave, from, to));
        }
    }

    /** The wave that overlaps samples {@code [from, to)} most, or {@link #OTHER}. */
    public String waveAt(int from, int to) {
        String best = OTHER;
        int bestOverlap = 0;
        for (Segment s : segments) {
            int overlap = Math.min(to, s.to()) - Math.max(from, s.from());
            if (overlap > bestOverlap) {
                bestOverlap = overlap;
                best = s.wave();
            }
        }
        return best;
    }

    /**
     * The {@code count} non-overlapping windows of {@code windowSeconds} (on a grid of half a window)
     * with the largest positive attribution summed over leads, best first.
     *
     * @param values attribution {@code [leads][t]} on the recording's axis at {@code fs} Hz
     */
    public List<TimeWindow> topWindows(float[][] values, double fs, double windowSeconds, int count) {
        int length = values.length == 0 ? 0 : values[0].length;
        int window = Math.max(1, (int) Math.round(windowSeconds * fs));
        int stride = Math.max(1, window / 2);
        double[] perSample = new double[length];
        for (float[] lead : values) {
            for (int t = 0; t < length; t++) {
                perSample[t] += lead[t];
            }
        }
        List<int[]> candidates = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int s = 0; s + window <= length; s += stride) {
            double sum = 0;
            for (int t = s; t < s + window; t++) {
                sum += perSample[t];
            }
            if (sum > 0) {
                candidates.add(new int[] {s, s + window});
                scores.add(sum);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -scores.get(i)));
        List<TimeWindow> out = new ArrayList<>();
        List<int[]> taken = new ArrayList<>();
        for (int i : order) {
            if (out.size() == count) {
                break;
            }
            int[] c = candidates.get(i);
            if (taken.stream().anyMatch(t -> c[0] < t[1] && t[0] < c[1])) {
                continue;
            }
            taken.add(c);
            out.add(new TimeWindow(c[0] / fs, c[1] / fs, scores.get(i), waveAt(c[0], c[1])));
        }
        return out;
    }
}
