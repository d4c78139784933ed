package org.exchangeai.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.exchangeai.core.exchange.ExchangeFolder;

/**
 * Where the platform looks for models: the built-in folder shipped with it ({@code models/} beside
 * the launcher, or {@code -Dexchangeai.models=DIR}), the user's folder ({@code ~/.exchangeai/models})
 * and the verified models pulled from exchanges ({@code ~/.exchangeai/exchange/<exchange>/<model>/<version>/},
 * origin {@code exchange:<exchange>}, known by model name and by {@code name@version}).
 */
final class ModelCatalog {

    /** A model file, where it was found, its name and (for exchange models) its version. */
    record Entry(Path file, String origin, String name, String version) {
        Entry(Path file, String origin) {
            this(file, origin, fileName(file), null);
        }

        private static String fileName(Path file) {
            String n = file.getFileName().toString();
            return n.toLowerCase(Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
        }

        /** The name with its version ({@code name@version}) for exchange models, else the name. */
        String qualifiedName() {
            return version == null ? name : name + "@" + version;
        }
    }

    private ModelCatalog() {
    }

    static Path builtInFolder() {
        String prop = System.getProperty("exchangeai.models");
        if (prop != null) {
            return Paths.get(prop);
        }
        String home = System.getProperty("exchangeai.home");
        return (home == null ? Paths.get("") : Paths.get(home)).resolve("models");
    }

    static Path userFolder() {
        return Paths.get(System.getProperty("user.home"), ".exchangeai", "models");
    }

    static List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        add(out, builtInFolder(), "built-in");
        add(out, userFolder(), "yours");
        for (ExchangeFolder.InstalledModel m : new ExchangeFolder(userFolder().getParent()).installed()) {
            out.add(new Entry(m.file(), m.origin(), m.name(), m.version()));
        }
        return out;
    }

    private static void add(List<Entry> out, Path dir, String origin) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir, 3)) {
            s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")).sorted()
                    .forEach(p -> out.add(new Entry(p, origin)));
        } catch (IOException ignored) {
            // an unreadable folder lists nothing
        }
    }

    /** A path as given, or the file of a known model with that name. */
    static Path resolve(String nameOrPath) {
        Path p = Paths.get(nameOrPath);
        if (Files.exists(p)) {
            return p;
        }
        for (Entry e : all()) {
            if (e.name().equals(nameOrPath) || e.qualifiedName().equals(nameOrPath)) {
                return e.file();
            }
        }
        return p;
    }
}
