package org.exchangeai.core.pretrain;

import java.util.SplittableRandom;

/**
 * Random views of a prepared 12-lead ECG for contrastive pretraining. The set follows what worked
 * for 12-lead ECGs in the literature: a random time crop ("random resized crop" without the resize,
 * which would change heart rate) and "time out" (Mehari &amp; Strodthoff 2022, Comput. Biol. Med.
 * 141:105114, their best SimCLR transformations), random lead masking (Oh et al. 2022, "Lead-agnostic
 * self-supervised learning for local and global representations of electrocardiogram", CHIL), and the
 * nuisances a recording meets in practice: per-lead amplitude scaling, baseline wander and noise.
 *
 * <p>Inputs are the model's prepared inputs (band-passed, every lead z-scored), so amplitudes are in
 * standard deviations. A masked or timed-out stretch is 0, which is also what a flat lead becomes
 * after per-lead standardisation. Every view is a pure function of the input and the generator.
 */
public final class Augmentations {

    /**
     * The strengths of the transformations.
     *
     * @param viewSamples length of a view (a crop of the input; the whole input when not shorter)
     * @param scaleMin smallest amplitude factor per lead
     * @param scaleMax largest amplitude factor per lead
     * @param wanderMax largest baseline-wander amplitude (standard deviations), 0.05–0.5 Hz
     * @param noiseMax largest Gaussian noise standard deviation
     * @param timeOutFraction share of the view set to 0 by a time out
     * @param timeOutProbability probability of a time out
     * @param leadMaskProbability probability that one lead is masked (one lead always stays)
     */
    public record Settings(int viewSamples, double scaleMin, double scaleMax, double wanderMax, double noiseMax,
            double timeOutFraction, double timeOutProbability, double leadMaskProbability) {

        /** The settings used for CardX: 5 s views at 100 Hz. */
        public static Settings standard(int viewSamples) {
            return new Settings(viewSamples, 0.8, 1.25, 0.3, 0.1, 0.1, 0.5, 0.2);
        }
    }

    private final Settings settings;
    private final double samplingRate;

    public Augmentations(Settings settings, double samplingRate) {
        this.settings = settings;
        this.samplingRate = samplingRate;
    }

    public Settings settings() {
        return settings;
    }

    /** One random view of {@code x} ({@code [lead][t]}, not modified). */
    public float[][] view(float[][] x, SplittableRandom r) {
        int leads = x.length;
        int n = x[0].length;
        int len = Math.min(settings.viewSamples(), n);
        int start = n > len ? r.nextInt(n - len + 1) : 0;
        float[][] v = new float[leads][len];
        double wanderHz = 0.05 + r.nextDouble() * 0.45;
        double noise = r.nextDouble() * settings.noiseMax();
        for (int l = 0; l < leads; l++) {
            double scale = settings.scaleMin() + r.nextDouble() * (settings.scaleMax() - settings.scaleMin());
            double wander = r.nextDouble() * settings.wanderMax();
            double phase = r.nextDouble() * 2 * Math.PI;
            float[] src = x[l];
            float[] dst = v[l];
            double w = 2 * Math.PI * wanderHz / samplingRate;
            for (int t = 0; t < len; t++) {
                dst[t] = (float) (src[start + t] * scale + wander * Math.sin(w * t + phase) + noise * gaussian(r));
            }
        }
        if (r.nextDouble() < settings.timeOutProbability()) {
            int width = (int) Math.round(settings.timeOutFraction() * len);
            int from = r.nextInt(Math.max(1, len - width + 1));
            for (float[] lead : v) {
                java.util.Arrays.fill(lead, from, Math.min(len, from + width), 0f);
            }
        }
        int kept = leads;
        for (int l = 0; l < leads; l++) {
            if (kept > 1 && r.nextDouble() < settings.leadMaskProbability()) {
                java.util.Arrays.fill(v[l], 0f);
                kept--;
            }
        }
        return v;
    }

    /** A standard normal draw (Box–Muller; SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
