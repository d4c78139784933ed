package org.exchangeai.core.zoo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;

/**
 * The architectures that can be trained from scratch, by name. Every caller builds them the same way
 * (12 leads, the architecture's recipe, the given classes and seed), so a run from the command
 * line and one from the browser start from identical weights.
 */
public final class Zoo {

    /** Names as the command line and the pages accept them. */
    public static final List<String> NAMES = List.of("inceptiontime", "xceptiontime", "cardx");

    private Zoo() {
    }

    public static boolean contains(String name) {
        return name != null && NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** How the pages show an architecture. */
    public static String displayName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "inceptiontime" -> "InceptionTime";
            case "xceptiontime" -> "XceptionTime";
            case "cardx" -> "CardX";
            default -> throw new IllegalArgumentException("no zoo architecture named '" + name + "' (zoo: " + NAMES + ")");
        };
    }

    /**
     * The recipe an architecture is trained with: CardX its own ({@link CardX#preparation()}), the
     * others the original platform's (100 Hz, a 10 s window, milliVolt, no standardizer).
     */
    public static Preparation preparation(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cardx" -> CardX.preparation();
            case "inceptiontime", "xceptiontime" -> Preparation.fromMetadata(Map.of());
            default -> throw new IllegalArgumentException("no zoo architecture named '" + name + "' (zoo: " + NAMES + ")");
        };
    }

    /** A freshly initialised graph for these classes (order as given), seeded. */
    public static OnnxGraph build(String name, List<String> classes, long seed) {
        int samples = preparation(name).windowSamples();
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "inceptiontime" -> InceptionTime.build(12, classes, seed);
            case "xceptiontime" -> XceptionTime.build(12, samples, classes, seed);
            case "cardx" -> CardX.build(12, classes, seed);
            default -> throw new IllegalArgumentException("no zoo architecture named '" + name + "' (zoo: " + NAMES + ")");
        };
    }
}
