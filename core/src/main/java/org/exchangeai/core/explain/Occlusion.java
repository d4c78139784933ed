package org.exchangeai.core.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Occlusion (Zeiler and Fergus 2014) for ECGs: how much the class probability drops when part of the
 * input is flattened to 0 (the baseline level in the model's input space).
 *
 * <ul>
 *   <li>per lead: one lead flattened over the whole window; the drop is the lead's importance;</li>
 *   <li>per time: a {@value #WINDOW_SECONDS} s window flattened on all leads at once, slid in steps of
 *       half a window; a sample's value is the mean drop of the windows that cover it.</li>
 * </ul>
 * Every occluded copy goes through the graph in batches. The time map is the same for every lead;
 * the leads are told apart by the lead importance. A negative drop means that flattening that part
 * made the class more likely.
 */
public final class Occlusion {

    public static final double WINDOW_SECONDS = 0.2;
    public static final int DEFAULT_CHUNK = 16;

    private final int chunk;

    public Occlusion(int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        this.chunk = chunk;
    }

    public Occlusion() {
        this(DEFAULT_CHUNK);
    }

    /** Lead importance and time map of {@code input} ({@code [leads][samples]}) for class {@code classIndex}. */
    public Attribution attribute(ExplainableModel model, float[][] input, int classIndex) {
        model.check(input);
        int leads = input.length;
        int samples = input[0].length;
        int window = Math.max(1, (int) Math.round(WINDOW_SECONDS * model.rate()));
        int stride = Math.max(1, window / 2);
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; s + window <= samples; s += stride) {
            starts.add(s);
        }
        if (starts.isEmpty() || starts.get(starts.size() - 1) + window < samples) {
            starts.add(Math.max(0, samples - window));
        }

        List<float[][]> copies = new ArrayList<>();
        copies.add(input);
        for (int l = 0; l < leads; l++) {
            float[][] c = copy(input);
            Arrays.fill(c[l], 0f);
            copies.add(c);
        }
        for (int s : starts) {
            float[][] c = copy(input);
            for (float[] lead : c) {
                Arrays.fill(lead, s, Math.min(samples, s + window), 0f);
            }
            copies.add(c);
        }
        double[] p = model.classProbabilities(copies, classIndex, chunk);

        double[] leadImportance = new double[leads];
        for (int l = 0; l < leads; l++) {
            leadImportance[l] = p[0] - p[1 + l];
        }
        double[] sum = new double[samples];
        int[] count = new int[samples];
        for (int w = 0; w < starts.size(); w++) {
            double drop = p[0] - p[1 + leads + w];
            for (int t = starts.get(w); t < Math.min(samples, starts.get(w) + window); t++) {
                sum[t] += drop;
                count[t]++;
            }
        }
        float[] time = new float[samples];
        for (int t = 0; t < samples; t++) {
            time[t] = count[t] == 0 ? 0f : (float) (sum[t] / count[t]);
        }
        float[][] values = new float[leads][];
        for (int l = 0; l < leads; l++) {
            values[l] = Arrays.copyOf(time, samples);
        }
        return new Attribution(AttributionMethod.OCCLUSION, classIndex, values, leadImportance);
    }

    private static float[][] copy(float[][] x) {
        float[][] c = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }
}
