package org.exchangeai.app.web;

import java.util.Locale;
import org.exchangeai.core.comparison.Leaderboard;

/**
 * The forest plot of a cross-validated leaderboard as inline SVG: for every candidate its macro F1
 * minus the leader's with the paired bootstrap interval, a line at zero; candidates that cannot be
 * told apart from the leader are drawn in the leader's colour.
 */
final class ForestPlot {

    private static final int WIDTH = 640;
    private static final int ROW = 30;
    private static final int LEFT = 230;
    private static final int RIGHT = 20;

    private ForestPlot() {
    }

    static String svg(Leaderboard b) {
        double lo = 0;
        double hi = 0;
        for (Leaderboard.Row r : b.rows()) {
            if (r.macroF1VsLeader() != null) {
                lo = Math.min(lo, r.macroF1VsLeader().low());
                hi = Math.max(hi, r.macroF1VsLeader().high());
            }
        }
        double span = Math.max(0.05, hi - lo);
        lo -= span * 0.08;
        hi += span * 0.08;
        int height = ROW * b.rows().size() + 40;
        int plotW = WIDTH - LEFT - RIGHT;
        final double min = lo;
        final double range = hi - lo;
        java.util.function.DoubleUnaryOperator x = v -> LEFT + plotW * (v - min) / range;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"forest\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Macro F1 difference to the leader with 95 %% intervals\">",
                WIDTH, height, WIDTH, height));
        double zero = x.applyAsDouble(0);
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"6\" x2=\"%.1f\" y2=\"%d\" stroke=\"#6b7385\" stroke-dasharray=\"4 3\"/>",
                zero, zero, height - 24));
        int y = 20;
        for (Leaderboard.Row r : b.rows()) {
            String colour = r.indistinguishable() ? "#1565c0" : "#c62828";
            s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"12\" fill=\"#222\">%s</text>", y + 4,
                    escape(r.candidate())));
            Leaderboard.Difference d = r.macroF1VsLeader();
            if (d == null) {
                s.append(String.format(Locale.ROOT, "<circle class=\"forest-point\" cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\"/>"
                        + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#6b7385\">leader</text>", zero, y, colour, zero + 8, y + 4));
            } else {
                double a = x.applyAsDouble(d.low());
                double c = x.applyAsDouble(d.high());
                double m = x.applyAsDouble(d.difference());
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>",
                        a, y, c, y, colour));
                s.append(String.format(Locale.ROOT, "<rect class=\"forest-point\" x=\"%.1f\" y=\"%d\" width=\"8\" height=\"8\" fill=\"%s\">"
                        + "<title>%s: %+.3f [%+.3f, %+.3f], p (Holm) %.3f</title></rect>", m - 4, y - 4, colour,
                        escape(r.candidate()), d.difference(), d.low(), d.high(), d.pHolm()));
            }
            y += ROW;
        }
        int axis = height - 12;
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#6b7385\" text-anchor=\"middle\">%+.2f</text>",
                    x.applyAsDouble(v), axis, v));
        }
        s.append("</svg>");
        return s.toString();
    }

    private static String escape(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
