package org.exchangeai.core.statistics;

import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * DeLong's test for two correlated ROC AUCs measured on the same recordings (DeLong, DeLong &amp;
 * Clarke-Pearson 1988), with the fast midrank algorithm of Sun &amp; Xu (2014): O(N log N) per
 * classifier instead of the O(m·n) comparisons of every positive with every negative. Ties count one
 * half, as in the Mann-Whitney statistic and {@code roc_auc_score}.
 */
public final class DeLong {

    private DeLong() {
    }

    /**
     * AUCs of several classifiers on the same recordings and the DeLong covariance matrix of those AUCs.
     *
     * @param auc per classifier
     * @param covariance {@code [k][k]}: variances on the diagonal
     */
    public record Estimate(double[] auc, double[][] covariance) {
    }

    /**
     * The paired comparison of classifier A with B.
     *
     * @param z (aucA − aucB) / sd of the difference; NaN when the difference has no variance
     * @param p two-sided p-value from the standard normal; 1 when both score alike everywhere
     */
    public record Comparison(double aucA, double aucB, double varianceA, double varianceB, double covariance,
            double z, double p) {
        public double difference() {
            return aucA - aucB;
        }
    }

    /**
     * @param scores {@code [classifier][recording]}
     * @param positive per recording; at least one positive and one negative are needed
     */
    public static Estimate estimate(double[][] scores, boolean[] positive) {
        int n = positive.length;
        int m = 0;
        for (boolean b : positive) {
            if (b) {
                m++;
            }
        }
        int negatives = n - m;
        if (m == 0 || negatives == 0) {
            throw new IllegalArgumentException("DeLong needs positives and negatives, got " + m + " positive and "
                    + negatives + " negative recordings");
        }
        int k = scores.length;
        double[][] v10 = new double[k][m];
        double[][] v01 = new double[k][negatives];
        double[] auc = new double[k];
        for (int c = 0; c < k; c++) {
            if (scores[c].length != n) {
                throw new IllegalArgumentException("classifier " + c + " has " + scores[c].length + " scores for "
                        + n + " recordings");
            }
            double[] x = new double[m];
            double[] y = new double[negatives];
            int xi = 0;
            int yi = 0;
            for (int i = 0; i < n; i++) {
                if (positive[i]) {
                    x[xi++] = scores[c][i];
                } else {
                    y[yi++] = scores[c][i];
                }
            }
            double[] z = new double[n];
            System.arraycopy(x, 0, z, 0, m);
            System.arraycopy(y, 0, z, m, negatives);
            double[] tx = midranks(x);
            double[] ty = midranks(y);
            double[] tz = midranks(z);
            double sum = 0;
            for (int i = 0; i < m; i++) {
                sum += tz[i];
                v10[c][i] = (tz[i] - tx[i]) / negatives;
            }
            for (int j = 0; j < negatives; j++) {
                v01[c][j] = 1.0 - (tz[m + j] - ty[j]) / m;
            }
            auc[c] = sum / m / negatives - (m + 1.0) / (2.0 * negatives);
        }
        double[][] cov = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double s = covariance(v10[a], v10[b]) / m + covariance(v01[a], v01[b]) / negatives;
                cov[a][b] = s;
                cov[b][a] = s;
            }
        }
        return new Estimate(auc, cov);
    }

    /** DeLong's test of A against B on the same recordings. */
    public static Comparison compare(double[] a, double[] b, boolean[] positive) {
        Estimate e = estimate(new double[][] {a, b}, positive);
        double va = e.covariance()[0][0];
        double vb = e.covariance()[1][1];
        double cab = e.covariance()[0][1];
        double var = va + vb - 2 * cab;
        double diff = e.auc()[0] - e.auc()[1];
        double z;
        double p;
        if (var > 1e-300) {
            z = diff / Math.sqrt(var);
            p = twoSided(z);
        } else {
            z = Double.NaN;
            p = diff == 0 ? 1.0 : 0.0;
        }
        return new Comparison(e.auc()[0], e.auc()[1], va, vb, cab, z, p);
    }

    /** Two-sided p-value of a standard normal statistic, accurate in the far tail ({@code 2·norm.sf(|z|)}). */
    public static double twoSided(double z) {
        return Erf.erfc(Math.abs(z) / Math.sqrt(2.0));
    }

    /** 1-based midranks (ties share the mean of their ranks). */
    static double[] midranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(v[p], v[q]));
        double[] out = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && v[order[j]] == v[order[i]]) {
                j++;
            }
            double rank = 0.5 * (i + j - 1) + 1;
            for (int t = i; t < j; t++) {
                out[order[t]] = rank;
            }
            i = j;
        }
        return out;
    }

    /** Sample covariance (n − 1 in the denominator), as {@code numpy.cov}. */
    private static double covariance(double[] a, double[] b) {
        int n = a.length;
        if (n < 2) {
            return 0;
        }
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (a[i] - ma) * (b[i] - mb);
        }
        return s / (n - 1);
    }
}
