package org.exchangeai.core.train;

/** What is trained: the original platform's three methods. */
public enum Method {
    /** Only the classifier head (initializers re-targeted by head surgery, or named "head"). */
    HEAD("Finetuning (classification head)"),
    /** Every parameter, starting from the base model's weights. */
    ALL("Finetuning (all layers)"),
    /** Every parameter, re-initialised first (Xavier-uniform weights, zero biases, reset BatchNormalization). */
    SCRATCH("Scratch");

    private final String label;

    Method(String label) {
        this.label = label;
    }

    /** The original platform's name for it. */
    public String label() {
        return label;
    }

    /** Parses "head", "all", "scratch" or the original platform's labels. */
    public static Method parse(String s) {
        String t = s.trim();
        for (Method m : values()) {
            if (m.name().equalsIgnoreCase(t) || m.label.equalsIgnoreCase(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown training method '" + s + "'; choose head, all or scratch");
    }
}
