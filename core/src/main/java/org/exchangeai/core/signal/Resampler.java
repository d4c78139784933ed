package org.exchangeai.core.signal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Changes the sampling rate of a signal. Two methods:
 * <ul>
 *   <li>{@link #fft}: band-limited resampling through the real FFT, with exactly the semantics of
 *       {@code scipy.signal.resample} (what the original platform uses, so its models expect it);
 *       the signal is treated as periodic, which can ring at the edges;</li>
 *   <li>{@link #polyphase}: rational up/down resampling through a Kaiser-windowed FIR low-pass,
 *       with the semantics of {@code scipy.signal.resample_poly} (window {@code ('kaiser', 5.0)});
 *       anti-aliased and without the periodic wrap-around.</li>
 * </ul>
 * Pure functions on double arrays; FFT plans and FIR filters are cached per length (thread-safe).
 */
public final class Resampler {

    /** Which algorithm to resample with. */
    public enum Method {
        /** {@code scipy.signal.resample}: FFT, periodic extension. */
        FFT,
        /** {@code scipy.signal.resample_poly}: polyphase FIR, Kaiser window beta 5. */
        POLYPHASE
    }

    /** How {@link #polyphase} treats samples beyond the ends ({@code padtype} of scipy). */
    public enum EdgePadding {
        /** Zeros beyond the ends (scipy's default {@code padtype='constant'}). */
        ZERO,
        /** The signal's mean beyond the ends (scipy {@code padtype='mean'}): no step at a DC offset. */
        MEAN
    }

    private static final int MAX_CACHED = 256;
    private static final Map<Integer, DoubleFFT_1D> FFT_PLANS = new ConcurrentHashMap<>();
    private static final Map<Long, double[]> FIR_FILTERS = new ConcurrentHashMap<>();
    private static final double KAISER_BETA = 5.0;

    private Resampler() {
    }

    /**
     * Output length for resampling {@code n} samples from {@code fsIn} to {@code fsOut} Hz, as the
     * original platform computes it: {@code int(n * fsOut / fsIn)} (product first, then the division,
     * truncated).
     */
    public static int outputLength(int n, double fsIn, double fsOut) {
        checkRate(fsIn);
        checkRate(fsOut);
        double m = (n * fsOut) / fsIn;
        if (m >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("resampled length too large: " + m);
        }
        return (int) m;
    }

    /**
     * Resamples {@code x} to {@code num} samples with the FFT method, like
     * {@code scipy.signal.resample(x, num)}: keep the rfft bins {@code 0 .. min(num,n)/2}; when
     * {@code min(num,n)} is even and the length changes, the bin at {@code min/2} is doubled
     * (downsampling, only its real part survives the inverse) or halved (upsampling); the inverse
     * real FFT of length {@code num} is scaled by {@code num/n}.
     *
     * @param x   samples (not modified)
     * @param num output length, at least 1
     */
    public static double[] fft(double[] x, int num) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("cannot resample an empty signal");
        }
        if (num < 1) {
            throw new IllegalArgumentException("output length must be at least 1, got " + num);
        }
        if (num == n) {
            return x.clone();
        }
        double[] a = x.clone();
        plan(n).realForward(a);
        int m = Math.min(num, n);
        int half = m / 2;
        double[] b = new double[num];
        double factor = (double) num / n;
        for (int k = 0; k <= half; k++) {
            double re = re(a, n, k);
            double im = im(a, n, k);
            if (k == half && m % 2 == 0) {
                double f = num < n ? 2.0 : 0.5;
                re *= f;
                im *= f;
            }
            put(b, num, k, re * factor, im * factor);
        }
        plan(num).realInverse(b, true);
        return b;
    }

    /** {@link #fft(double[], int)} for every row of {@code x} ({@code [lead][t]}). */
    public static double[][] fft(double[][] x, int num) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = fft(x[i], num);
        }
        return out;
    }

    /**
     * Resamples every row of {@code x} from {@code fsIn} to {@code fsOut} Hz. The FFT method gives
     * {@link #outputLength} samples; the polyphase method gives {@code ceil(n * up / down)} with
     * {@code up/down} the reduced ratio of the rates and mean edge padding. Equal rates return copies.
     */
    public static double[][] resample(double[][] x, double fsIn, double fsOut, Method method) {
        checkRate(fsIn);
        checkRate(fsOut);
        if (fsIn == fsOut) {
            double[][] out = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                out[i] = x[i].clone();
            }
            return out;
        }
        if (method == Method.FFT) {
            int n = x.length == 0 ? 0 : x[0].length;
            return fft(x, outputLength(n, fsIn, fsOut));
        }
        int[] ratio = ratio(fsIn, fsOut);
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = polyphase(x[i], ratio[0], ratio[1], EdgePadding.MEAN);
        }
        return out;
    }

    /**
     * Polyphase resampling by {@code up/down} with zero edge padding, like
     * {@code scipy.signal.resample_poly(x, up, down)}.
     */
    public static double[] polyphase(double[] x, int up, int down) {
        return polyphase(x, up, down, EdgePadding.ZERO);
    }

    /**
     * Polyphase resampling by {@code up/down}, like {@code scipy.signal.resample_poly(x, up, down,
     * padtype=...)}: the low-pass is {@code firwin(2*h+1, 1/max(up,down), window=('kaiser', 5.0))}
     * scaled by {@code up}, {@code h = 10*max(up,down)}, centred on each output sample. Output length
     * {@code ceil(n*up/down)}.
     */
    public static double[] polyphase(double[] x, int up, int down, EdgePadding padding) {
        if (up < 1 || down < 1) {
            throw new IllegalArgumentException("up and down must be positive, got " + up + "/" + down);
        }
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("cannot resample an empty signal");
        }
        int g = gcd(up, down);
        up /= g;
        down /= g;
        if (up == 1 && down == 1) {
            return x.clone();
        }
        double[] h = firFilter(up, down);
        int halfLen = (h.length - 1) / 2;
        long outLong = ((long) n * up + down - 1) / down;
        if (outLong > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("resampled length too large: " + outLong);
        }
        int nOut = (int) outLong;
        double offset = 0;
        if (padding == EdgePadding.MEAN) {
            double sum = 0;
            for (double v : x) {
                sum += v;
            }
            offset = sum / n;
        }
        double[] y = new double[nOut];
        int hLen = h.length;
        for (int k = 0; k < nOut; k++) {
            // output k sits at position c of the up-sampled stream; input m contributes h[c - m*up]
            long c = (long) k * down + halfLen;
            long mLo = c - hLen + 1 <= 0 ? 0 : (c - hLen + 1 + up - 1) / up;
            long mHi = Math.min(n - 1, c / up);
            double acc = 0;
            int hi = (int) (c - mLo * up);
            for (int m = (int) mLo; m <= mHi; m++, hi -= up) {
                acc += (x[m] - offset) * h[hi];
            }
            y[k] = acc + offset;
        }
        return y;
    }

    /** The reduced rational {@code {up, down}} with {@code fsOut/fsIn = up/down}. */
    public static int[] ratio(double fsIn, double fsOut) {
        checkRate(fsIn);
        checkRate(fsOut);
        // exact for rates given to a millihertz, the precision any file format states
        long a = Math.round(fsIn * 1000);
        long b = Math.round(fsOut * 1000);
        if (Math.abs(a - fsIn * 1000) > 1e-6 * Math.max(1, fsIn) || Math.abs(b - fsOut * 1000) > 1e-6 * Math.max(1, fsOut)) {
            throw new IllegalArgumentException("sampling rates " + fsIn + " and " + fsOut
                    + " Hz are not given to a millihertz; use the FFT method");
        }
        long g = gcd(a, b);
        long up = b / g;
        long down = a / g;
        if (Math.max(up, down) > 100_000) {
            throw new IllegalArgumentException("rate ratio " + fsOut + "/" + fsIn + " reduces to " + up + "/" + down
                    + ", too large for a polyphase filter; use the FFT method");
        }
        return new int[] {(int) up, (int) down};
    }

    /** The FIR low-pass of {@link #polyphase} for a reduced ratio, already multiplied by {@code up}. */
    static double[] firFilter(int up, int down) {
        long key = ((long) up << 32) | down;
        double[] h = FIR_FILTERS.get(key);
        if (h == null) {
            h = designFir(up, down);
            if (FIR_FILTERS.size() < MAX_CACHED) {
                FIR_FILTERS.putIfAbsent(key, h);
            }
        }
        return h;
    }

    private static double[] designFir(int up, int down) {
        int maxRate = Math.max(up, down);
        double cutoff = 1.0 / maxRate;
        int halfLen = 10 * maxRate;
        int taps = 2 * halfLen + 1;
        double[] h = new double[taps];
        double alpha = 0.5 * (taps - 1);
        double i0Beta = besselI0(KAISER_BETA);
        double sum = 0;
        for (int i = 0; i < taps; i++) {
            double m = i - alpha;
            double r = (i - alpha) / alpha;
            double w = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            h[i] = cutoff * sinc(cutoff * m) * w;
            sum += h[i];
        }
        for (int i = 0; i < taps; i++) {
            h[i] = h[i] / sum * up;
        }
        return h;
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1.0;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0 (power series; converges for all x). */
    static double besselI0(double x) {
        double q = x * x / 4;
        double term = 1;
        double sum = 1;
        for (int k = 1; k < 500; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    /** The cached real FFT of length {@code n}; JTransforms plans are read-only after construction. */
    static DoubleFFT_1D plan(int n) {
        DoubleFFT_1D p = FFT_PLANS.get(n);
        if (p == null) {
            p = new DoubleFFT_1D(n);
            if (FFT_PLANS.size() < MAX_CACHED) {
                FFT_PLANS.putIfAbsent(n, p);
            }
        }
        return p;
    }

    // JTransforms packs the half spectrum of a real FFT of length n in place:
    // a[0]=Re0; even n: a[1]=Re(n/2); odd n: a[1]=Im((n-1)/2), a[n-1]=Re((n-1)/2); else a[2k], a[2k+1].
    private static double re(double[] a, int n, int k) {
        if (k == 0) {
            return a[0];
        }
        if (n % 2 == 0 && k == n / 2) {
            return a[1];
        }
        if (n % 2 == 1 && k == (n - 1) / 2) {
            return a[n - 1];
        }
        return a[2 * k];
    }

    private static double im(double[] a, int n, int k) {
        if (k == 0 || (n % 2 == 0 && k == n / 2)) {
            return 0;
        }
        if (n % 2 == 1 && k == (n - 1) / 2) {
            return a[1];
        }
        return a[2 * k + 1];
    }

    /** Stores bin k; at the Nyquist bin of an even length only the real part is kept (as irfft does). */
    private static void put(double[] b, int n, int k, double re, double im) {
        if (k == 0) {
            b[0] = re;
        } else if (n % 2 == 0 && k == n / 2) {
            b[1] = re;
        } else if (n % 2 == 1 && k == (n - 1) / 2) {
            b[n - 1] = re;
            b[1] = im;
        } else {
            b[2 * k] = re;
            b[2 * k + 1] = im;
        }
    }

    private static void checkRate(double fs) {
        if (!(fs > 0) || Double.isInfinite(fs)) {
            throw new IllegalArgumentException("sampling rate must be positive and finite, got " + fs);
        }
    }

    private static int gcd(int a, int b) {
        return (int) gcd((long) a, (long) b);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
