package org.exchangeai.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the shared real data ({@code ../shared} beside the repository). */
public final class TestData {

    private TestData() {
    }

    /** The shared folder: system property {@code exchangeai.shared}, else {@code shared} beside a parent folder. */
    public static Path shared() {
        String prop = System.getProperty("exchangeai.shared");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("shared test data not found; set -Dexchangeai.shared=PATH");
    }

    public static Path data(String relative) {
        return shared().resolve("data").resolve(relative);
    }

    public static Path golden(String relative) {
        return shared().resolve("golden").resolve(relative);
    }

    public static Path model(String name) {
        return shared().resolve("models").resolve(name);
    }
}
