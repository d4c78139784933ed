package org.exchangeai.core.explain;

import java.util.Locale;

/** The attribution methods, by the names the command line and the pages use. */
public enum AttributionMethod {
    /** Integrated Gradients from a flat-line baseline ({@link IntegratedGradients}). */
    IG("ig"),
    /** Grad-CAM on the last convolution with a time axis ({@link GradCam}). */
    GRADCAM("gradcam"),
    /** Occlusion of leads and of 200 ms windows ({@link Occlusion}). */
    OCCLUSION("occlusion");

    private final String key;

    AttributionMethod(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The method named {@code name} (case-insensitive). */
    public static AttributionMethod of(String name) {
        for (AttributionMethod m : values()) {
            if (m.key.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown attribution method '" + name + "' (expected ig, gradcam or occlusion)");
    }
}
