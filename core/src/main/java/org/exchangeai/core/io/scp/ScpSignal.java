package org.exchangeai.core.io.scp;

import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of SCP-ECG rhythm reconstruction (EN 1064, sections 4–6): undoing first or second
 * differences, restoring bimodally decimated residuals and adding the reference beat back into the
 * subtraction zones. Pure functions on arrays; callers have checked sizes against the file.
 */
final class ScpSignal {

    private ScpSignal() {
    }

    /** One QRS complex of section 4: beat type, subtraction zone and protected zone (1-based samples). */
    record Qrs(int type, long subtractionStart, long fiducial, long subtractionEnd, long protectedStart,
               long protectedEnd) {
    }

    /** A stretch of a lead: {@code [from, to]} in 1-based sample numbers, kept at full rate or decimated. */
    record Segment(long from, long to, boolean fullRate) {
        long length() {
            return to - from + 1;
        }
    }

    /**
     * Undoes difference encoding in place: with {@code order} 1 each value after the first is the
     * difference to the previous sample, with 2 each value after the first two is the second difference
     * (x[i] = d[i] + 2 x[i-1] − x[i-2]).
     *
     * @throws IllegalArgumentException when a reconstructed sample leaves the 32-bit range
     */
    static void undoDifferences(long[] v, int order) {
        if (order == 0) {
            return;
        }
        for (int i = order; i < v.length; i++) {
            long x = order == 1 ? v[i] + v[i - 1] : v[i] + 2 * v[i - 1] - v[i - 2];
            if (x > Integer.MAX_VALUE || x < Integer.MIN_VALUE) {
                throw new IllegalArgumentException("undoing differences overflows at sample " + i
                        + " (a corrupt stream or wrong difference flag)");
            }
            v[i] = x;
        }
    }

    /**
     * The segments of lead range {@code [first, last]}: protected zones at full rate, the rest
     * decimated. Zones are clipped to the lead; they must be in order and must not overlap.
     */
    static List<Segment> segments(long first, long last, List<Qrs> qrs) {
        List<Segment> out = new ArrayList<>();
        long next = first;
        for (Qrs q : qrs) {
            long a = Math.max(q.protectedStart(), first);
            long b = Math.min(q.protectedEnd(), last);
            if (q.protectedStart() <= 0 || b < a) {
                continue;
            }
            if (a < next) {
                throw new IllegalArgumentException("protected zones of section 4 overlap or are out of order (zone "
                        + q.protectedStart() + "–" + q.protectedEnd() + ")");
            }
            if (a > next) {
                out.add(new Segment(next, a - 1, false));
            }
            out.add(new Segment(a, b, true));
            next = b + 1;
        }
        if (next <= last) {
            out.add(new Segment(next, last, false));
        }
        return out;
    }

    /** How many values a bimodally compressed lead stores for these segments and decimation factor. */
    static long storedCount(List<Segment> segments, int factor) {
        long n = 0;
        for (Segment s : segments) {
            n += s.fullRate() ? s.length() : (s.length() + factor - 1) / factor;
        }
        return n;
    }

    /**
     * Restores a bimodally compressed lead to full rate. Outside protected zones each stored value is
     * the mean of {@code factor} consecutive samples (the last group of a stretch may be shorter); it is
     * placed at its group's centre and the samples between centres are linearly interpolated, samples
     * before the first or after the last centre take that value. Protected zones are copied.
     */
    static double[] restoreBimodal(long[] stored, List<Segment> segments, int factor) {
        long total = 0;
        for (Segment s : segments) {
            total += s.length();
        }
        double[] out = new double[(int) total];
        int in = 0;
        int pos = 0;
        for (Segment s : segments) {
            int len = (int) s.length();
            if (s.fullRate()) {
                for (int t = 0; t < len; t++) {
                    out[pos++] = stored[in++];
                }
                continue;
            }
            int groups = (len + factor - 1) / factor;
            double lastCentre = (groups - 1) * factor + (len - (groups - 1) * factor - 1) / 2.0;
            double fullCentreOffset = (factor - 1) / 2.0;
            for (int t = 0; t < len; t++) {
                double value;
                if (groups == 1 || t <= fullCentreOffset) {
                    value = stored[in];
                } else if (t >= lastCentre) {
                    value = stored[in + groups - 1];
                } else {
                    int g = (int) Math.floor((t - fullCentreOffset) / factor);
                    g = Math.max(0, Math.min(groups - 2, g));
                    double c0 = g * factor + fullCentreOffset;
                    double c1 = g + 1 == groups - 1 ? lastCentre : c0 + factor;
                    double v0 = stored[in + g];
                    double v1 = stored[in + g + 1];
                    value = v0 + (v1 - v0) * (t - c0) / (c1 - c0);
                }
                out[pos++] = value;
            }
            in += groups;
        }
        return out;
    }

