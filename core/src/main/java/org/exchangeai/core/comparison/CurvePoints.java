package org.exchangeai.core.comparison;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Learning-curve points as users write them ("25,50", "25 % 50"): shares of the training part. */
public final class CurvePoints {

    private CurvePoints() {
    }

    /**
     * The shares in (0, 1], sorted, always with 1 (the full training part).
     *
     * @param text percentages separated by commas, semicolons or spaces, each optionally with {@code %};
     *             null or blank for no curve
     * @throws IllegalArgumentException naming the first entry that is not a percentage in (0, 100]
     */
    public static List<Double> parse(String text) {
        List<Double> f = new ArrayList<>();
        if (text != null) {
            for (String s : text.split("[,;\\s]+")) {
                String p = s.strip().replace("%", "");
                if (p.isEmpty()) {
                    continue;
                }
                double v;
                try {
                    v = Double.parseDouble(p) / 100.0;
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                if (!(v > 0 && v <= 1)) {
                    throw new IllegalArgumentException("'" + s.strip() + "' is not a percentage in (0, 100]");
                }
                f.add(v);
            }
        }
        f.add(1.0);
        return List.copyOf(new TreeSet<>(f));
    }
}
