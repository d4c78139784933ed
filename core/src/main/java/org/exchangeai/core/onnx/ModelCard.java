package org.exchangeai.core.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model file says about itself, read from its metadata. The original platform's keys
 * ({@code target_keys}, {@code sampling_rate}, {@code standardizer}, {@code scale}) are read as it
 * wrote them; our own keys carry the preparation recipe, label type, provenance and metrics.
 * Missing keys give defaults and a warning, never an exception.
 */
public final class ModelCard {

    public static final String TARGET_KEYS = "target_keys";
    public static final String SAMPLING_RATE = "sampling_rate";
    public static final String STANDARDIZER = "standardizer";
    public static final String SCALE = "scale";
    public static final String PREPARATION = "exchangeai.preparation";
    public static final String LABEL_TYPE = "exchangeai.label_type";
    public static final String PROVENANCE = "exchangeai.provenance";
    public static final String METRICS = "exchangeai.metrics";
    /** The cross-validated metrics of the comparison a model was chosen by, as JSON. */
    public static final String CROSS_VALIDATION = "exchangeai.cross_validation";
    /** {@code false} on a pretrained encoder whose classifier head was never trained. */
    public static final String HEAD_TRAINED = "exchangeai.head_trained";
    /** What a pretraining run was (objective, corpus, recipe, seed, software), as JSON. */
    public static final String PRETRAINING = "exchangeai.pretraining";

    /** Single-label models output mutually exclusive classes (softmax); multi-label ones independent ones (sigmoid). */
    public enum LabelType { SINGLE, MULTI }

    private final List<String> classes;
    private final LabelType labelType;
    private final Map<String, String> metadata;
    private final List<String> warnings;

    private ModelCard(List<String> classes, LabelType labelType, Map<String, String> metadata, List<String> warnings) {
        this.classes = List.copyOf(classes);
        this.labelType = labelType;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.warnings = List.copyOf(warnings);
    }

    /**
     * @param metadata    the model's metadata properties (for duplicate keys, the value the runtime reports)
     * @param outputWidth the number of scores the model outputs per sample, or -1 when unknown
     */
    public static ModelCard of(Map<String, String> metadata, int outputWidth) {
        List<String> warnings = new ArrayList<>();
        List<String> classes;
        String keys = metadata.get(TARGET_KEYS);
        if (keys == null || keys.isBlank()) {
            classes = generic(outputWidth);
            warnings.add("the model names no classes (no '" + TARGET_KEYS + "' metadata); using " + classes);
        } else {
            classes = parseList(keys);
            if (outputWidth > 0 && classes.size() != outputWidth) {
                warnings.add("the model names " + classes.size() + " classes but outputs " + outputWidth
                        + " scores; using generic names");
                classes = generic(outputWidth);
            }
        }
        LabelType type = LabelType.SINGLE;
        String lt = metadata.get(LABEL_TYPE);
        // training here writes "multi-label"; older files and exchange cards say "multi"
        if (lt != null && lt.trim().toLowerCase(java.util.Locale.ROOT).replace("-", "").replace("_", "")
                .matches("multi(label)?")) {
            type = LabelType.MULTI;
        }
        return new ModelCard(classes, type, metadata, warnings);
    }

    private static List<String> generic(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(n, 0); i++) {
            out.add("class_" + i);
        }
        return out;
    }

    /**
     * Parses a Python list literal as the original platform writes it ({@code ['CD', 'HYP']}),
     * or a JSON array, or a plain comma-separated list.
     */
    public static List<String> parseList(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == '\\' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else if (ch == quote) {
                    quote = 0;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                any = true;
            } else if (ch == ',') {
                out.add(cur.toString().trim());
                cur.setLength(0);
                any = false;
            } else if (!Character.isWhitespace(ch) || cur.length() > 0) {
                cur.append(ch);
                any = true;
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString().trim());
        }
        return out;
    }

    /** Formats class names as the Python list literal the original platform reads. */
    public static String toPythonList(List<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('\'').append(names.get(i).replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return sb.append(']').toString();
    }

    public List<String> classes() {
        return classes;
    }

    /** Whether the classifier head was trained; {@code false} only for a pretrained encoder that says so. */
    public boolean headTrained() {
        return !"false".equalsIgnoreCase(metadata.getOrDefault(HEAD_TRAINED, "true").trim());
    }

    public LabelType labelType() {
        return labelType;
    }

    /** All metadata properties. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public String get(String key) {
        return metadata.get(key);
    }

    /** The model's sampling rate in Hz; the original platform assumes 100 when the key is absent. */
    public double samplingRate() {
        String v = metadata.get(SAMPLING_RATE);
        if (v == null || v.isBlank()) {
            return 100;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    public List<String> warnings() {
        return warnings;
    }
}
