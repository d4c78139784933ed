package org.exchangeai.core.exchange;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.exchangeai.core.onnx.ModelCard;

/**
 * The {@code card.json} published beside each {@code model.onnx} on an exchange: what the model
 * predicts, how recordings are prepared for it, how well it did, where it came from, and the size
 * and SHA-256 of the model file that a download must match. Unknown fields are ignored so newer
 * cards stay readable.
 *
 * @param format      card format version ({@link #FORMAT})
 * @param name        model name (one folder on the share)
 * @param version     version (one folder below the name)
 * @param classes     class names in output order
 * @param labelType   {@code single} or {@code multi}
 * @param preparation the model's {@code exchangeai.preparation} recipe, or its original keys
 *                    ({@code sampling_rate}, {@code standardizer}, {@code scale})
 * @param metrics     the model's {@code exchangeai.metrics}, or null
 * @param provenance  the model's {@code exchangeai.provenance}, or null
 * @param sha256      SHA-256 of {@code model.onnx}, 64 lower-case hex digits
 * @param size        size of {@code model.onnx} in bytes
 * @param publisher   who published it
 * @param published   when, as an ISO-8601 instant
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExchangeCard(
        @JsonProperty("format") int format,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("label_type") String labelType,
        @JsonProperty("preparation") JsonNode preparation,
        @JsonProperty("metrics") JsonNode metrics,
        @JsonProperty("provenance") JsonNode provenance,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("size") long size,
        @JsonProperty("publisher") String publisher,
        @JsonProperty("published") String published) {

    public static final int FORMAT = 1;
    /** Largest model file an exchange will hand over (larger cards are refused before downloading). */
    public static final long MAX_MODEL_BYTES = 2L << 30;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public ExchangeCard {
        classes = classes == null ? List.of() : List.copyOf(classes);
    }

    /** Builds the card of a local model file from its metadata, digest and size. */
    public static ExchangeCard of(String name, String version, ModelCard card, String sha256, long size, String publisher,
            Instant published) {
        Map<String, String> md = card.metadata();
        JsonNode prep;
        if (md.get(ModelCard.PREPARATION) != null) {
            prep = jsonOrText(md.get(ModelCard.PREPARATION));
        } else {
            ObjectNode o = JSON.createObjectNode();
            for (String key : List.of(ModelCard.SAMPLING_RATE, ModelCard.STANDARDIZER, ModelCard.SCALE)) {
                if (md.get(key) != null) {
                    o.put(key, md.get(key));
                }
            }
            prep = o;
        }
        return new ExchangeCard(FORMAT, name, version, card.classes(), card.labelType().name().toLowerCase(java.util.Locale.ROOT),
                prep, jsonOrText(md.get(ModelCard.METRICS)), jsonOrText(md.get(ModelCard.PROVENANCE)), sha256, size,
                publisher, published.toString());
    }

    private static JsonNode jsonOrText(String value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(value);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a card always serialises", e);
        }
    }

    /** Parses a card and checks the fields a download depends on. */
    public static ExchangeCard fromJson(byte[] json, String where) throws ExchangeException {
        ExchangeCard card;
        try {
            card = JSON.readValue(json, ExchangeCard.class);
        } catch (IOException e) {
            throw new ExchangeException(ExchangeException.Kind.INTEGRITY, where + " is not a readable model card: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        card.validate(where);
        return card;
    }

    /** Checks that names are safe folder names and that digest and size are usable. */
    public ExchangeCard validate(String where) throws ExchangeException {
        String problem = null;
        if (!isSafeSegment(name)) {
            problem = "its model name " + quote(name) + " is not a safe folder name";
        } else if (!isSafeSegment(version)) {
            problem = "its version " + quote(version) + " is not a safe folder name";
        } else if (!Integrity.isSha256(sha256)) {
            problem = "its sha256 " + quote(sha256) + " is not 64 lower-case hex digits";
        } else if (size <= 0 || size > MAX_MODEL_BYTES) {
            problem = "its size " + size + " is not between 1 and " + MAX_MODEL_BYTES + " bytes";
        }
        if (problem != null) {
            throw new ExchangeException(ExchangeException.Kind.INTEGRITY, where + " is not a valid model card: " + problem);
        }
        return this;
    }

    /** Publication time, or the epoch when the card has none or an unreadable one. */
    public Instant publishedInstant() {
        try {
            return published == null ? Instant.EPOCH : Instant.parse(published);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * True for names usable as one folder on the share and on disk: letters, digits, '.', '_', '-',
     * starting with a letter or digit, at most 100 characters (so never "..", never a path).
     */
    public static boolean isSafeSegment(String s) {
        return s != null && SEGMENT.matcher(s).matches();
    }

    private static String quote(String s) {
        return s == null ? "(missing)" : "'" + s + "'";
    }
}
