package org.exchangeai.core.signal;

import java.util.ArrayList;
import java.util.List;

/**
 * Zero-phase IIR filtering with the semantics of SciPy:
 * <ul>
 *   <li>Butterworth design in second-order sections, like
 *       {@code scipy.signal.butter(order, [low, high], btype, fs=fs, output='sos')} (analog
 *       prototype, frequency pre-warping, bilinear transform; poles nearest the unit circle go last);</li>
 *   <li>{@link #sosFiltFilt} like {@code scipy.signal.sosfiltfilt}: odd extension of
 *       {@code 3*(2*sections+1 - trailing zeros)} samples at both ends, steady-state initial conditions
 *       ({@code sosfilt_zi}), forward then backward;</li>
 *   <li>{@link #notch} like {@code scipy.signal.iirnotch} followed by {@code filtfilt}.</li>
 * </ul>
 * A section is {@code {b0, b1, b2, 1, a1, a2}}. Frequencies in Hz, rates in Hz.
 */
public final class Filters {

    /** Quality factor of a mains notch when none is given (bandwidth about f/30). */
    public static final double DEFAULT_NOTCH_Q = 30.0;

    private Filters() {
    }

    /** Zero-phase Butterworth band-pass of every sample of {@code x}; see {@link #butterworth}. */
    public static double[] bandPass(double[] x, double fs, double lowHz, double highHz, int order) {
        return sosFiltFilt(butterworth(order, lowHz, highHz, fs), x);
    }

    /** Zero-phase notch at {@code hz} (e.g. 50 or 60 Hz mains) with quality factor {@code q}. */
    public static double[] notch(double[] x, double fs, double hz, double q) {
        double[][] ba = notchCoefficients(hz, q, fs);
        return filtFilt(ba[0], ba[1], x);
    }

    /**
     * Butterworth second-order sections. {@code lowHz <= 0} gives a low-pass at {@code highHz};
     * {@code highHz} that is NaN or at least {@code fs/2} gives a high-pass at {@code lowHz};
     * otherwise a band-pass (order {@code order} per edge, {@code 2*order} poles in all).
     */
    public static double[][] butterworth(int order, double lowHz, double highHz, double fs) {
        if (order < 1 || order > 20) {
            throw new IllegalArgumentException("Butterworth order must be 1..20, got " + order);
        }
        if (!(fs > 0)) {
            throw new IllegalArgumentException("sampling rate must be positive, got " + fs);
        }
        double nyquist = fs / 2;
        boolean hasLow = lowHz > 0;
        boolean hasHigh = !Double.isNaN(highHz) && highHz < nyquist;
        if (!hasLow && !hasHigh) {
            throw new IllegalArgumentException("no pass band: low " + lowHz + " Hz, high " + highHz + " Hz at " + fs + " Hz");
        }
        if (hasLow && lowHz >= nyquist) {
            throw new IllegalArgumentException("low cut-off " + lowHz + " Hz must be below fs/2 = " + nyquist + " Hz");
        }
        if (hasLow && hasHigh && !(lowHz < highHz)) {
            throw new IllegalArgumentException("low cut-off " + lowHz + " Hz must be below high cut-off " + highHz + " Hz");
        }
        // analog prototype: N poles on the left unit half circle, no zeros, gain 1
        List<double[]> z = new ArrayList<>();
        List<double[]> p = new ArrayList<>();
        for (int m = -order + 1; m < order; m += 2) {
            double theta = Math.PI * m / (2.0 * order);
            p.add(new double[] {-Math.cos(theta), -Math.sin(theta)});
        }
        double k = 1;
        // pre-warp with scipy's normalisation (fs = 2, frequencies relative to Nyquist)
        double w1 = hasLow ? 4 * Math.tan(Math.PI * (lowHz / nyquist) / 2) : 0;
        double w2 = hasHigh ? 4 * Math.tan(Math.PI * (highHz / nyquist) / 2) : 0;
        int degree = p.size() - z.size();
        if (hasLow && hasHigh) {
            double bw = w2 - w1;
            double wo = Math.sqrt(w1 * w2);
            List<double[]> pb = new ArrayList<>();
            List<double[]> pb2 = new ArrayList<>();
            for (double[] pole : p) {
                double[] s = mul(pole, bw / 2);
                double[] root = csqrt(sub(cmul(s, s), new double[] {wo * wo, 0}));
                pb.add(add(s, root));
                pb2.add(sub(s, root));
            }
            p = new ArrayList<>(pb);
            p.addAll(pb2);
            for (int i = 0; i < degree; i++) {
                z.add(new double[] {0, 0});
            }
            k *= Math.pow(bw, degree);
        } else if (hasHigh) {
            List<double[]> pl = new ArrayList<>();
            for (double[] pole : p) {
                pl.add(mul(pole, w2));
            }
            p = pl;
            k *= Math.pow(w2, degree);
        } else {
            double[] prodMinusP = {1, 0};
            List<double[]> ph = new ArrayList<>();
            for (double[] pole : p) {
                ph.add(cdiv(new double[] {w1, 0}, pole));
                prodMinusP = cmul(prodMinusP, neg(pole));
            }
            p = ph;
            for (int i = 0; i < degree; i++) {
                z.add(new double[] {0, 0});
            }
            k *= cdiv(new double[] {1, 0}, prodMinusP)[0];
        }
        // bilinear transform, fs2 = 2 * fs = 4
        double fs2 = 4;
        double[] num = {1, 0};
        double[] den = {1, 0};
        List<double[]> zd = new ArrayList<>();
        List<double[]> pd = new ArrayList<>();
        for (double[] zero : z) {
            zd.add(cdiv(add(new double[] {fs2, 0}, zero), sub(new double[] {fs2, 0}, zero)));
            num = cmul(num, sub(new double[] {fs2, 0}, zero));
        }
        for (double[] pole : p) {
            pd.add(cdiv(add(new double[] {fs2, 0}, pole), sub(new double[] {fs2, 0}, pole)));
            den = cmul(den, sub(new double[] {fs2, 0}, pole));
        }
        for (int i = zd.size(); i < pd.size(); i++) {
            zd.add(new double[] {-1, 0});
        }
        k *= cdiv(num, den)[0];
        return toSections(zd, pd, k);
    }

