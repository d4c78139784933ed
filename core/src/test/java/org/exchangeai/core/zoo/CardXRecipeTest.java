package org.exchangeai.core.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.signal.Standardizer;
import org.junit.jupiter.api.Test;

/** CardX's recipe makes a device recording in mV and the research archive's z-scored array of it alike. */
class CardXRecipeTest {

    /**
     * PTB-XL record 1 as the device wrote it ({@code records100/00000/00001_lr}, WFDB, mV) and as
     * research archives publish it: {@code pretrain/00001_lr_bandpass_zscore.npy}, made once from the
     * same {@code .dat} with SciPy 1.17.1 the way the archive's preprocessing does it ({@code butter(4,
     * [0.5, 40], 'band', fs=100)}, {@code filtfilt}, then {@code (x - mean) / std} per lead).
     *
     * <p>The recipe applied to the device recording gives the research array itself (within 1e-6
     * standard deviations). Applied to the array, the band-pass runs a second time; SciPy's
     * {@code sosfiltfilt} on both gives the same small difference as here (correlation at least 0.998
     * per lead, at most 0.25 standard deviations, largest next to the ends of the recording).
     */
    @Test
    void deviceRecordingAndZScoredArrayGiveTheSameInput() throws Exception {
        Preparation recipe = CardX.preparation();
        float[][] fromDevice = recipe.apply(Formats.read(TestData.data("ptbxl/records100/00000/00001_lr.hea"),
                ReadOptions.DEFAULT));
        Path arrayFile = Path.of(CardXRecipeTest.class.getResource("/pretrain/00001_lr_bandpass_zscore.npy").toURI());
        var array = Formats.read(arrayFile, ReadOptions.DEFAULT.withFs(100.0).withLeads(LeadNames.STANDARD_12));
        float[][] fromArray = recipe.apply(array);
        assertEquals(12, fromDevice.length);
        assertEquals(1000, fromDevice[0].length);
        double same = 0;
        double twice = 0;
        for (int l = 0; l < 12; l++) {
            float[] published = array.lead(l);
            double sxy = 0;
            double sxx = 0;
            double syy = 0;
            for (int t = 0; t < 1000; t++) {
                same = Math.max(same, Math.abs(fromDevice[l][t] - published[t]));
                twice = Math.max(twice, Math.abs(fromDevice[l][t] - fromArray[l][t]));
                sxy += fromDevice[l][t] * fromArray[l][t];
                sxx += fromDevice[l][t] * fromDevice[l][t];
                syy += fromArray[l][t] * fromArray[l][t];
            }
            double r = sxy / Math.sqrt(sxx * syy);
            assertTrue(r > 0.998, "lead " + LeadNames.STANDARD_12.get(l) + ": correlation " + r);
        }
        assertTrue(same < 1e-6, "device recording prepared vs published array: " + same);
        assertTrue(twice < 0.25, "device recording vs array, both prepared: " + twice);
    }

    @Test
    void recipeTravelsInTheModel() {
        Preparation p = Preparation.fromMetadata(CardX.build(12, List.of("A", "B"), 1).metadata());
        assertEquals(CardX.preparation().toJson(), p.toJson());
        assertEquals(Standardizer.LEAD_MEAN_STD, p.standardizer());
        assertEquals(100.0, p.samplingRate());
        assertEquals(1000, p.windowSamples());
    }
}
