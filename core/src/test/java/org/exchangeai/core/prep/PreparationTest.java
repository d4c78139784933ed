package org.exchangeai.core.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.signal.Baseline;
import org.exchangeai.core.signal.Filters;
import org.exchangeai.core.signal.Resampler;
import org.exchangeai.core.signal.Scale;
import org.exchangeai.core.signal.Standardizer;
import org.junit.jupiter.api.Test;

/**
 * The recipe itself: metadata mapping (keys and defaults of the original platform's
 * {@code ONNX_Runtimes}), JSON round trip, the padding rule, lead selection and derivation. Expected
 * numbers are recomputed here from the {@code signal} functions each step is defined by.
 */
class PreparationTest {

    static Ecg syntheticEcg(double fs, int n, List<String> leads, long seed) {
        Random rnd = new Random(seed);
        Ecg.Builder b = Ecg.builder(fs).deriveMissingLimbLeads(false);
        for (int i = 0; i < leads.size(); i++) {
            float[] x = new float[n];
            double drift = rnd.nextGaussian();
            for (int t = 0; t < n; t++) {
                double s = t / fs;
                x[t] = (float) (0.8 * Math.sin(2 * Math.PI * 1.2 * s + i) + 0.3 * drift * Math.sin(2 * Math.PI * 0.2 * s)
                        + 0.02 * rnd.nextGaussian());
            }
            b.lead(leads.get(i), x);
        }
        return b.build();
    }