    /**
     * Smooths a residual the way the WFDB package's {@code parsescp} does before it adds the reference
     * beat: each sample becomes the mean of itself and its two neighbours, rounded away from zero to a
     * whole {@code unitNv} (any remainder rounds up in magnitude). Kept as stored: the first and last
     * sample, and for each type-0 beat its subtraction zone and the two samples after it. Neighbours
     * are always the unsmoothed residual.
     *
     * @param residual residual of one lead in nV (whole numbers), index 0 = sample {@code firstSample}
     * @param unitNv   resolution of the result in nV (the reference beat's amplitude multiplier)
     */
    static double[] smoothResidual(double[] residual, long firstSample, List<Qrs> qrs, long unitNv) {
        int n = residual.length;
        double[] out = residual.clone();
        if (n < 3) {
            return out;
        }
        boolean[] keep = new boolean[n];
        keep[0] = true;
        keep[n - 1] = true;
        for (Qrs q : qrs) {
            if (q.type() != 0 || q.subtractionEnd() == 0) {
                continue;
            }
            long from = Math.max(q.subtractionStart(), firstSample) - firstSample;
            long to = Math.min(q.subtractionEnd() + 2, firstSample + n - 1) - firstSample;
            for (long t = from; t <= to; t++) {
                keep[(int) t] = true;
            }
        }
        long divisor = 3 * unitNv;
        for (int t = 1; t < n - 1; t++) {
            if (keep[t]) {
                continue;
            }
            long sum = Math.round(residual[t - 1]) + Math.round(residual[t]) + Math.round(residual[t + 1]);
            long units = (Math.abs(sum) + divisor - 1) / divisor;
            out[t] = (double) Long.signum(sum) * units * unitNv;
        }
        return out;
    }

    /**
     * Adds the reference beat into the subtraction zones of the beats of type 0, aligning the beat's
     * fiducial sample with each QRS fiducial. The beat may be sampled at another interval than the
     * rhythm; it is then read by linear interpolation in time.
     *
     * @param rhythm      residual of one lead in nV, index 0 = sample {@code firstSample}
     * @param beat        reference beat of the same lead in nV
     * @param beatFiducial 1-based fiducial sample within the beat
     * @param rhythmUs    rhythm sample interval in µs
     * @param beatUs      beat sample interval in µs
     */
    static void addReferenceBeat(double[] rhythm, long firstSample, double[] beat, int beatFiducial,
                                 List<Qrs> qrs, int rhythmUs, int beatUs) {
        long lastSample = firstSample + rhythm.length - 1;
        for (Qrs q : qrs) {
            if (q.type() != 0) {
                continue;
            }
            long from = Math.max(q.subtractionStart(), firstSample);
            long to = Math.min(q.subtractionEnd(), lastSample);
            for (long t = from; t <= to; t++) {
                double beatPos = (beatFiducial - 1) + (double) (t - q.fiducial()) * rhythmUs / beatUs;
                int lo = (int) Math.floor(beatPos);
                if (lo < 0 || lo >= beat.length) {
                    continue;
                }
                double frac = beatPos - lo;
                double value = beat[lo];
                if (frac > 1e-9) {
                    if (lo + 1 >= beat.length) {
                        continue;
                    }
                    value += (beat[lo + 1] - beat[lo]) * frac;
                }
                rhythm[(int) (t - firstSample)] += value;
            }
        }
    }
}
