package org.exchangeai.app.web;

import java.util.Locale;

/** Small number formats shared by the pages. */
public final class Formatting {

    private Formatting() {
    }

    public static String rate(double fs) {
        return fs == Math.rint(fs) ? String.valueOf((long) fs) : String.format(Locale.ROOT, "%.2f", fs);
    }

    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
