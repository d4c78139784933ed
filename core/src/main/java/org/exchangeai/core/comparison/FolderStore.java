package org.exchangeai.core.comparison;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/** Finished folds as JSON files in a folder, written atomically, so an interrupted comparison continues. */
public final class FolderStore implements FoldResult.Store {

    private final Path dir;
    private final Consumer<String> warnings;
    private final ObjectMapper json = new ObjectMapper();

    /** @param warnings told about a stored fold that cannot be read (it is trained again) */
    public FolderStore(Path dir, Consumer<String> warnings) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.warnings = warnings;
    }

    @Override
    public FoldResult find(String key) {
        Path f = dir.resolve(key + ".json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return json.readValue(f.toFile(), FoldResult.class);
        } catch (IOException e) {
            warnings.accept(f + ": unreadable fold result, trained again (" + e.getMessage() + ")");
            return null;
        }
    }

    @Override
    public void save(FoldResult result) {
        Path f = dir.resolve(result.key() + ".json");
        Path tmp = dir.resolve(result.key() + ".json.tmp");
        try {
            json.writeValue(tmp.toFile(), result);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }
}
