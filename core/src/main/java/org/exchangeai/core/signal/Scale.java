package org.exchangeai.core.signal;

import java.util.Locale;

/**
 * Amplitude units of model input and the original platform's unit check: a recording whose
 * largest absolute sample exceeds 100 is taken to be in microvolts, otherwise in millivolts.
 */
public final class Scale {

    /** Largest absolute value still read as millivolts by {@link #detect}. */
    public static final double MICROVOLT_THRESHOLD = 100.0;

    /** The two units; {@link #key()} is the spelling in model metadata ({@code scale}). */
    public enum Unit {
        MILLI_VOLT("milliVolt"),
        MIKRO_VOLT("mikroVolt");

        private final String key;

        Unit(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** Parses the metadata spelling (case-insensitive; {@code microVolt}, {@code mV}, {@code uV} accepted). */
        public static Unit fromKey(String s) {
            String k = s == null ? "" : s.trim().replace("'", "").replace("\"", "").toLowerCase(Locale.ROOT);
            switch (k) {
                case "millivolt", "mv" -> {
                    return MILLI_VOLT;
                }
                case "mikrovolt", "microvolt", "uv", "µv" -> {
                    return MIKRO_VOLT;
                }
                default -> throw new IllegalArgumentException("unknown scale '" + s + "' (expected milliVolt or mikroVolt)");
            }
        }
    }

    private Scale() {
    }

    /** Largest absolute sample over all leads ({@code NaN}s ignored). */
    public static double maxAbs(double[][] x) {
        double m = 0;
        for (double[] lead : x) {
            for (double v : lead) {
                double a = Math.abs(v);
                if (a > m) {
                    m = a;
                }
            }
        }
        return m;
    }

    /** {@link Unit#MIKRO_VOLT} when {@code max|x| > 100}, else {@link Unit#MILLI_VOLT}. */
    public static Unit detect(double[][] x) {
        return maxAbs(x) > MICROVOLT_THRESHOLD ? Unit.MIKRO_VOLT : Unit.MILLI_VOLT;
    }

    /** Factor taking values in {@code from} to {@code to}: 1000, 1/1000 or 1 (as the original multiplies). */
    public static double factor(Unit from, Unit to) {
        if (from == to) {
            return 1.0;
        }
        return from == Unit.MILLI_VOLT ? 1000.0 : 1.0 / 1000.0;
    }

    /** Multiplies every sample in place by {@link #factor}; nothing happens when the units agree. */
    public static void convertInPlace(double[][] x, Unit from, Unit to) {
        if (from == to) {
            return;
        }
        double f = factor(from, to);
        for (double[] lead : x) {
            for (int i = 0; i < lead.length; i++) {
                lead[i] *= f;
            }
        }
    }

    /** A converted copy ({@link #convertInPlace} on a copy). */
    public static double[][] convert(double[][] x, Unit from, Unit to) {
        double[][] y = copy(x);
        convertInPlace(y, from, to);
        return y;
    }

    static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
        }
        return y;
    }
}