    /** Pairs poles and zeros into sections the way {@code zpk2sos(pairing='nearest')} does. */
    private static double[][] toSections(List<double[]> zeros, List<double[]> poles, double k) {
        List<double[]> p = conjugateHalf(poles);
        List<double[]> z = conjugateHalf(zeros);
        int nSections = (poles.size() + 1) / 2;
        double[][] sos = new double[nSections][];
        for (int si = nSections - 1; si >= 0; si--) {
            int i1 = nearestToUnitCircle(p, false);
            double[] p1 = p.remove(i1);
            double[] p2;
            if (isReal(p1)) {
                int i2 = nearestToUnitCircle(p, true);
                p2 = i2 < 0 ? null : p.remove(i2);
            } else {
                p2 = conj(p1);
            }
            double[] z1 = null;
            double[] z2 = null;
            if (!z.isEmpty()) {
                z1 = z.remove(nearestTo(z, p1, false));
                if (!isReal(z1)) {
                    z2 = conj(z1);
                } else if (p2 != null) {
                    int iz = nearestTo(z, p1, true);
                    if (iz >= 0) {
                        z2 = z.remove(iz);
                    }
                }
            }
            sos[si] = section(z1, z2, p1, p2);
        }
        for (int i = 0; i < 3; i++) {
            sos[0][i] *= k;
        }
        return sos;
    }

    private static double[] section(double[] z1, double[] z2, double[] p1, double[] p2) {
        double[] b = poly(z1, z2);
        double[] a = poly(p1, p2);
        return new double[] {b[0], b[1], b[2], a[0], a[1], a[2]};
    }

    /** Real coefficients {1, -(r1+r2), r1*r2} of (x - r1)(x - r2); a missing root gives a first-order term. */
    private static double[] poly(double[] r1, double[] r2) {
        if (r1 == null) {
            return new double[] {1, 0, 0};
        }
        if (r2 == null) {
            return new double[] {1, -r1[0], 0};
        }
        double[] s = add(r1, r2);
        double[] m = cmul(r1, r2);
        return new double[] {1, -s[0], m[0]};
    }

