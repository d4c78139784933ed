package org.exchangeai.core.prep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.signal.Baseline;
import org.exchangeai.core.signal.Filters;
import org.exchangeai.core.signal.Outliers;
import org.exchangeai.core.signal.Resampler;
import org.exchangeai.core.signal.Scale;
import org.exchangeai.core.signal.Standardizer;

/**
 * How a recording becomes the input tensor of one model: an immutable, declarative recipe that
 * travels inside the ONNX file (metadata key {@link #METADATA_KEY}, JSON) and is applied by
 * {@link #apply(Ecg)}.
 *
 * <h2>The chain</h2>
 * <ol>
 *   <li><b>Leads</b>: the recipe's leads (default I, II, III, aVR, aVL, aVF, V1–V6) in that order, in
 *       mV; missing III, aVR, aVL, aVF (and II) are derived from I and II (or I and III); any other
 *       missing lead is an error naming it. Gaps ({@code NaN}) are interpolated linearly, with the
 *       nearest valid value at the ends.</li>
 *   <li><b>Upload stage</b> ({@link #upload()} on; the original platform's upload, fixed arithmetic):
 *       FFT-resample the whole recording to 100 Hz, keep the first 10 s, divide by 1000 when
 *       {@code max|x| > 100} (microvolts), clip outliers per lead if {@link #outlierClipping()}.</li>
 *   <li><b>Model input stage</b>: resample to {@link #samplingRate()} with {@link #resampling()};
 *       keep the first {@link #windowSamples()}; clip outliers if {@link #outlierClipping()} and
 *       there was no upload stage; remove the baseline; band-pass, then notch; pad a short recording
 *       by {@link #padding()}; check the unit again ({@code max|x| > 100} means microvolts) and convert
 *       to {@link #scale()}; standardise over all leads ({@link #standardizer()}, statistics from the
 *       recorded samples only); cast to float32.</li>
 * </ol>
 *
 * <h2>Short recordings</h2>
 * {@link Padding#ZERO_PAD_END} appends zeros (the baseline level once the trend is removed) after
 * baseline removal and filtering, so the trend filter and the filters only ever see recorded
 * samples; the standardizer takes its statistics from the recorded samples and maps the padding
 * with them; the result carries a warning. {@link Padding#REJECT} refuses. The original platform's
 * own padding ({@code vstack} of a slice, which transposes the record) is not reproduced.
 *
 * <h2>Models of the original platform</h2>
 * {@link #fromMetadata} maps a model that only carries the original keys ({@code sampling_rate},
 * default 100; {@code standardizer}; {@code scale}, default milliVolt) to {@link #original}: upload
 * stage with clipping, FFT resampling, moving median over {@code 2*fs+1} samples, 10 s, padding at
 * the end. On the golden vectors this reproduces the original numbers (see {@code docs/validation.md}).
 */
public final class Preparation {

    /** Model metadata key holding the recipe as JSON. */
    public static final String METADATA_KEY = "exchangeai.preparation";
    /** Original platform metadata keys. */
    public static final String KEY_SAMPLING_RATE = "sampling_rate";
    public static final String KEY_STANDARDIZER = "standardizer";
    public static final String KEY_SCALE = "scale";
    /** Version of the JSON layout written by {@link #toJson()}. */
    public static final int FORMAT_VERSION = 1;
    /** Rate and length of the original platform's upload stage. */
    public static final double UPLOAD_RATE = 100.0;
    public static final int UPLOAD_SAMPLES = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What happens to a recording shorter than the window. */
    public enum Padding {
        /** Zeros appended after baseline removal and filtering, with a warning. */
        ZERO_PAD_END("zeroPadEnd"),
        /** A {@link PreparationException}. */
        REJECT("reject");

        private final String key;