    @Test
    void originalKeysMapToTheOriginalChain() {
        Preparation p = Preparation.fromMetadata(Map.of("standardizer", "'None'", "scale", "mikroVolt"));
        assertEquals(100, p.samplingRate());
        assertEquals(1000, p.windowSamples());
        assertEquals(Resampler.Method.FFT, p.resampling());
        assertEquals(Preparation.BaselineMethod.MOVING_MEDIAN, p.baseline());
        assertEquals(201, Baseline.windowFor(p.samplingRate(), p.baselineWindowSeconds()));
        assertEquals(Scale.Unit.MIKRO_VOLT, p.scale());
        assertEquals(Standardizer.NONE, p.standardizer());
        assertTrue(p.upload());
        assertTrue(p.outlierClipping());
        assertEquals(LeadNames.STANDARD_12, p.leads());

        Preparation p500 = Preparation.fromMetadata(Map.of("sampling_rate", "500", "standardizer", "minMax"));
        assertEquals(500, p500.samplingRate());
        assertEquals(5000, p500.windowSamples());
        assertEquals(1001, Baseline.windowFor(p500.samplingRate(), p500.baselineWindowSeconds()));
        assertEquals(Scale.Unit.MILLI_VOLT, p500.scale(), "the original defaults to milliVolt");
        assertEquals(Standardizer.MIN_MAX, p500.standardizer());

        Preparation empty = Preparation.fromMetadata(Map.of());
        assertEquals(Standardizer.NONE, empty.standardizer());
        assertEquals(Scale.Unit.MILLI_VOLT, empty.scale());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Preparation.fromMetadata(Map.of("sampling_rate", "fast")));
        assertTrue(e.getMessage().contains("sampling_rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preparation.fromMetadata(Map.of("standardizer", "zscore")));
        assertTrue(e.getMessage().contains("standardizer"), e.getMessage());
    }

    @Test
    void originalModelAt500HzResamplesTheStoredUpload() {
        Preparation p = Preparation.fromMetadata(Map.of("sampling_rate", "500"));
        Ecg ecg = syntheticEcg(500, 5000, LeadNames.STANDARD_12, 1);
        double[][] upload = p.upload(ecg);
        assertEquals(1000, upload[0].length);
        float[][] input = p.apply(ecg);
        assertEquals(12, input.length);
        assertEquals(5000, input[0].length);
        // model input = median-detrended FFT resampling of the 100 Hz upload to 5000 samples
        double[] lead0 = Baseline.removeMovingMedian(Resampler.fft(upload[0], 5000), 1001);
        for (int t = 0; t < 5000; t++) {
            assertEquals((float) lead0[t], input[0][t]);
        }
    }

    @Test
    void jsonRoundTripKeepsEveryField() {
        Preparation p = Preparation.builder()
                .leads(List.of("I", "II", "V1", "V5"))
                .samplingRate(250)
                .windowSeconds(8)
                .resampling(Resampler.Method.POLYPHASE)
                .baseline(Preparation.BaselineMethod.MOVING_MEDIAN, 1.5)
                .bandPass(new Preparation.BandPass(0.5, 40, 3))
                .notch(new Preparation.Notch(50, 25))
                .scale(Scale.Unit.MIKRO_VOLT)
                .standardizer(Standardizer.MEAN_STD)
                .padding(Preparation.Padding.REJECT)
                .outlierClipping(true)
                .upload(false)
                .build();
        assertEquals(2000, p.windowSamples());
        String json = p.toJson();
        Preparation back = Preparation.fromJson(json);
        assertEquals(p, back);
        assertEquals(json, back.toJson());
        assertEquals(0.5, back.bandPass().lowHz());
        assertEquals(25, back.notch().q());
        assertEquals(List.of("I", "II", "V1", "V5"), back.leads());

        Map<String, String> meta = p.toMetadata();
        assertEquals("250", meta.get("sampling_rate"));
        assertEquals("meanStd", meta.get("standardizer"));
        assertEquals("mikroVolt", meta.get("scale"));
        assertEquals(p, Preparation.fromMetadata(meta), "the JSON key wins over the original keys");

        Preparation original = Preparation.original(100, Standardizer.NONE, Scale.Unit.MIKRO_VOLT);
        assertEquals(original, Preparation.fromJson(original.toJson()));
        assertNull(Preparation.fromJson(original.toJson()).bandPass());
    }

    @Test
    void jsonErrorsNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Preparation.fromJson("{"))
                .getMessage().contains("not valid JSON"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Preparation.fromJson("{\"windowSamples\": 10}"))
                .getMessage().contains("samplingRate"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Preparation.fromJson("{\"samplingRate\": 100, \"windowSamples\": 10, \"resampling\": \"cubic\"}"))
                .getMessage().contains("cubic"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Preparation.fromJson("{\"version\": 99, \"samplingRate\": 100, \"windowSamples\": 10}"))
                .getMessage().contains("newer"));
        // minimal recipe: defaults for the rest, unknown fields ignored
        Preparation p = Preparation.fromJson("{\"samplingRate\": 100, \"windowSeconds\": 5, \"future\": 1}");
        assertEquals(500, p.windowSamples());
        assertFalse(p.upload());
    }

    @Test
    void shortRecordingIsZeroPaddedAfterTrendRemovalWithAWarning() {
        Preparation p = Preparation.original(100, Standardizer.NONE, Scale.Unit.MILLI_VOLT);
        Ecg ecg = syntheticEcg(500, 2500, LeadNames.STANDARD_12, 2); // 5 s
        Prepared prepared = p.prepare(ecg);
        assertEquals(500, prepared.validLength());
        assertEquals(1000, prepared.input()[0].length);
        assertTrue(prepared.warnings().stream().anyMatch(w -> w.contains("padded")), prepared.warnings().toString());
        double[][] upload = p.upload(ecg);
        assertEquals(500, upload[0].length);
        double[] expected = Baseline.removeMovingMedian(upload[3], 201); // trend taken from recorded samples only
        for (int t = 0; t < 500; t++) {
            assertEquals((float) expected[t], prepared.input()[3][t]);
        }
        for (int t = 500; t < 1000; t++) {
            assertEquals(0f, prepared.input()[3][t]);
        }
        // minMax statistics come from the recorded part; padding maps to the image of 0 mV
        Prepared mm = p.toBuilder().standardizer(Standardizer.MIN_MAX).build().prepare(ecg);
        float pad = mm.input()[0][999];
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] lead : mm.input()) {
            for (int t = 0; t < 500; t++) {
                min = Math.min(min, lead[t]);
                max = Math.max(max, lead[t]);
            }
        }
        assertEquals(-1f, min, 1e-6f);
        assertEquals(1f, max, 1e-6f);
        assertTrue(pad > -1 && pad < 1);
    }

    @Test
    void refusingRecipeRejectsShortRecordings() {
        Preparation p = Preparation.original(100, Standardizer.NONE, Scale.Unit.MILLI_VOLT).toBuilder()
                .padding(Preparation.Padding.REJECT).build();
        Ecg ecg = syntheticEcg(500, 2500, LeadNames.STANDARD_12, 3);
        PreparationException e = assertThrows(PreparationException.class, () -> p.apply(ecg));
        assertTrue(e.getMessage().contains("5.00 s"), e.getMessage());
        Preparation modern = Preparation.builder().padding(Preparation.Padding.REJECT).build();
        assertThrows(PreparationException.class, () -> modern.apply(ecg));
        assertEquals(1000, modern.apply(syntheticEcg(500, 5000, LeadNames.STANDARD_12, 3))[0].length);
    }

    @Test
    void missingLeadsAreNamedAndLimbLeadsDerived() {
        Ecg noChest = syntheticEcg(500, 5000, List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2"), 4);
        PreparationException e = assertThrows(PreparationException.class,
                () -> Preparation.original(100, Standardizer.NONE, Scale.Unit.MILLI_VOLT).apply(noChest));
        assertTrue(e.getMessage().contains("V3, V4, V5, V6"), e.getMessage());

        Ecg twoLimb = syntheticEcg(500, 5000, List.of("I", "II", "V1", "V2", "V3", "V4", "V5", "V6"), 5);
        Preparation p = Preparation.original(100, Standardizer.NONE, Scale.Unit.MILLI_VOLT);
        Prepared prepared = p.prepare(twoLimb);
        assertTrue(prepared.warnings().stream().anyMatch(w -> w.contains("aVF derived")), prepared.warnings().toString());
        // derived III = II - I before any processing; everything after is linear or per-lead
        double[][] up = p.upload(twoLimb);
        double[] i = twoLimbLead(twoLimb, "I");
        double[] ii = twoLimbLead(twoLimb, "II");
        double[] iii = new double[i.length];
        for (int t = 0; t < i.length; t++) {
            iii[t] = ii[t] - i[t];
        }
        double[][] manual = Preparation.original(100, Standardizer.NONE, Scale.Unit.MILLI_VOLT)
                .upload(new double[][] {i, ii, iii, i, i, i, i, i, i, i, i, i}, 500);
        assertArrayEquals(manual[2], up[2], 1e-12);
    }

    private static double[] twoLimbLead(Ecg ecg, String name) {
        float[] f = ecg.lead(name);
        double[] d = new double[f.length];
        for (int t = 0; t < f.length; t++) {
            d[t] = f[t];
        }
        return d;
    }

    @Test
    void gapsAreInterpolated() {
        double[] x = {Double.NaN, 1, Double.NaN, Double.NaN, 4, Double.NaN};
        assertEquals(4, Preparation.fillGaps(x));
        assertArrayEquals(new double[] {1, 1, 2, 3, 4, 4}, x);
        assertEquals(-1, Preparation.fillGaps(new double[] {Double.NaN}));
    }

    @Test
    void filtersAndPolyphaseRunInTheChain() {
        Preparation p = Preparation.builder()
                .samplingRate(250)
                .windowSeconds(10)
                .bandPass(new Preparation.BandPass(0.5, 40, 4))
                .notch(new Preparation.Notch(50, Filters.DEFAULT_NOTCH_Q))
                .build();
        Ecg ecg = syntheticEcg(500, 6000, LeadNames.STANDARD_12, 6);
        float[][] input = p.apply(ecg);
        assertEquals(2500, input[0].length);
        // the same steps by hand for lead V2
        float[] v2 = ecg.lead("V2");
        double[] d = new double[v2.length];
        for (int t = 0; t < d.length; t++) {
            d[t] = v2[t];
        }
        double[] y = Resampler.polyphase(d, 1, 2, Resampler.EdgePadding.MEAN);
        y = java.util.Arrays.copyOf(y, 2500);
        y = Baseline.removeMovingMedian(y, 501);
        y = Filters.bandPass(y, 250, 0.5, 40, 4);
        y = Filters.notch(y, 250, 50, Filters.DEFAULT_NOTCH_Q);
        for (int t = 0; t < 2500; t++) {
            assertEquals((float) y[t], input[7][t]);
        }
    }

    @Test
    void badRecipesFailEarly() {
        assertThrows(IllegalArgumentException.class, () -> Preparation.builder().samplingRate(0));
        assertThrows(IllegalArgumentException.class, () -> Preparation.builder().leads(List.of("I", "i")));
        assertThrows(IllegalArgumentException.class, () -> Preparation.builder().samplingRate(100)
                .notch(new Preparation.Notch(60, 30)).build());
        Preparation.BandPass inverted = new Preparation.BandPass(40, 0.5, 4);
        assertThrows(IllegalArgumentException.class, () -> Preparation.builder().bandPass(inverted).build());
        Preparation.BandPass aboveNyquist = new Preparation.BandPass(0, 200, 4);
        assertThrows(IllegalArgumentException.class, () -> Preparation.builder().samplingRate(100).bandPass(aboveNyquist).build());
        Map<String, String> m = new HashMap<>();
        m.put("scale", "kiloVolt");
        assertThrows(IllegalArgumentException.class, () -> Preparation.fromMetadata(m));
    }
}