    /** Keeps one of each conjugate pair (positive imaginary part) and all real roots. */
    private static List<double[]> conjugateHalf(List<double[]> roots) {
        List<double[]> out = new ArrayList<>();
        for (double[] r : roots) {
            if (isReal(r)) {
                out.add(new double[] {r[0], 0});
            } else if (r[1] > 0) {
                out.add(r);
            }
        }
        return out;
    }

    private static boolean isReal(double[] r) {
        return Math.abs(r[1]) <= 1e-13 * Math.max(1, Math.hypot(r[0], r[1]));
    }

    private static int nearestToUnitCircle(List<double[]> roots, boolean realOnly) {
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < roots.size(); i++) {
            double[] r = roots.get(i);
            if (realOnly && !isReal(r)) {
                continue;
            }
            double d = Math.abs(1 - Math.hypot(r[0], r[1]));
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    private static int nearestTo(List<double[]> roots, double[] target, boolean realOnly) {
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < roots.size(); i++) {
            double[] r = roots.get(i);
            if (realOnly && !isReal(r)) {
                continue;
            }
            double d = Math.hypot(r[0] - target[0], r[1] - target[1]);
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    /** {@code {b, a}} of {@code scipy.signal.iirnotch(hz, q, fs)}. */
    public static double[][] notchCoefficients(double hz, double q, double fs) {
        if (!(hz > 0 && hz < fs / 2)) {
            throw new IllegalArgumentException("notch frequency " + hz + " Hz must lie in (0, fs/2 = " + fs / 2 + ") Hz");
        }
        if (!(q > 0)) {
            throw new IllegalArgumentException("quality factor must be positive, got " + q);
        }
        double w0 = 2 * hz / fs;
        double bw = w0 / q * Math.PI;
        w0 *= Math.PI;
        double gb = 1 / Math.sqrt(2);
        double beta = (Math.sqrt(1.0 - gb * gb) / gb) * Math.tan(bw / 2.0);
        double gain = 1.0 / (1.0 + beta);
        double[] b = {gain, gain * -2.0 * Math.cos(w0), gain};
        double[] a = {1.0, -2.0 * gain * Math.cos(w0), 2.0 * gain - 1.0};
        return new double[][] {b, a};
    }

    /**
     * {@code scipy.signal.filtfilt(b, a, x)} for second-order {@code b}, {@code a} (three
     * coefficients each, {@code a[0] != 0}): odd extension of 9 samples, steady-state initial conditions.
     */
    public static double[] filtFilt(double[] b, double[] a, double[] x) {
        if (b.length != 3 || a.length != 3 || a[0] == 0) {
            throw new IllegalArgumentException("filtFilt takes second-order b and a with a[0] != 0");
        }
        double[] s = {b[0] / a[0], b[1] / a[0], b[2] / a[0], 1, a[1] / a[0], a[2] / a[0]};
        return run(new double[][] {s}, x, 9);
    }

    /** {@code scipy.signal.sosfiltfilt(sos, x)} (default {@code padtype='odd'}, default pad length). */
    public static double[] sosFiltFilt(double[][] sos, double[] x) {
        int bZero = 0;
        int aZero = 0;
        for (double[] s : sos) {
            if (s[2] == 0) {
                bZero++;
            }
            if (s[5] == 0) {
                aZero++;
            }
        }
        int ntaps = 2 * sos.length + 1 - Math.min(bZero, aZero);
        return run(sos, x, 3 * ntaps);
    }

    /**
     * Forward-backward filtering with odd extension of {@code padLen} samples at each end. SciPy
     * refuses signals not longer than the extension; here the extension shrinks to {@code n - 1} instead.
     */
    private static double[] run(double[][] sos, double[] x, int padLen) {
        int n = x.length;
        if (n == 0) {
            return new double[0];
        }
        int edge = Math.min(padLen, n - 1);
        int len = n + 2 * edge;
        double[] ext = new double[len];
        double first = x[0];
        double last = x[n - 1];
        for (int i = 0; i < edge; i++) {
            ext[i] = 2 * first - x[edge - i];
            ext[edge + n + i] = 2 * last - x[n - 2 - i];
        }
        System.arraycopy(x, 0, ext, edge, n);
        double[][] zi = steadyState(sos);
        filterInPlace(sos, zi, ext[0], ext, false);
        filterInPlace(sos, zi, ext[len - 1], ext, true);
        double[] y = new double[n];
        System.arraycopy(ext, edge, y, 0, n);
        return y;
    }

    /** Direct form II transposed through all sections, initial state {@code zi * x0}; in place. */
    private static void filterInPlace(double[][] sos, double[][] zi, double x0, double[] a, boolean backwards) {
        int ns = sos.length;
        double[] z0 = new double[ns];
        double[] z1 = new double[ns];
        for (int s = 0; s < ns; s++) {
            z0[s] = zi[s][0] * x0;
            z1[s] = zi[s][1] * x0;
        }
        int n = a.length;
        for (int c = 0; c < n; c++) {
            int i = backwards ? n - 1 - c : c;
            double v = a[i];
            for (int s = 0; s < ns; s++) {
                double[] q = sos[s];
                double y = q[0] * v + z0[s];
                z0[s] = q[1] * v - q[4] * y + z1[s];
                z1[s] = q[2] * v - q[5] * y;
                v = y;
            }
            a[i] = v;
        }
    }

    /** {@code scipy.signal.sosfilt_zi}: per-section step-response steady state, scaled by earlier DC gains. */
    static double[][] steadyState(double[][] sos) {
        double[][] zi = new double[sos.length][2];
        double scale = 1;
        for (int s = 0; s < sos.length; s++) {
            double[] q = sos[s];
            double b0 = q[0] / q[3];
            double b1 = q[1] / q[3];
            double b2 = q[2] / q[3];
            double a1 = q[4] / q[3];
            double a2 = q[5] / q[3];
            double r0 = b1 - a1 * b0;
            double r1 = b2 - a2 * b0;
            double z0 = (r0 + r1) / (1 + a1 + a2);
            double z1 = r1 - a2 * z0;
            zi[s][0] = scale * z0;
            zi[s][1] = scale * z1;
            scale *= (q[0] + q[1] + q[2]) / (q[3] + q[4] + q[5]);
        }
        return zi;
    }

    /** {@code |H(e^{jw})|} of a cascade at {@code hz}, for checking designs. */
    public static double magnitude(double[][] sos, double hz, double fs) {
        double w = 2 * Math.PI * hz / fs;
        double[] zInv1 = {Math.cos(w), -Math.sin(w)};
        double[] zInv2 = {Math.cos(2 * w), -Math.sin(2 * w)};
        double mag = 1;
        for (double[] q : sos) {
            double[] num = add(add(new double[] {q[0], 0}, mul(zInv1, q[1])), mul(zInv2, q[2]));
            double[] den = add(add(new double[] {q[3], 0}, mul(zInv1, q[4])), mul(zInv2, q[5]));
            mag *= Math.hypot(num[0], num[1]) / Math.hypot(den[0], den[1]);
        }
        return mag;
    }

    // complex helpers on {re, im}
    private static double[] add(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1]};
    }

    private static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1]};
    }

    private static double[] neg(double[] a) {
        return new double[] {-a[0], -a[1]};
    }

    private static double[] mul(double[] a, double f) {
        return new double[] {a[0] * f, a[1] * f};
    }

    private static double[] cmul(double[] a, double[] b) {
        return new double[] {a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]};
    }

    private static double[] cdiv(double[] a, double[] b) {
        double d = b[0] * b[0] + b[1] * b[1];
        return new double[] {(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d};
    }

    private static double[] conj(double[] a) {
        return new double[] {a[0], -a[1]};
    }

    /** Principal square root. */
    private static double[] csqrt(double[] a) {
        double r = Math.hypot(a[0], a[1]);
        double re = Math.sqrt((r + a[0]) / 2);
        double im = Math.sqrt(Math.max(0, (r - a[0]) / 2));
        return new double[] {re, a[1] < 0 ? -im : im};
    }
}
