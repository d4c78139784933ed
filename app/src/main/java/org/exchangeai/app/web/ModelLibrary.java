package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.exchangeai.app.store.Models;
import org.exchangeai.app.store.Models.Model;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.prep.Preparation;

/**
 * The models the pages offer: the built-in folder shipped with the platform plus the workspace's
 * own models. Cards are read once, when a model is added, and kept as JSON in its row.
 */
public final class ModelLibrary {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the pages show of a model card. */
    public record Card(long parameters, List<String> classes, String labelType, int leads, int samples, double samplingRate,
            String preparation, String preparationError, String provenance, String metrics, List<String> warnings,
            String origin, boolean headTrained, String crossValidation) {
    }

    /** A model row with its card and file. */
    public record Entry(Model model, Card card, Path file) {
        public boolean available() {
            return file != null && Files.isRegularFile(file);
        }

        /** Offered for prediction (and explanation): ticked on the models page, its file there, a trained classifier. */
        public boolean predictable() {
            return model.offerPredict() && available() && card.headTrained() && !card.classes().isEmpty();
        }
    }

    private final Models models;
    private final Path builtInFolder;
    /** Replaced whole on each sync, so readers never see it half-filled. */
    private volatile Map<String, Path> builtInFiles = Map.of();
    private volatile boolean synced;

    public ModelLibrary(Models models, Path builtInFolder) {
        this.models = models;
        this.builtInFolder = builtInFolder;
    }

    /**
     * The built-in folder as the command line finds it: {@code -Dexchangeai.models=DIR}, else
     * {@code models/} under {@code -Dexchangeai.home}, else {@code models/} in the working folder.
     */
    public static Path defaultBuiltInFolder() {
        String prop = System.getProperty("exchangeai.models");
        if (prop != null) {
            return Paths.get(prop);
        }
        String home = System.getProperty("exchangeai.home");
        return (home == null ? Paths.get("") : Paths.get(home)).resolve("models");
    }

    public Path builtInFolder() {
        return builtInFolder;
    }

    /** A built-in file's size and modification time when it was last hashed, and its hash. */
    private record Stamp(long size, long modified, String sha) {
    }

    private final Map<Path, Stamp> stamps = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong hashed = new java.util.concurrent.atomic.AtomicLong();

    /** How many built-in files have been read and hashed since start (each once unless it changes). */
    long filesHashed() {
        return hashed.get();
    }

    /** Names, sizes and modification times of the built-in files at the last full sync. */
    private volatile String lastListing;

    /**
     * Adds rows for built-in models seen for the first time and refreshes changed ones. Pages call
     * this on every view: a file is hashed only when first seen or when its size or modification
     * time changed, so a view costs one folder listing, not a read of every model file.
     */
    public void syncBuiltIn() throws SQLException {
        List<Path> files = builtInFiles();
        String listing = listing(files);
        if (synced && listing.equals(lastListing)) {
            return;
        }
        synchronized (this) {
            if (synced && listing.equals(lastListing)) {
                return;
            }
            sync(files);
            lastListing = listing;
            synced = true;
        }
    }

