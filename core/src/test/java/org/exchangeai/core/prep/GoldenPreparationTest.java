package org.exchangeai.core.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.exchangeai.core.Npy;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.signal.Scale;
import org.exchangeai.core.signal.Standardizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reproduces every record of {@code ../shared/golden} (expected numbers: an independent Python
 * re-implementation of the original platform's upload and {@code ecg_normalize}, numpy/scipy; see
 * {@code ../shared/golden/README.md}), within the tolerances stated there:
 * <ul>
 *   <li>{@code raw.npy} (float64) to {@code upload.npy}: max abs difference / max abs of the record
 *       at most 1e-9;</li>
 *   <li>{@code upload.npy} to every {@code mi_<std>_<scale>.npy}: at most 1e-4 of the golden array's
 *       max abs;</li>
 *   <li>{@code raw.npy} as an {@link Ecg} (float32 mV, the platform's recording type) to
 *       {@code mi_none_mikroVolt.npy} through the recipe read from xc_super's metadata keys
 *       ({@code standardizer='None'}, {@code scale='mikroVolt'}, no {@code sampling_rate}): at most 1e-4.</li>
 * </ul>
 * Each case prints its error so that {@code docs/validation.md} can quote it.
 */
class GoldenPreparationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] STANDARDIZERS = {"none", "minMax", "meanStd"};
    private static final String[] SCALES = {"mikroVolt", "milliVolt"};

    static Stream<String> records() throws IOException {
        JsonNode index = JSON.readTree(TestData.golden("index.json").toFile());
        List<String> ids = new ArrayList<>();
        index.get("records").forEach(r -> ids.add(r.get("id").asText()));
        assertEquals(12, ids.size(), "golden records");
        return ids.stream();
    }

    private static double fsIn(String id) throws IOException {
        return JSON.readTree(TestData.golden(id + "/meta.json").toFile()).get("fs_in").asDouble();
    }

    static double relError(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, "leads");
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, "samples");
            for (int t = 0; t < expected[i].length; t++) {
                maxAbs = Math.max(maxAbs, Math.abs(expected[i][t]));
                maxErr = Math.max(maxErr, Math.abs(expected[i][t] - actual[i][t]));
            }
        }
        return maxErr / maxAbs;
    }

    static double[][] toDouble(float[][] f) {
        double[][] d = new double[f.length][];
        for (int i = 0; i < f.length; i++) {
            d[i] = new double[f[i].length];
            for (int t = 0; t < f[i].length; t++) {
                d[i][t] = f[i][t];
            }
        }
        return d;
    }

    /** The golden raw recording as the platform's recording type: 12 standard leads, float mV. */
    static Ecg ecgOf(double[][] leadsByTime, double fs) {
        Ecg.Builder b = Ecg.builder(fs);
        for (int i = 0; i < 12; i++) {
            float[] f = new float[leadsByTime[i].length];
            for (int t = 0; t < f.length; t++) {
                f[t] = (float) leadsByTime[i][t];
            }
            b.lead(LeadNames.STANDARD_12.get(i), f);
        }
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("records")
    void rawToUpload(String id) throws IOException {
        double[][] raw = Npy.read(TestData.golden(id + "/raw.npy")).transposed();
        double[][] expected = Npy.read(TestData.golden(id + "/upload.npy")).transposed();
        Preparation original = Preparation.original(100, Standardizer.NONE, Scale.Unit.MIKRO_VOLT);
        double[][] upload = original.upload(raw, fsIn(id));
        double err = relError(expected, upload);
        System.out.printf(Locale.ROOT, "golden %s upload rel %.2e%n", id, err);
        assertTrue(err <= 1e-9, id + " upload relative error " + err);
        // and on through the model input stage, all in double precision
        double[][] mi = Npy.read(TestData.golden(id + "/mi_none_mikroVolt.npy")).matrix();
        double chainErr = relError(mi, toDouble(original.modelInput(upload, 100)));
        System.out.printf(Locale.ROOT, "golden %s raw->mi_none_mikroVolt (double) rel %.2e%n", id, chainErr);
        assertTrue(chainErr <= 1e-4, id + " chain relative error " + chainErr);
    }

    @ParameterizedTest
    @MethodSource("records")
    void uploadToEveryModelInput(String id) {
        double[][] upload = Npy.read(TestData.golden(id + "/upload.npy")).transposed();
        for (String std : STANDARDIZERS) {
            for (String scale : SCALES) {
                double[][] expected = Npy.read(TestData.golden(id + "/mi_" + std + "_" + scale + ".npy")).matrix();
                Preparation p = Preparation.original(100, Standardizer.fromKey(std), Scale.Unit.fromKey(scale));
                double err = relError(expected, toDouble(p.modelInput(upload)));
                System.out.printf(Locale.ROOT, "golden %s mi_%s_%s rel %.2e%n", id, std, scale, err);
                assertTrue(err <= 1e-4, id + " mi_" + std + "_" + scale + " relative error " + err);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("records")
    void rawToXcSuperInputThroughModelMetadata(String id) throws IOException {
        Preparation p = Preparation.fromMetadata(Map.of("standardizer", "None", "scale", "mikroVolt"));
        Ecg ecg = ecgOf(Npy.read(TestData.golden(id + "/raw.npy")).transposed(), fsIn(id));
        Prepared prepared = p.prepare(ecg);
        double[][] expected = Npy.read(TestData.golden(id + "/mi_none_mikroVolt.npy")).matrix();
        double err = relError(expected, toDouble(prepared.input()));
        System.out.printf(Locale.ROOT, "golden %s raw->mi_none_mikroVolt via metadata rel %.2e%n", id, err);
        assertTrue(err <= 1e-4, id + " relative error " + err);
        assertEquals(1000, prepared.validLength());
        assertTrue(prepared.warnings().isEmpty(), prepared.warnings().toString());
    }
}
