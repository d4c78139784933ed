package org.exchangeai.core.io;

import java.util.Locale;

/**
 * What every reader checks before it trusts a file's numbers: the size it is about to allocate,
 * the sampling rate and the scaling. A small file may declare an enormous recording (thousands of
 * segments, a compressed matrix that unpacks to gigabytes); the size is compared with the limit
 * before anything is allocated, so such a file is refused at once with its reason instead of
 * exhausting the memory of the whole process.
 */
public final class ReadLimits {

    /** Lowest sampling rate an ECG can have. */
    public static final double MIN_RATE_HZ = 1;
    /** Highest sampling rate accepted (pacemaker-spike recorders reach tens of kHz). */
    public static final double MAX_RATE_HZ = 100_000;
    /** Upper bound of the memory one recording may take, before the heap-relative bound. */
    public static final long DEFAULT_MAX_RECORDING_BYTES = 1L << 30;
    /** Smallest and largest plausible amplitude of one digital unit, in mV (1 pV to 10 V). */
    public static final double MIN_QUANTUM_MV = 1e-9;
    public static final double MAX_QUANTUM_MV = 1e4;
    /** Beyond this a surface ECG amplitude is implausible (warned about, not refused). */
    public static final double IMPLAUSIBLE_AMPLITUDE_MV = 20;

    private ReadLimits() {
    }

    /**
     * Bytes one recording may take: {@value #DEFAULT_MAX_RECORDING_BYTES} or the system property
     * {@code exchangeai.maxRecordingMiB}, and never more than an eighth of the heap, so that
     * decoding, a copy and the caller's own work still fit.
     */
    public static long maxRecordingBytes() {
        long cap = DEFAULT_MAX_RECORDING_BYTES;
        String prop = System.getProperty("exchangeai.maxRecordingMiB");
        if (prop != null) {
            try {
                cap = Math.max(1, Long.parseLong(prop.trim())) << 20;
            } catch (NumberFormatException ignored) {
                // the default stays
            }
        }
        return Math.max(1 << 20, Math.min(cap, Runtime.getRuntime().maxMemory() / 8));
    }

    /** How many 32-bit sample values one recording may hold. */
    public static long maxValues() {
        return maxRecordingBytes() / 4;
    }

    /**
     * Refuses a recording of {@code leads} × {@code samples} values before it is allocated.
     *
     * @param what how the file declares the size, e.g. "the header declares 3000 segments of 21600 samples"
     */
    public static void checkValues(String file, String format, String what, long leads, long samples)
            throws EcgReadException {
        if (leads < 0 || samples < 0) {
            throw new EcgReadException(file, format + ": " + what + ": a negative size");
        }
        long values = leads == 0 || samples == 0 ? 0 : (samples > Long.MAX_VALUE / leads ? Long.MAX_VALUE : leads * samples);
        long max = maxValues();
        if (values > max || samples > Integer.MAX_VALUE - 8) {
            throw new EcgReadException(file, String.format(Locale.ROOT,
                    "%s file too large to read: %s, %s × %s = %s values (%s), more than the %s one recording may take",
                    format, what, count(leads), count(samples), values == Long.MAX_VALUE ? "more than 9e18" : count(values),
                    bytes(values == Long.MAX_VALUE ? Long.MAX_VALUE : values * 4), bytes(max * 4)));
        }
    }

    /** Refuses a byte count (unpacked matrix, XML document, archive entry) above {@code limit}. */
    public static void checkBytes(String file, String format, String what, long bytes, long limit)
            throws EcgReadException {
        if (bytes > limit || bytes < 0) {
            throw new EcgReadException(file, format + " file too large to read: " + what + " "
                    + (bytes < 0 ? "an impossible size" : bytes(bytes)) + ", more than the " + bytes(limit) + " allowed");
        }
    }

    /** Refuses a sampling rate that is not finite or outside {@value #MIN_RATE_HZ}–{@value #MAX_RATE_HZ} Hz. */
    public static void checkRate(String file, String format, String field, double fs) throws EcgReadException {
        if (!Double.isFinite(fs) || fs < MIN_RATE_HZ || fs > MAX_RATE_HZ) {
            throw new EcgReadException(file, format + ": " + field + " is " + number(fs)
                    + " Hz, outside the 1 Hz to 100 kHz an ECG can be sampled at");
        }
    }

    /**
     * Refuses a scaling whose one digital unit is not a finite amplitude between 1 pV and 10 V
     * ({@code millivoltsPerUnit} may be negative: an inverted signal).
     */
    public static void checkQuantum(String file, String format, String field, double millivoltsPerUnit)
            throws EcgReadException {
        double q = Math.abs(millivoltsPerUnit);
        if (!Double.isFinite(millivoltsPerUnit) || q < MIN_QUANTUM_MV || q > MAX_QUANTUM_MV) {
            throw new EcgReadException(file, format + ": " + field + " gives " + number(millivoltsPerUnit)
                    + " mV per digital unit, not a usable scaling (a unit must be between 1 pV and 10 V)");
        }
    }

    /** A warning when amplitudes exceed what a surface ECG can show, else {@code null}. */
    public static String amplitudeWarning(float[][] leads) {
        double max = 0;
        for (float[] lead : leads) {
            for (float v : lead) {
                double a = Math.abs(v);
                if (a > max && Double.isFinite(a)) {
                    max = a;
                }
            }
        }
        if (max <= IMPLAUSIBLE_AMPLITUDE_MV) {
            return null;
        }
        return String.format(Locale.ROOT, "amplitudes reach %.4g mV, beyond the 20 mV of a surface ECG: the file's "
                + "scaling may be wrong", max);
    }

    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A byte count as MiB or GiB. */
    public static String bytes(long n) {
        if (n >= 10L << 30) {
            return String.format(Locale.ROOT, "%,d GiB", n >> 30);
        }
        if (n >= 1 << 20) {
            return String.format(Locale.ROOT, "%,d MiB", n >> 20);
        }
        return String.format(Locale.ROOT, "%,d bytes", n);
    }
}