        Padding(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        static Padding fromKey(String s) {
            for (Padding p : values()) {
                if (p.key.equalsIgnoreCase(s)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown padding '" + s + "' (expected zeroPadEnd or reject)");
        }
    }

    /** Trend (baseline wander) removal. */
    public enum BaselineMethod {
        NONE("none"),
        /** Subtract the moving median (scipy {@code median_filter}, reflect edges); see {@link Baseline}. */
        MOVING_MEDIAN("movingMedian");

        private final String key;

        BaselineMethod(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        static BaselineMethod fromKey(String s) {
            for (BaselineMethod b : values()) {
                if (b.key.equalsIgnoreCase(s)) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown baseline method '" + s + "' (expected none or movingMedian)");
        }
    }

    /**
     * Zero-phase Butterworth band-pass ({@link Filters#butterworth}); {@code lowHz = 0} makes it a
     * low-pass, {@code highHz = NaN} (absent in JSON) a high-pass.
     */
    public record BandPass(double lowHz, double highHz, int order) {
        public BandPass {
            if (!(lowHz >= 0) || order < 1 || order > 20 || (lowHz == 0 && Double.isNaN(highHz))) {
                throw new IllegalArgumentException("bad band-pass: low " + lowHz + " Hz, high " + highHz + " Hz, order " + order);
            }
        }
    }

    /** Zero-phase notch ({@link Filters#notch}) at {@code hz} (50 or 60 Hz mains) with quality factor {@code q}. */
    public record Notch(double hz, double q) {
        public Notch {
            if (!(hz > 0) || !(q > 0)) {
                throw new IllegalArgumentException("bad notch: " + hz + " Hz, Q " + q);
            }
        }
    }

    private final List<String> leads;
    private final double samplingRate;
    private final int windowSamples;
    private final Resampler.Method resampling;
    private final BaselineMethod baseline;
    private final double baselineWindowSeconds;
    private final BandPass bandPass;
    private final Notch notch;
    private final Scale.Unit scale;
    private final Standardizer standardizer;
    private final Padding padding;
    private final boolean outlierClipping;
    private final boolean upload;

    private Preparation(Builder b) {
        this.leads = List.copyOf(b.leads);
        this.samplingRate = b.samplingRate;
        this.windowSamples = b.windowSamples > 0 ? b.windowSamples : (int) Math.round(b.windowSeconds * b.samplingRate);
        this.resampling = b.resampling;
        this.baseline = b.baseline;
        this.baselineWindowSeconds = b.baselineWindowSeconds;
        this.bandPass = b.bandPass;
        this.notch = b.notch;
        this.scale = b.scale;
        this.standardizer = b.standardizer;
        this.padding = b.padding;
        this.outlierClipping = b.outlierClipping;
        this.upload = b.upload;
        if (windowSamples < 1) {
            throw new IllegalArgumentException("window must hold at least one sample");
        }
        if (bandPass != null) {
            // designing it once checks the cut-offs against the model's Nyquist frequency
            Filters.butterworth(bandPass.order(), bandPass.lowHz(), bandPass.highHz(), samplingRate);
        }
        if (notch != null && notch.hz() >= samplingRate / 2) {
            throw new IllegalArgumentException("notch " + notch.hz() + " Hz is not below the model's Nyquist frequency " + samplingRate / 2 + " Hz");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.leads = leads;
        b.samplingRate = samplingRate;
        b.windowSamples = windowSamples;
        b.resampling = resampling;
        b.baseline = baseline;
        b.baselineWindowSeconds = baselineWindowSeconds;
        b.bandPass = bandPass;
        b.notch = notch;
        b.scale = scale;
        b.standardizer = standardizer;
        b.padding = padding;
        b.outlierClipping = outlierClipping;
        b.upload = upload;
        return b;
    }

    /**
     * The original platform's whole chain for a model at {@code samplingRate} Hz: upload stage with
     * outlier clipping, FFT resampling, moving median over {@code 2*fs+1} samples, 10 s window.
     */
    public static Preparation original(double samplingRate, Standardizer standardizer, Scale.Unit scale) {
        return builder()
                .samplingRate(samplingRate)
                .windowSamples(Resampler.outputLength(UPLOAD_SAMPLES, UPLOAD_RATE, samplingRate))
                .resampling(Resampler.Method.FFT)
                .baseline(BaselineMethod.MOVING_MEDIAN, 2.0)
                .scale(scale)
                .standardizer(standardizer)
                .padding(Padding.ZERO_PAD_END)
                .outlierClipping(true)
                .upload(true)
                .build();
    }

    /**
     * The recipe of a model from its metadata: the JSON under {@link #METADATA_KEY} when present;
     * otherwise the original platform's keys mapped to {@link #original} ({@code sampling_rate}
     * defaults to 100, {@code standardizer} to None, {@code scale} to milliVolt, as there).
     *
     * @throws IllegalArgumentException naming the key whose value cannot be understood
     */
    public static Preparation fromMetadata(Map<String, String> metadata) {
        String json = metadata.get(METADATA_KEY);
        if (json != null) {
            return fromJson(json);
        }
        double rate = 100;
        String rateText = metadata.get(KEY_SAMPLING_RATE);
        if (rateText != null && !rateText.isBlank()) {
            try {
                rate = Double.parseDouble(rateText.trim().replace("'", "").replace("\"", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("model metadata " + KEY_SAMPLING_RATE + " = '" + rateText + "' is not a number", e);
            }
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("model metadata " + KEY_SAMPLING_RATE + " = '" + rateText + "' is not a positive rate");
            }
        }
        Standardizer std;
        Scale.Unit unit;
        try {
            std = Standardizer.fromKey(metadata.get(KEY_STANDARDIZER));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model metadata " + KEY_STANDARDIZER + ": " + e.getMessage(), e);
        }
        String scaleText = metadata.get(KEY_SCALE);
        try {
            unit = scaleText == null || scaleText.isBlank() ? Scale.Unit.MILLI_VOLT : Scale.Unit.fromKey(scaleText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model metadata " + KEY_SCALE + ": " + e.getMessage(), e);
        }
        return original(rate, std, unit);
    }

    /**
     * Metadata entries for a model file: the recipe as JSON under {@link #METADATA_KEY}, and the
     * original platform's {@code sampling_rate}, {@code standardizer}, {@code scale}, so that it
     * prepares its input as closely as it can.
     */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(METADATA_KEY, toJson());
        m.put(KEY_SAMPLING_RATE, samplingRate == Math.rint(samplingRate) ? Long.toString((long) samplingRate) : Double.toString(samplingRate));
        m.put(KEY_STANDARDIZER, standardizer.key());
        m.put(KEY_SCALE, scale.key());
        return m;
    }

    /** The recipe as one JSON object (every field written, {@code version} first). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", FORMAT_VERSION);
        ArrayNode l = o.putArray("leads");
        leads.forEach(l::add);
        o.put("samplingRate", samplingRate);
        o.put("windowSamples", windowSamples);
        o.put("resampling", resampling.name().toLowerCase(Locale.ROOT));
        ObjectNode bl = o.putObject("baseline");
        bl.put("method", baseline.key());
        if (baseline != BaselineMethod.NONE) {
            bl.put("windowSeconds", baselineWindowSeconds);
        }
        if (bandPass != null) {
            ObjectNode bp = o.putObject("bandPass");
            bp.put("lowHz", bandPass.lowHz());
            if (!Double.isNaN(bandPass.highHz())) {
                bp.put("highHz", bandPass.highHz());
            }
            bp.put("order", bandPass.order());
        }
        if (notch != null) {
            ObjectNode n = o.putObject("notch");
            n.put("hz", notch.hz());
            n.put("q", notch.q());
        }
        o.put("scale", scale.key());
        o.put("standardizer", standardizer.key());
        o.put("padding", padding.key());
        o.put("outlierClipping", outlierClipping);
        o.put("upload", upload);
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads {@link #toJson()}. {@code samplingRate} and one of {@code windowSamples} /
     * {@code windowSeconds} are required; other fields take the {@link Builder} defaults; unknown
     * fields are ignored (newer writers may add some).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Preparation fromJson(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("preparation recipe is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("preparation recipe must be a JSON object");
        }
        int version = o.path("version").asInt(FORMAT_VERSION);
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException("preparation recipe version " + version + " is newer than this program reads ("
                    + FORMAT_VERSION + ")");
        }
        Builder b = builder();
        if (o.has("leads")) {
            List<String> l = new ArrayList<>();
            o.get("leads").forEach(n -> l.add(n.asText()));
            b.leads(l);
        }
        if (!o.path("samplingRate").isNumber()) {
            throw new IllegalArgumentException("preparation recipe lacks a numeric samplingRate");
        }
        b.samplingRate(o.get("samplingRate").asDouble());
        if (o.path("windowSamples").isNumber()) {
            b.windowSamples(o.get("windowSamples").asInt());
        } else if (o.path("windowSeconds").isNumber()) {
            b.windowSeconds(o.get("windowSeconds").asDouble());
        } else {
            throw new IllegalArgumentException("preparation recipe lacks windowSamples or windowSeconds");
        }
        if (o.has("resampling")) {
            String r = o.get("resampling").asText();
            try {
                b.resampling(Resampler.Method.valueOf(r.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown resampling '" + r + "' (expected fft or polyphase)", e);
            }
        }
        if (o.has("baseline")) {
            JsonNode bl = o.get("baseline");
            BaselineMethod m = BaselineMethod.fromKey(bl.path("method").asText("none"));
            b.baseline(m, bl.path("windowSeconds").asDouble(2.0));
        }
        if (o.hasNonNull("bandPass")) {
            JsonNode bp = o.get("bandPass");
            b.bandPass(new BandPass(bp.path("lowHz").asDouble(0), bp.path("highHz").isNumber() ? bp.get("highHz").asDouble() : Double.NaN,
                    bp.path("order").asInt(4)));
        }
        if (o.hasNonNull("notch")) {
            JsonNode n = o.get("notch");
            b.notch(new Notch(n.path("hz").asDouble(), n.path("q").asDouble(Filters.DEFAULT_NOTCH_Q)));
        }
        if (o.has("scale")) {
            b.scale(Scale.Unit.fromKey(o.get("scale").asText()));
        }
        if (o.has("standardizer")) {
            b.standardizer(Standardizer.fromKey(o.get("standardizer").isNull() ? null : o.get("standardizer").asText()));
        }
        if (o.has("padding")) {
            b.padding(Padding.fromKey(o.get("padding").asText()));
        }
        if (o.has("outlierClipping")) {
            b.outlierClipping(o.get("outlierClipping").asBoolean());
        }
        if (o.has("upload")) {
            b.upload(o.get("upload").asBoolean());
        }
        return b.build();
    }

    // ---------------------------------------------------------------- applying

    /** The model input for {@code ecg}, {@code [leads][windowSamples]}; see the class comment. */
    public float[][] apply(Ecg ecg) {
        return prepare(ecg).input();
    }

    /** {@link #apply} with the notes a user should see (padding, gaps, derived leads, unit guess). */
    public Prepared prepare(Ecg ecg) {
        List<String> warnings = new ArrayList<>();
        double[][] x = leadsOf(ecg, warnings);
        double rate = ecg.fs();
        if (upload) {
            x = uploadStage(x, rate, warnings);
            rate = UPLOAD_RATE;
        }
        return modelInputStage(x, rate, warnings);
    }

    /**
     * The upload stage alone, on {@code ecg}'s leads: {@code [leads][t]} in mV at 100 Hz, at most
     * 1000 samples (the original platform stores {@code [1000][12]}, the transpose).
     */
    public double[][] upload(Ecg ecg) {
        List<String> warnings = new ArrayList<>();
        return uploadStage(leadsOf(ecg, warnings), ecg.fs(), warnings);
    }

    /**
     * The upload stage alone on samples already in the recipe's lead order, {@code [lead][t]} in mV
     * at {@code fs} Hz (not modified).
     */
    public double[][] upload(double[][] leadsByTime, double fs) {
        return uploadStage(copyChecked(leadsByTime), fs, new ArrayList<>());
    }

    /**
     * The model input stage alone on the output of {@link #upload} (100 Hz) for an upload recipe,
     * otherwise on samples already at {@link #samplingRate()}.
     */
    public float[][] modelInput(double[][] x) {
        return modelInput(x, upload ? UPLOAD_RATE : samplingRate);
    }

    /**
     * The model input stage alone: {@code x} is {@code [lead][t]} at {@code fs} Hz in the recipe's
     * lead order (for an upload recipe, the output of {@link #upload}); not modified.
     */
    public float[][] modelInput(double[][] x, double fs) {
        return modelInputStage(copyChecked(x), fs, new ArrayList<>()).input();
    }

    private double[][] uploadStage(double[][] x, double fs, List<String> warnings) {
        double[][] y = x;
        if (fs != UPLOAD_RATE) {
            int n = x[0].length;
            y = Resampler.fft(x, Resampler.outputLength(n, fs, UPLOAD_RATE));
        }
        int len = y[0].length;
        if (len > UPLOAD_SAMPLES) {
            for (int i = 0; i < y.length; i++) {
                y[i] = java.util.Arrays.copyOf(y[i], UPLOAD_SAMPLES);
            }
        } else if (len < UPLOAD_SAMPLES) {
            shortRecording(len / UPLOAD_RATE, UPLOAD_SAMPLES / UPLOAD_RATE, warnings);
        }
        if (Scale.detect(y) == Scale.Unit.MIKRO_VOLT) {
            warnings.add(String.format(Locale.ROOT, "largest amplitude %.1f exceeds 100: read as microvolts and divided by 1000",
                    Scale.maxAbs(y)));
            Scale.convertInPlace(y, Scale.Unit.MIKRO_VOLT, Scale.Unit.MILLI_VOLT);
        }
        if (outlierClipping) {
            Outliers.clipInPlace(y);
        }
        return y;
    }

    private Prepared modelInputStage(double[][] x, double fs, List<String> warnings) {
        double[][] y = x;
        if (fs != samplingRate) {
            y = Resampler.resample(x, fs, samplingRate, resampling);
        }
        int len = y[0].length;
        if (len > windowSamples) {
            for (int i = 0; i < y.length; i++) {
                y[i] = java.util.Arrays.copyOf(y[i], windowSamples);
            }
            len = windowSamples;
        } else if (len < windowSamples && !upload) {
            shortRecording(len / samplingRate, windowSamples / samplingRate, warnings);
        }
        if (outlierClipping && !upload) {
            Outliers.clipInPlace(y);
        }
        int medianWindow = baseline == BaselineMethod.MOVING_MEDIAN ? Baseline.windowFor(samplingRate, baselineWindowSeconds) : 0;
        for (int i = 0; i < y.length; i++) {
            double[] lead = y[i];
            if (medianWindow > 0) {
                lead = Baseline.removeMovingMedian(lead, medianWindow);
            }
            if (bandPass != null) {
                lead = Filters.bandPass(lead, samplingRate, bandPass.lowHz(), bandPass.highHz(), bandPass.order());
            }
            if (notch != null) {
                lead = Filters.notch(lead, samplingRate, notch.hz(), notch.q());
            }
            if (lead.length < windowSamples) {
                lead = java.util.Arrays.copyOf(lead, windowSamples);
            }
            y[i] = lead;
        }
        Scale.Unit found = Scale.detect(y);
        if (found == Scale.Unit.MIKRO_VOLT && !upload) {
            warnings.add(String.format(Locale.ROOT, "largest amplitude %.1f exceeds 100 after trend removal: read as microvolts",
                    Scale.maxAbs(y)));
        }
        Scale.convertInPlace(y, found, scale);
        standardizer.applyInPlace(y, len);
        float[][] out = new float[y.length][windowSamples];
        for (int i = 0; i < y.length; i++) {
            double[] lead = y[i];
            float[] o = out[i];
            for (int t = 0; t < windowSamples; t++) {
                o[t] = (float) lead[t];
            }
        }
        return new Prepared(out, len, warnings);
    }

    private void shortRecording(double haveSeconds, double needSeconds, List<String> warnings) {
        String what = String.format(Locale.ROOT, "recording lasts %.2f s, the model takes %.2f s", haveSeconds, needSeconds);
        if (padding == Padding.REJECT) {
            throw new PreparationException(what + "; this model's preparation refuses shorter recordings");
        }
        warnings.add(what + ": padded at the end with the baseline level (0 mV after trend removal)");
    }

    /** The recipe's leads of {@code ecg} in mV as doubles, deriving limb leads and filling gaps. */
    private double[][] leadsOf(Ecg ecg, List<String> warnings) {
        int n = ecg.length();
        if (n == 0) {
            throw new PreparationException("recording has no samples");
        }
        double[][] x = new double[leads.size()][];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < leads.size(); i++) {
            int idx = ecg.indexOf(leads.get(i));
            if (idx >= 0) {
                x[i] = toDouble(ecg, idx, n);
            }
        }
        for (int i = 0; i < leads.size(); i++) {
            if (x[i] == null) {
                x[i] = derive(ecg, leads.get(i), n);
                if (x[i] == null) {
                    missing.add(leads.get(i));
                } else {
                    warnings.add("lead " + leads.get(i) + " derived from the limb leads");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new PreparationException("recording lacks lead" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " needed by the model (it has " + String.join(", ", ecg.leads()) + ")");
        }
        for (int i = 0; i < x.length; i++) {
            int filled = fillGaps(x[i]);
            if (filled < 0) {
                throw new PreparationException("lead " + leads.get(i) + " has no valid sample");
            }
            if (filled > 0) {
                warnings.add("lead " + leads.get(i) + ": " + filled + " missing samples interpolated");
            }
        }
        return x;
    }

    private static double[] toDouble(Ecg ecg, int idx, int n) {
        float[] f = new float[n];
        ecg.copyLead(idx, 0, f, 0, n);
        double[] d = new double[n];
        for (int t = 0; t < n; t++) {
            d[t] = f[t];
        }
        return d;
    }

    /** Einthoven/Goldberger relations from I and II (II from I and III when needed). */
    private static double[] derive(Ecg ecg, String lead, int n) {
        double[] i1 = ecg.hasLead("I") ? toDouble(ecg, ecg.indexOf("I"), n) : null;
        double[] i2 = ecg.hasLead("II") ? toDouble(ecg, ecg.indexOf("II"), n) : null;
        if (i2 == null && i1 != null && ecg.hasLead("III")) {
            double[] i3 = toDouble(ecg, ecg.indexOf("III"), n);
            i2 = new double[n];
            for (int t = 0; t < n; t++) {
                i2[t] = i1[t] + i3[t];
            }
        }
        if (i1 == null || i2 == null) {
            return null;
        }
        double[] out = new double[n];
        switch (LeadNames.normalize(lead)) {
            case "II" -> System.arraycopy(i2, 0, out, 0, n);
            case "III" -> {
                for (int t = 0; t < n; t++) {
                    out[t] = i2[t] - i1[t];
                }
            }
            case "aVR" -> {
                for (int t = 0; t < n; t++) {
                    out[t] = -(i1[t] + i2[t]) / 2;
                }
            }
            case "aVL" -> {
                for (int t = 0; t < n; t++) {
                    out[t] = i1[t] - i2[t] / 2;
                }
            }
            case "aVF" -> {
                for (int t = 0; t < n; t++) {
                    out[t] = i2[t] - i1[t] / 2;
                }
            }
            default -> {
                return null;
            }
        }
        return out;
    }

    /** Linear interpolation over NaN runs, nearest valid value at the ends; count filled, -1 when all NaN. */
    static int fillGaps(double[] x) {
        int n = x.length;
        int filled = 0;
        int prev = -1;
        for (int t = 0; t < n; t++) {
            if (Double.isNaN(x[t])) {
                continue;
            }
            if (t - prev > 1) {
                for (int g = prev + 1; g < t; g++) {
                    x[g] = prev < 0 ? x[t] : x[prev] + (x[t] - x[prev]) * (g - prev) / (double) (t - prev);
                    filled++;
                }
            }
            prev = t;
        }
        if (prev < 0) {
            return -1;
        }
        for (int g = prev + 1; g < n; g++) {
            x[g] = x[prev];
            filled++;
        }
        return filled;
    }

    private double[][] copyChecked(double[][] x) {
        if (x.length != leads.size()) {
            throw new IllegalArgumentException("expected " + leads.size() + " leads " + leads + ", got " + x.length);
        }
        int n = x[0].length;
        if (n == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != n) {
                throw new IllegalArgumentException("lead " + leads.get(i) + " has " + x[i].length + " samples, lead " + leads.get(0)
                        + " has " + n);
            }
            y[i] = x[i].clone();
            if (fillGaps(y[i]) < 0) {
                throw new PreparationException("lead " + leads.get(i) + " has no valid sample");
            }
        }
        return y;
    }

    // ---------------------------------------------------------------- accessors

    public List<String> leads() {
        return leads;
    }

    /** The model's sampling rate in Hz. */
    public double samplingRate() {
        return samplingRate;
    }

    /** Samples per lead of the model input. */
    public int windowSamples() {
        return windowSamples;
    }

    public double windowSeconds() {
        return windowSamples / samplingRate;
    }

    public Resampler.Method resampling() {
        return resampling;
    }

    public BaselineMethod baseline() {
        return baseline;
    }

    /** Length of the moving-median window in seconds ({@link Baseline#windowFor(double, double)}). */
    public double baselineWindowSeconds() {
        return baselineWindowSeconds;
    }

    /** The band-pass, or null. */
    public BandPass bandPass() {
        return bandPass;
    }

    /** The notch, or null. */
    public Notch notch() {
        return notch;
    }

    public Scale.Unit scale() {
        return scale;
    }

    public Standardizer standardizer() {
        return standardizer;
    }

    public Padding padding() {
        return padding;
    }

    public boolean outlierClipping() {
        return outlierClipping;
    }

    /** Whether the original platform's upload stage runs first. */
    public boolean upload() {
        return upload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preparation p && toJson().equals(p.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "Preparation" + toJson();
    }

    /**
     * Collects a recipe. Defaults: the 12 standard leads, 100 Hz, 10 s, polyphase resampling, moving
     * median over 2 s, no filters, milliVolt, no standardizer, zero padding at the end, no outlier
     * clipping, no upload stage.
     */
    public static final class Builder {
        private List<String> leads = LeadNames.STANDARD_12;
        private double samplingRate = 100;
        private int windowSamples = -1;
        private double windowSeconds = 10;
        private Resampler.Method resampling = Resampler.Method.POLYPHASE;
        private BaselineMethod baseline = BaselineMethod.MOVING_MEDIAN;
        private double baselineWindowSeconds = 2.0;
        private BandPass bandPass;
        private Notch notch;
        private Scale.Unit scale = Scale.Unit.MILLI_VOLT;
        private Standardizer standardizer = Standardizer.NONE;
        private Padding padding = Padding.ZERO_PAD_END;
        private boolean outlierClipping;
        private boolean upload;

        private Builder() {
        }

        /** Lead names (normalised) in the order the model takes them. */
        public Builder leads(List<String> names) {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a model takes at least one lead");
            }
            List<String> l = new ArrayList<>();
            for (String s : names) {
                String c = LeadNames.normalize(s);
                if (l.contains(c)) {
                    throw new IllegalArgumentException("lead " + c + " listed twice");
                }
                l.add(c);
            }
            this.leads = l;
            return this;
        }

        public Builder samplingRate(double hz) {
            if (!(hz > 0) || Double.isInfinite(hz)) {
                throw new IllegalArgumentException("sampling rate must be positive, got " + hz);
            }
            this.samplingRate = hz;
            return this;
        }

        public Builder windowSamples(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("window must be at least one sample, got " + samples);
            }
            this.windowSamples = samples;
            return this;
        }

        /** Window in seconds; becomes {@code round(seconds * samplingRate)} samples when built. */
        public Builder windowSeconds(double seconds) {
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("window must be positive, got " + seconds + " s");
            }
            this.windowSeconds = seconds;
            this.windowSamples = -1;
            return this;
        }

        public Builder resampling(Resampler.Method method) {
            this.resampling = Objects.requireNonNull(method);
            return this;
        }

        /** Trend removal and, for the moving median, its window in seconds (2 s = {@code 2*fs+1} samples). */
        public Builder baseline(BaselineMethod method, double windowSeconds) {
            if (method != BaselineMethod.NONE && !(windowSeconds > 0)) {
                throw new IllegalArgumentException("median window must be positive, got " + windowSeconds + " s");
            }
            this.baseline = Objects.requireNonNull(method);
            this.baselineWindowSeconds = windowSeconds;
            return this;
        }

        public Builder bandPass(BandPass bp) {
            this.bandPass = bp;
            return this;
        }

        public Builder notch(Notch n) {
            this.notch = n;
            return this;
        }

        public Builder scale(Scale.Unit unit) {
            this.scale = Objects.requireNonNull(unit);
            return this;
        }

        public Builder standardizer(Standardizer s) {
            this.standardizer = Objects.requireNonNull(s);
            return this;
        }

        public Builder padding(Padding p) {
            this.padding = Objects.requireNonNull(p);
            return this;
        }

        public Builder outlierClipping(boolean on) {
            this.outlierClipping = on;
            return this;
        }

        /** Run the original platform's upload stage (100 Hz FFT, first 10 s, unit check, clipping) first. */
        public Builder upload(boolean on) {
            this.upload = on;
            return this;
        }

        public Preparation build() {
            return new Preparation(this);
        }
    }
}
