package org.exchangeai.core.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The local side of the exchanges inside a workspace folder:
 * {@code exchange/<exchange>/<model>/<version>/model.onnx} (+ {@code card.json}) for verified models,
 * and {@code quarantine/<exchange>/<model>/<version>-<time>/} for downloads that failed verification.
 * A {@code model.onnx} exists only after its size, SHA-256 and loadability were checked.
 */
public final class ExchangeFolder {

    public static final String MODEL_FILE = "model.onnx";
    public static final String CARD_FILE = "card.json";
    public static final String QUARANTINED_MODEL_FILE = "model.onnx.quarantined";
    public static final String QUARANTINE_NOTE = "quarantine.json";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A verified model pulled from an exchange. */
    public record InstalledModel(String exchange, String name, String version, Path file, ExchangeCard card) {
        /** Where it came from, as shown in model lists. */
        public String origin() {
            return "exchange:" + exchange;
        }
    }

    /** A download that was refused: the file is kept for inspection, never offered as a model. */
    public record QuarantinedModel(String exchange, String name, String version, Path folder, String reason, Instant when) {
    }

    private final Path workspace;

    public ExchangeFolder(Path workspace) {
        this.workspace = workspace;
    }

    public Path workspace() {
        return workspace;
    }

    public Path root() {
        return workspace.resolve("exchange");
    }

    public Path modelDir(String exchange, String name, String version) {
        return root().resolve(exchange).resolve(name).resolve(version);
    }

    public Path quarantineRoot() {
        return workspace.resolve("quarantine");
    }

    /** Every verified model, sorted by exchange and name, newest publication first. */
    public List<InstalledModel> installed() {
        List<InstalledModel> out = new ArrayList<>();
        for (Path ex : dirs(root())) {
            for (Path name : dirs(ex)) {
                for (Path version : dirs(name)) {
                    Path model = version.resolve(MODEL_FILE);
                    if (!Files.isRegularFile(model)) {
                        continue;
                    }
                    ExchangeCard card = null;
                    try {
                        card = ExchangeCard.fromJson(Files.readAllBytes(version.resolve(CARD_FILE)), version.resolve(CARD_FILE)
                                .toString());
                    } catch (IOException | ExchangeException ignored) {
                        // the model itself is verified; a missing card only loses the extra details
                    }
                    out.add(new InstalledModel(ex.getFileName().toString(), name.getFileName().toString(),
                            version.getFileName().toString(), model, card));
                }
            }
        }
        out.sort(Comparator.comparing(InstalledModel::exchange).thenComparing(InstalledModel::name)
                .thenComparing((InstalledModel m) -> m.card() == null ? Instant.EPOCH : m.card().publishedInstant(),
                        Comparator.reverseOrder())
                .thenComparing(InstalledModel::version));
        return out;
    }

    /** Every quarantined download, newest first. */
    public List<QuarantinedModel> quarantined() {
        List<QuarantinedModel> out = new ArrayList<>();
        for (Path ex : dirs(quarantineRoot())) {
            for (Path name : dirs(ex)) {
                for (Path entry : dirs(name)) {
                    try {
                        JsonNode n = ExchangeCard.JSON.readTree(entry.resolve(QUARANTINE_NOTE).toFile());
                        out.add(new QuarantinedModel(n.path("exchange").asText(), n.path("name").asText(),
                                n.path("version").asText(), entry, n.path("reason").asText(),
                                Instant.parse(n.path("when").asText(Instant.EPOCH.toString()))));
                    } catch (IOException | RuntimeException e) {
                        out.add(new QuarantinedModel(ex.getFileName().toString(), name.getFileName().toString(), "?", entry,
                                "no readable " + QUARANTINE_NOTE, Instant.EPOCH));
                    }
                }
            }
        }
        out.sort(Comparator.comparing(QuarantinedModel::when).reversed());
        return out;
    }

    /**
     * Moves a refused download and its card into quarantine with a note saying what and why.
     *
     * @return the quarantine folder
     */
    Path quarantine(String exchange, ExchangeCard card, Path file, String reason) throws IOException {
        Instant now = Instant.now();
        Path dir = quarantineRoot().resolve(exchange).resolve(card.name()).resolve(card.version() + "-" + STAMP.format(now));
        for (int i = 2; Files.exists(dir); i++) {
            dir = dir.resolveSibling(card.version() + "-" + STAMP.format(now) + "-" + i);
        }
        Files.createDirectories(dir);
        Files.move(file, dir.resolve(QUARANTINED_MODEL_FILE), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve(CARD_FILE), card.toJson());
        ObjectNode note = ExchangeCard.JSON.createObjectNode();
        note.put("exchange", exchange);
        note.put("name", card.name());
        note.put("version", card.version());
        note.put("reason", reason);
        note.put("when", now.toString());
        Files.writeString(dir.resolve(QUARANTINE_NOTE), ExchangeCard.JSON.writeValueAsString(note));
        return dir;
    }

    /** Writes a file next to its final place and renames it over; readers see the old or the new file, never half. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        Files.write(tmp, bytes);
        moveAtomically(tmp, target);
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Path> dirs(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> Files.isDirectory(p)
                && ExchangeCard.isSafeSegment(p.getFileName().toString()))) {
            s.forEach(out::add);
        } catch (IOException ignored) {
            // an unreadable folder lists nothing
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }
}
