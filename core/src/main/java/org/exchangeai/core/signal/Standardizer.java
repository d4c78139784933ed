package org.exchangeai.core.signal;

import java.util.Locale;

/**
 * Amplitude standardisation of a recording before a model sees it. The original platform's
 * standardizers take their statistics over all leads together; {@link #LEAD_MEAN_STD} z-scores
 * every lead on its own, which makes a device recording in mV and a research array that was
 * z-scored per lead give the same model input. {@link #key()} is the spelling in model metadata
 * ({@code standardizer}).
 */
public enum Standardizer {
    /** Unchanged. */
    NONE("None"),
    /** {@code 2*(x - min)/(max - min) - 1}, to [-1, 1]; when {@code max == min} the divisor is 1. */
    MIN_MAX("minMax"),
    /** {@code (x - mean)/std} with the population standard deviation; when {@code std == 0} the divisor is 1. */
    MEAN_STD("meanStd"),
    /**
     * Per lead: {@code (x - mean)/std} with that lead's mean and population standard deviation
     * (NumPy's {@code (x - x.mean(axis)) / x.std(axis)}); a flat lead ({@code std == 0}) becomes 0.
     */
    LEAD_MEAN_STD("leadMeanStd");

    private final String key;

    Standardizer(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /**
     * Parses the metadata spelling: {@code None}, {@code 'None'}, an empty or missing value mean
     * {@link #NONE}; {@code minMax}, {@code meanStd}, {@code leadMeanStd} (case-insensitive, quotes ignored).
     */
    public static Standardizer fromKey(String s) {
        String k = s == null ? "" : s.trim().replace("'", "").replace("\"", "").toLowerCase(Locale.ROOT);
        switch (k) {
            case "", "none", "null" -> {
                return NONE;
            }
            case "minmax" -> {
                return MIN_MAX;
            }
            case "meanstd" -> {
                return MEAN_STD;
            }
            case "leadmeanstd" -> {
                return LEAD_MEAN_STD;
            }
            default -> throw new IllegalArgumentException("unknown standardizer '" + s
                    + "' (expected None, minMax, meanStd or leadMeanStd)");
        }
    }

    /** Standardises all of {@code x} in place; statistics over every sample of every lead. */
    public void applyInPlace(double[][] x) {
        int n = x.length == 0 ? 0 : x[0].length;
        applyInPlace(x, n);
    }

    /**
     * Standardises {@code x} in place with statistics taken from the first {@code validLength}
     * samples of each lead only (the rest, e.g. padding, is transformed with the same numbers).
     */
    public void applyInPlace(double[][] x, int validLength) {
        if (this == NONE || x.length == 0 || validLength == 0) {
            return;
        }
        if (this == LEAD_MEAN_STD) {
            for (double[] lead : x) {
                standardiseLead(lead, validLength);
            }
        } else if (this == MIN_MAX) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] lead : x) {
                for (int i = 0; i < validLength; i++) {
                    double v = lead[i];
                    if (v < min) {
                        min = v;
                    }
                    if (v > max) {
                        max = v;
                    }
                }
            }
            double range = max - min;
            if (range == 0) {
                range = 1;
            }
            for (double[] lead : x) {
                for (int i = 0; i < lead.length; i++) {
                    lead[i] = 2 * ((lead[i] - min) / range) - 1;
                }
            }
        } else {
            long count = (long) x.length * validLength;
            double sum = 0;
            for (double[] lead : x) {
                for (int i = 0; i < validLength; i++) {
                    sum += lead[i];
                }
            }
            double mean = sum / count;
            double ss = 0;
            for (double[] lead : x) {
                for (int i = 0; i < validLength; i++) {
                    double d = lead[i] - mean;
                    ss += d * d;
                }
            }
            double std = Math.sqrt(ss / count);
            if (std == 0) {
                std = 1;
            }
            for (double[] lead : x) {
                for (int i = 0; i < lead.length; i++) {
                    lead[i] = (lead[i] - mean) / std;
                }
            }
        }
    }

    private static void standardiseLead(double[] lead, int validLength) {
        double sum = 0;
        for (int i = 0; i < validLength; i++) {
            sum += lead[i];
        }
        double mean = sum / validLength;
        double ss = 0;
        for (int i = 0; i < validLength; i++) {
            double d = lead[i] - mean;
            ss += d * d;
        }
        double std = Math.sqrt(ss / validLength);
        if (std == 0) {
            // a flat lead carries no signal: all zeros, never amplified noise
            std = 1;
        }
        for (int i = 0; i < lead.length; i++) {
            lead[i] = (lead[i] - mean) / std;
        }
    }
}
