package org.exchangeai.core.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The models on an exchange: read from {@code catalogue.json} at the share root when it exists,
 * else gathered from the folders ({@code <model>/<version>/card.json}). Publishing rewrites the file.
 * Entries are sorted by name, newest publication first within a name.
 */
public final class Catalogue {

    public static final String FILE = "catalogue.json";

    /** Where the entries came from. */
    public enum Source { FILE, FOLDERS }

    private static final Comparator<ExchangeCard> ORDER = Comparator.comparing(ExchangeCard::name)
            .thenComparing(ExchangeCard::publishedInstant, Comparator.reverseOrder())
            .thenComparing(ExchangeCard::version);

    private final List<ExchangeCard> models;
    private final Source source;
    private final List<String> warnings;

    public Catalogue(List<ExchangeCard> models, Source source, List<String> warnings) {
        List<ExchangeCard> sorted = new ArrayList<>(models);
        sorted.sort(ORDER);
        this.models = List.copyOf(sorted);
        this.source = source;
        this.warnings = List.copyOf(warnings);
    }

    public List<ExchangeCard> models() {
        return models;
    }

    public Source source() {
        return source;
    }

    /** Entries that were skipped (unreadable card, unsafe name), one sentence each. */
    public List<String> warnings() {
        return warnings;
    }

    public Optional<ExchangeCard> find(String name, String version) {
        return models.stream().filter(c -> c.name().equals(name) && c.version().equals(version)).findFirst();
    }

    /** The most recently published version of a model. */
    public Optional<ExchangeCard> latest(String name) {
        return models.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** This catalogue with {@code card} added, replacing an entry of the same name and version. */
    public Catalogue with(ExchangeCard card) {
        List<ExchangeCard> out = new ArrayList<>();
        for (ExchangeCard c : models) {
            if (!(c.name().equals(card.name()) && c.version().equals(card.version()))) {
                out.add(c);
            }
        }
        out.add(card);
        return new Catalogue(out, source, warnings);
    }

    public String toJson() {
        ObjectNode root = ExchangeCard.JSON.createObjectNode();
        root.put("format", ExchangeCard.FORMAT);
        root.put("updated", Instant.now().toString());
        ArrayNode arr = root.putArray("models");
        for (ExchangeCard c : models) {
            arr.add(ExchangeCard.JSON.valueToTree(c));
        }
        try {
            return ExchangeCard.JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a catalogue always serialises", e);
        }
    }

    /** Parses {@code catalogue.json}; an entry that is not a valid card is skipped with a warning. */
    public static Catalogue fromJson(byte[] json, String where) throws ExchangeException {
        JsonNode root;
        try {
            root = ExchangeCard.JSON.readTree(json);
        } catch (IOException e) {
            throw new ExchangeException(ExchangeException.Kind.IO, where + " is not readable JSON: " + e.getMessage());
        }
        JsonNode arr = root == null ? null : root.get("models");
        if (arr == null || !arr.isArray()) {
            throw new ExchangeException(ExchangeException.Kind.IO, where + " has no 'models' list");
        }
        List<ExchangeCard> cards = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String entry = where + " entry " + (i + 1);
            try {
                ExchangeCard c = ExchangeCard.JSON.treeToValue(arr.get(i), ExchangeCard.class);
                cards.add(c.validate(entry));
            } catch (JsonProcessingException e) {
                warnings.add(entry + " is not a readable model card; skipped");
            } catch (ExchangeException e) {
                warnings.add(e.getMessage() + "; skipped");
            }
        }
        return new Catalogue(cards, Source.FILE, warnings);
    }
}