    private List<Path> builtInFiles() {
        if (builtInFolder == null || !Files.isDirectory(builtInFolder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(builtInFolder, 3)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    private static String listing(List<Path> files) {
        StringBuilder b = new StringBuilder();
        for (Path f : files) {
            try {
                b.append(f).append('\t').append(Files.size(f)).append('\t')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            } catch (IOException e) {
                b.append(f).append("\tunreadable\n");
            }
        }
        return b.toString();
    }

    private void sync(List<Path> files) throws SQLException {
        Map<String, Path> found = new LinkedHashMap<>();
        for (Path f : files) {
            found.put(stem(f.getFileName().toString()), f);
        }
        builtInFiles = found;
        stamps.keySet().retainAll(files);
        List<Model> rows = models.list();
        for (Path f : files) {
            String name = stem(f.getFileName().toString());
            try {
                long size = Files.size(f);
                long modified = Files.getLastModifiedTime(f).toMillis();
                Optional<Model> row = rows.stream().filter(m -> m.builtIn() && m.name().equals(name)).findFirst();
                Stamp stamp = stamps.get(f);
                if (stamp != null && stamp.size() == size && stamp.modified() == modified && row.isPresent()
                        && row.get().sha256().equals(stamp.sha()) && row.get().card() != null
                        && row.get().card().contains("\"parameters\"")) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(f);
                String sha = sha256(bytes);
                hashed.incrementAndGet();
                stamps.put(f, new Stamp(size, modified, sha));
                if (row.isPresent() && row.get().sha256().equals(sha) && row.get().card() != null
                        && row.get().card().contains("\"parameters\"")) {
                    continue;
                }
                String card;
                try (OnnxModel m = OnnxModel.load(f, bytes, 1)) {
                    card = cardJson(m, null, bytes);
                } catch (ModelException e) {
                    card = errorCard(e.getMessage());
                }
                if (row.isPresent()) {
                    models.updateFile(row.get().id(), sha, bytes.length, card);
                } else {
                    models.add(name, Models.BUILT_IN, sha, bytes.length, card);
                }
            } catch (IOException e) {
                // an unreadable built-in file is shown as missing
            }
        }
    }

    /** The built-in files are found once before the first lookup (e.g. a form posted right after a restart). */
    private void ensureSynced() throws SQLException {
        if (!synced) {
            syncBuiltIn();
        }
    }

    public List<Entry> list() throws SQLException {
        ensureSynced();
        List<Entry> out = new ArrayList<>();
        for (Model m : models.list()) {
            out.add(entry(m));
        }
        return out;
    }

    public Optional<Entry> get(long id) throws SQLException {
        ensureSynced();
        return models.get(id).map(this::entry);
    }

    public Models store() {
        return models;
    }

    private Entry entry(Model m) {
        Path file = m.builtIn() ? builtInFiles.get(m.name()) : models.userFile(m.sha256());
        return new Entry(m, card(m.card()), file);
    }

    /**
     * Checks an uploaded file and keeps it: it must load, take {@code [batch, 12, samples]} and
     * name its classes; otherwise the exception says what is wrong.
     */
    public long addUpload(String fileName, byte[] bytes, String source, String origin, Path tmp)
            throws ModelException, IOException, SQLException {
        if (bytes.length == 0) {
            throw new ModelException(fileName + ": the file is empty");
        }
        String card;
        try (OnnxModel m = OnnxModel.load(Paths.get(fileName), bytes, 1)) {
            if (m.leads() != 12) {
                throw new ModelException(fileName + ": the model's input is [batch, " + (m.leads() < 0 ? "?" : m.leads())
                        + ", samples]; an ECG model here takes [batch, 12, samples]");
            }
            String keys = m.card().get(ModelCard.TARGET_KEYS);
            if (keys == null || keys.isBlank() || m.card().warnings().stream().anyMatch(w -> w.contains("classes"))) {
                throw new ModelException(fileName + ": the model's classes cannot be read: "
                        + (keys == null ? "no '" + ModelCard.TARGET_KEYS + "' metadata" : String.join("; ", m.card().warnings())));
            }
            try {
                Preparation.fromMetadata(m.card().metadata());
            } catch (IllegalArgumentException e) {
                throw new ModelException(fileName + ": its preparation recipe cannot be read: " + e.getMessage(), e);
            }
            card = cardJson(m, origin, bytes);
        }
        String sha = sha256(bytes);
        Path target = models.userFile(sha);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            Path part = Files.createTempFile(tmp, "model", ".part");
            Files.write(part, bytes);
            Files.move(part, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return models.add(stem(fileName), source, sha, bytes.length, card);
    }

    static String stem(String fileName) {
        String n = fileName.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1);
        return n.toLowerCase(Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The card of a loaded model as stored in its row. */
    static String cardJson(OnnxModel m, String origin, byte[] bytes) {
        ModelCard c = m.card();
        ObjectNode o = JSON.createObjectNode();
        o.put("parameters", parameters(bytes));
        ArrayNode classes = o.putArray("classes");
        c.classes().forEach(classes::add);
        o.put("labelType", c.labelType().name().toLowerCase(Locale.ROOT));
        o.put("leads", m.leads());
        o.put("samples", m.samples());
        try {
            Preparation p = Preparation.fromMetadata(c.metadata());
            o.put("samplingRate", p.samplingRate());
            o.put("preparation", describe(p));
        } catch (IllegalArgumentException e) {
            o.put("samplingRate", c.samplingRate());
            o.put("preparationError", e.getMessage());
        }
        String pretraining = c.get(ModelCard.PRETRAINING);
        o.put("provenance", pretty(c.get(ModelCard.PROVENANCE) != null ? c.get(ModelCard.PROVENANCE) : pretraining));
        o.put("metrics", pretty(c.get(ModelCard.METRICS)));
        String cv = crossValidation(c.get(ModelCard.CROSS_VALIDATION));
        if (cv != null) {
            o.put("crossValidation", cv);
        }
        o.put("headTrained", c.headTrained());
        ArrayNode w = o.putArray("warnings");
        m.warnings().forEach(w::add);
        if (!c.headTrained()) {
            w.add("a pretrained encoder whose classifier head is untrained: fine-tune it before predicting");
        }
        if (origin != null && !origin.isBlank()) {
            o.put("origin", origin.strip());
        }
        return o.toString();
    }

    /** "5-fold cross-validation on 120 recordings (96 patients): macro F1 0.452 [0.381, 0.520], ..." from the metadata JSON. */
    static String crossValidation(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode j = JSON.readTree(json);
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d-fold cross-validation on %d recordings",
                    j.path("folds").asInt(), j.path("recordings").asInt()));
            if (j.path("grouped_by_patient").asBoolean()) {
                s.append(" (").append(j.path("bootstrap_units").asInt()).append(" patients)");
            }
            s.append(" as ").append(j.path("candidate").asText()).append(':');
            String sep = " ";
            for (String m : List.of("macro_f1", "macro_auc", "accuracy")) {
                JsonNode v = j.path("metrics").path(m);
                if (v.has("value")) {
                    s.append(sep).append(String.format(Locale.ROOT, "%s %.3f [%.3f, %.3f]", m.replace('_', ' ')
                            .replace("auc", "AUC").replace("f1", "F1"), v.path("value").asDouble(), v.path("low").asDouble(),
                            v.path("high").asDouble()));
                    sep = ", ";
                }
            }
            return s.append(" (95 % intervals)").toString();
        } catch (IOException e) {
            return json;
        }
    }

    /** Elements of the float initializers (weights, biases and normalisation statistics), or -1 when unparsable. */
    static long parameters(byte[] bytes) {
        try {
            OnnxGraph g = OnnxGraph.parse(bytes);
            long n = 0;
            for (String name : g.initializerNames()) {
                var t = g.initializerProto(name);
                if (t.getDataType() == org.exchangeai.core.onnx.proto.Onnx.TensorProto.DataType.FLOAT_VALUE) {
                    n += Tensor.elementCount(t.getDimsList().stream().mapToLong(Long::longValue).toArray());
                }
            }
            return n;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static String errorCard(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("classes");
        o.put("preparationError", message);
        o.putArray("warnings").add(message);
        return o.toString();
    }

    /** The recipe in one line for people. */
    static String describe(Preparation p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.leads().size()).append(" leads, ").append(Formatting.rate(p.samplingRate())).append(" Hz, ")
                .append(Formatting.number(p.windowSeconds())).append(" s window (").append(p.windowSamples())
                .append(" samples), ").append(p.resampling().name().toLowerCase(Locale.ROOT)).append(" resampling");
        if (p.baseline() != Preparation.BaselineMethod.NONE) {
            sb.append(", baseline ").append(p.baseline().key()).append(' ')
                    .append(Formatting.number(p.baselineWindowSeconds())).append(" s");
        }
        if (p.bandPass() != null) {
            sb.append(", band-pass ").append(p.bandPass().lowHz()).append("–").append(p.bandPass().highHz()).append(" Hz");
        }
        if (p.notch() != null) {
            sb.append(", notch ").append(p.notch().hz()).append(" Hz");
        }
        sb.append(", scale ").append(p.scale().key()).append(", standardizer ").append(p.standardizer().key())
                .append(", padding ").append(p.padding().key());
        if (p.outlierClipping()) {
            sb.append(", outlier clipping");
        }
        return sb.toString();
    }

    private static String pretty(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(json);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            return json;
        }
    }

    static Card card(String json) {
        if (json == null) {
            return new Card(-1, List.of(), "single", -1, -1, 0, null, "no card", null, null, List.of(), null, true, null);
        }
        try {
            JsonNode o = JSON.readTree(json);
            List<String> classes = new ArrayList<>();
            o.path("classes").forEach(x -> classes.add(x.asText()));
            List<String> warnings = new ArrayList<>();
            o.path("warnings").forEach(x -> warnings.add(x.asText()));
            return new Card(o.path("parameters").asLong(-1), classes, o.path("labelType").asText("single"), o.path("leads").asInt(-1),
                    o.path("samples").asInt(-1), o.path("samplingRate").asDouble(0), text(o, "preparation"),
                    text(o, "preparationError"), text(o, "provenance"), text(o, "metrics"), warnings, text(o, "origin"),
                    o.path("headTrained").asBoolean(true), text(o, "crossValidation"));
        } catch (IOException e) {
            return new Card(-1, List.of(), "single", -1, -1, 0, null, "unreadable card: " + e.getMessage(), null, null,
                    List.of(), null, true, null);
        }
    }

    private static String text(JsonNode o, String key) {
        JsonNode n = o.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }
}
