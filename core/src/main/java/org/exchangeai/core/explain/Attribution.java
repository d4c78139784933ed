package org.exchangeai.core.explain;

/**
 * How much each sample of the model input counted towards one class, at the model's input rate.
 *
 * @param method         the method that produced it
 * @param classIndex     the explained class (index into the model's classes)
 * @param values         {@code [leads][samples]} in the preparation's lead order; positive values speak
 *                       for the class. Grad-CAM and the time part of occlusion have no lead resolution:
 *                       their rows are identical.
 * @param leadImportance per lead, in units of the class probability (see each method), or {@code null}
 *                       when the method cannot tell leads apart (Grad-CAM)
 */
public record Attribution(AttributionMethod method, int classIndex, float[][] values, double[] leadImportance) {

    public int leads() {
        return values.length;
    }

    public int samples() {
        return values.length == 0 ? 0 : values[0].length;
    }

    /** Sum of all values (for Integrated Gradients: the completeness check's left-hand side). */
    public double total() {
        double s = 0;
        for (float[] lead : values) {
            for (float v : lead) {
                s += v;
            }
        }
        return s;
    }

    /**
     * The values resampled onto a recording's own time axis: sample {@code j} at {@code fs} Hz lies at
     * {@code j / fs} seconds, which is model sample {@code j · rate / fs} (the preparation keeps the
     * recording's first seconds, so both start together). Linear interpolation; samples after the
     * model's window, or in its padding ({@code validSamples} onwards), are 0: the model never saw them.
     *
     * @param rate         the model's input rate in Hz
     * @param validSamples model samples that came from the recording
     * @param fs           the recording's rate in Hz
     * @param length       the recording's length in samples
     */
    public float[][] onRecordingAxis(double rate, int validSamples, double fs, int length) {
        float[][] out = new float[values.length][length];
        int last = Math.min(validSamples, samples()) - 1;
        for (int lead = 0; lead < values.length; lead++) {
            float[] v = values[lead];
            for (int j = 0; j < length; j++) {
                double u = j * rate / fs;
                if (last < 0 || u > last) {
                    break;
                }
                int i = (int) Math.floor(u);
                double frac = u - i;
                out[lead][j] = (float) (i >= last ? v[last] : v[i] * (1 - frac) + v[i + 1] * frac);
            }
        }
        return out;
    }
}
