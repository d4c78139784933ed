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

    /** Three decimals, "–" when absent (as the command line prints metrics). */
    public static String f3(Double v) {
        return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Thousands grouped with thin spaces: 401 240. */
    public static String count(Long v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%,d", v).replace(',', '\u202f');
    }

    /** A CSV field, quoted when it holds a comma, quote or line break. */
    public static String csvField(String v) {
        if (v == null) {
            return "";
        }
        return v.matches("(?s).*[\",\r\n].*") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
