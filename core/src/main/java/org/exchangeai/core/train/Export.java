package org.exchangeai.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.PythonLiterals;
import org.exchangeai.core.prep.Preparation;

/**
 * Turns a trained graph into a model file other sites (and the original platform) can use:
 * BatchNormalization in inference form ({@code training_mode=0}), a symbolic batch axis, opset ≥ 17
 * where that does not change any node's meaning, the original platform's metadata keys and this
 * platform's provenance keys.
 */
public final class Export {

    /** Metadata keys the original platform reads and writes. */
    public static final String TARGET_KEYS = "target_keys";
    public static final String STANDARDIZER = "standardizer";
    public static final String SAMPLING_RATE = "sampling_rate";
    public static final String SCALE = "scale";

    /** Provenance keys added here (newer readers treat every one as optional). */
    public static final String BASE_SHA256 = "exchangeai.base_model_sha256";
    public static final String METHOD = "exchangeai.method";
    public static final String HYPERPARAMETERS = "exchangeai.hyperparameters";
    public static final String CLASS_COUNTS = "exchangeai.class_counts";
    public static final String VALIDATION = "exchangeai.validation_metrics";
    public static final String CHANGED = "exchangeai.head_initializers_changed";
    public static final String CREATED = "exchangeai.created";
    public static final String RUNTIME = "exchangeai.runtime";
    public static final String LABEL_TYPE = "exchangeai.label_type";

    /** Symbolic name of the batch axis in exported models. */
    public static final String BATCH_DIM = "batch";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Export() {
    }

    /**
     * @param trained the graph with trained weights written back (and head surgery applied)
     * @param base the base model as read (for its metadata)
     * @param classes class names in output order
     * @param samplingRate model input rate in Hz when the base model does not declare one
     * @param preparation the recipe the training inputs were prepared with, or {@code null}; its JSON is
     *     stored under {@link Preparation#METADATA_KEY} and its original-platform keys describe the inputs the
     *     weights were trained on (normally the recipe comes from the base model's metadata, so the base
     *     model's {@code scale}, {@code standardizer} and {@code sampling_rate} carry over); without one,
     *     the base model's values are kept
     * @param multiLabel label type recorded in the metadata
     */
    public static OnnxGraph finish(OnnxGraph trained, OnnxGraph base, List<String> classes, int samplingRate,
            Preparation preparation, boolean multiLabel, Provenance provenance) {
        OnnxGraph g = trained.withBatchNormInference().withDynamicBatch(BATCH_DIM);
        long opset = g.opsetVersion();
        if (opset >= 13 && opset < 17) {
            // every operator this engine runs reads the same from opset 13 to 17
            g = g.withOpsetVersion(17);
        }
        Map<String, String> baseMeta = new LinkedHashMap<>(base.metadata());
        if (preparation != null) {
            baseMeta.putAll(preparation.toMetadata());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(TARGET_KEYS, PythonLiterals.stringList(classes));
        meta.put(STANDARDIZER, baseMeta.getOrDefault(STANDARDIZER, "None"));
        meta.put(SAMPLING_RATE, baseMeta.getOrDefault(SAMPLING_RATE, Integer.toString(samplingRate)));
        // the original platform assumes milliVolt when a model declares no scale
        meta.put(SCALE, baseMeta.getOrDefault(SCALE, "milliVolt"));
        baseMeta.forEach((k, v) -> {
            if (!meta.containsKey(k) && (!k.startsWith("exchangeai.") || k.equals(Preparation.METADATA_KEY))) {
                meta.put(k, v);
            }
        });
        meta.put(LABEL_TYPE, multiLabel ? "multi-label" : "single-label");
        meta.put(BASE_SHA256, provenance.baseModelSha256());
        meta.put(METHOD, provenance.method().name().toLowerCase(java.util.Locale.ROOT));
        meta.put(HYPERPARAMETERS, json(provenance.hyperparameters()));
        meta.put(CLASS_COUNTS, json(provenance.classCounts()));
        meta.put(VALIDATION, json(provenance.validationMetrics()));
        meta.put(CHANGED, json(provenance.changedInitializers()));
        meta.put(CREATED, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        meta.put(RUNTIME, json(Map.of("exchangeai", org.exchangeai.core.Version.current(),
                "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "engine", "libtorch " + Engines.pytorch().getVersion())));
        return g.withMetadata(meta);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
