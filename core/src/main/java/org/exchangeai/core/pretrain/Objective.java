package org.exchangeai.core.pretrain;

import java.util.Locale;

/** What a pretraining run learns from. */
public enum Objective {
    /** Self-supervised: two augmented views of each recording must recognise each other (NT-Xent); no labels used. */
    SSL,
    /** Multi-label classification of the corpus's labels (sigmoid, binary cross-entropy). */
    SUPERVISED,
    /** Both losses summed; recordings without labels still count for the self-supervised part. */
    BOTH;

    public boolean contrastive() {
        return this != SUPERVISED;
    }

    public boolean supervised() {
        return this != SSL;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Objective parse(String s) {
        for (Objective o : values()) {
            if (o.key().equalsIgnoreCase(s.strip())) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown objective '" + s + "'; choose ssl, supervised or both");
    }
}
