package org.exchangeai.core.signal;

/**
 * Butterworth low- and high-pass filters as cascaded second-order sections (bilinear transform
 * with pre-warping), applied forward and backward for zero phase. Used inside the detectors and
 * the delineator as part of their published filter stages.
 */
final class ButterworthSections {

    /** Rows of {@code b0, b1, b2, a1, a2} (a0 normalised to 1). */
    private final double[][] sections;

    private ButterworthSections(double[][] sections) {
        this.sections = sections;
    }

    /**
     * @param order   filter order (≥ 1)
     * @param cutoffHz -3 dB frequency in Hz, below fs / 2
     * @param fs      sampling rate in Hz
     * @param highPass true for a high-pass, false for a low-pass
     */
    static ButterworthSections design(int order, double cutoffHz, double fs, boolean highPass) {
        if (order < 1 || !(cutoffHz > 0) || !(cutoffHz < fs / 2)) {
            throw new IllegalArgumentException("need order ≥ 1 and 0 < cutoff < fs/2, got order " + order
                    + ", cutoff " + cutoffHz + " Hz at " + fs + " Hz");
        }
        double k = Math.tan(Math.PI * cutoffHz / fs);
        int pairs = order / 2;
        double[][] s = new double[pairs + (order % 2)][];
        for (int i = 0; i < pairs; i++) {
            double a = 2 * Math.sin(Math.PI * (2 * i + 1) / (2.0 * order));
            double a0 = 1 + a * k + k * k;
            double a1 = (2 * k * k - 2) / a0;
            double a2 = (1 - a * k + k * k) / a0;
            s[i] = highPass
                    ? new double[] {1 / a0, -2 / a0, 1 / a0, a1, a2}
                    : new double[] {k * k / a0, 2 * k * k / a0, k * k / a0, a1, a2};
        }
        if (order % 2 == 1) {
            double a0 = 1 + k;
            double a1 = (k - 1) / a0;
            s[pairs] = highPass
                    ? new double[] {1 / a0, -1 / a0, 0, a1, 0}
                    : new double[] {k / a0, k / a0, 0, a1, 0};
        }
        return new ButterworthSections(s);
    }

    /** Zero-phase filtering; the ends are extended by odd reflection to damp start-up transients. */
    double[] filtfilt(double[] x, int padding) {
        int n = x.length;
        if (n == 0) {
            return new double[0];
        }
        int pad = Math.max(0, Math.min(padding, n - 1));
        double[] y = new double[n + 2 * pad];
        for (int i = 0; i < pad; i++) {
            y[pad - 1 - i] = 2 * x[0] - x[i + 1];
            y[pad + n + i] = 2 * x[n - 1] - x[n - 2 - i];
        }
        System.arraycopy(x, 0, y, pad, n);
        run(y, false);
        run(y, true);
        double[] out = new double[n];
        System.arraycopy(y, pad, out, 0, n);
        return out;
    }

    private void run(double[] y, boolean backward) {
        int n = y.length;
        for (double[] c : sections) {
            // start each pass in the steady state of the first value to avoid a step
            double first = backward ? y[n - 1] : y[0];
            double gainDc = (c[0] + c[1] + c[2]) / (1 + c[3] + c[4]);
            double z1 = first * gainDc - c[0] * first;
            double z2 = c[2] * first - c[4] * first * gainDc;
            for (int j = 0; j < n; j++) {
                int i = backward ? n - 1 - j : j;
                double in = y[i];
                double out = c[0] * in + z1;
                z1 = c[1] * in - c[3] * out + z2;
                z2 = c[2] * in - c[4] * out;
                y[i] = out;
            }
        }
    }
}
