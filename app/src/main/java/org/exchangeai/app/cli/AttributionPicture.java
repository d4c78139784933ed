package org.exchangeai.app.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.explain.Explanation;

/**
 * The leads of a recording on ECG paper (25 mm/s, 10 mm/mV, 1 mm and 5 mm grid) with the attribution
 * drawn as a colour band under each lead and a light tint behind it: red where the part spoke for the
 * class, blue where it spoke against, stronger colour for larger values (one scale for all leads).
 * Rendered without a display, so it works on servers and in reports.
 */
final class AttributionPicture {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int PX_PER_MM = 4;
    private static final int LABEL_WIDTH = 48;
    private static final int HEADER = 64;
    private static final int ROW_MM = 17;
    private static final int BAND_MM = 3;
    private static final Color MINOR = new Color(250, 214, 214);
    private static final Color MAJOR = new Color(238, 150, 150);
    private static final Color SPEAKS_FOR = new Color(215, 25, 28);
    private static final Color SPEAKS_AGAINST = new Color(44, 123, 182);

    private AttributionPicture() {
    }

    /** Writes the picture of {@code e} for recording {@code ecg} (model input at {@code modelRate} Hz) as PNG. */
    static void write(Explanation e, Ecg ecg, String method, double modelRate, Path out) throws IOException {
        List<String> leads = e.leads();
        float[][] values = e.onRecording();
        double fs = e.fs();
        double seconds = Math.min(ecg.durationSeconds(), e.prepared().validLength() / modelRate);
        int plotWidth = (int) Math.round(seconds * 25 * PX_PER_MM);
        int rowHeight = ROW_MM * PX_PER_MM;
        int width = LABEL_WIDTH + plotWidth + 8;
        int height = HEADER + leads.size() * rowHeight + 8;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            double scale = maxAbs(values);
            header(g, e, method, width, scale);
            int samplesShown = Math.min(ecg.length(), (int) Math.round(seconds * fs));
            for (int l = 0; l < leads.size(); l++) {
                int top = HEADER + l * rowHeight;
                grid(g, top, plotWidth, rowHeight);
                float[] row = values[l];
                for (int x = 0; x < plotWidth; x++) {
                    int from = (int) ((long) x * samplesShown / plotWidth);
                    int to = Math.max(from + 1, (int) ((long) (x + 1) * samplesShown / plotWidth));
                    double mean = 0;
                    for (int t = from; t < to && t < row.length; t++) {
                        mean += row[t];
                    }
                    mean /= to - from;
                    double strength = scale > 0 ? Math.min(1, Math.abs(mean) / scale) : 0;
                    Color base = mean >= 0 ? SPEAKS_FOR : SPEAKS_AGAINST;
                    g.setColor(withAlpha(base, 0.25 * strength));
                    g.fillRect(LABEL_WIDTH + x, top, 1, rowHeight - BAND_MM * PX_PER_MM);
                    g.setColor(withAlpha(base, strength));
                    g.fillRect(LABEL_WIDTH + x, top + rowHeight - BAND_MM * PX_PER_MM, 1, BAND_MM * PX_PER_MM);
                }
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
                g.drawString(leads.get(l), 6, top + rowHeight / 2 + 5);
                if (ecg.hasLead(leads.get(l))) {
                    trace(g, ecg.lead(leads.get(l)), samplesShown, top + (rowHeight - BAND_MM * PX_PER_MM) / 2, plotWidth,
                            top, top + rowHeight - BAND_MM * PX_PER_MM);
                } else {
                    g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 11));
                    g.drawString("derived by the preparation", LABEL_WIDTH + 6, top + 14);
                }
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", out.toFile())) {
            throw new IOException(out + ": no PNG writer available");
        }
    }

    private static void header(Graphics2D g, Explanation e, String method, int width, double scale) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(String.format(Locale.ROOT, "%s: %s %.1f %%", e.name(), e.className(), 100 * e.probability()), 8, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("method: " + method + "   25 mm/s, 10 mm/mV", 8, 44);
        int legendWidth = 160;
        int x0 = width - legendWidth - 16;
        for (int i = 0; i < legendWidth; i++) {
            double v = 2.0 * i / (legendWidth - 1) - 1;
            g.setColor(withAlpha(v >= 0 ? SPEAKS_FOR : SPEAKS_AGAINST, Math.abs(v)));
            g.fillRect(x0 + i, 14, 1, 14);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, 14, legendWidth, 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(String.format(Locale.ROOT, "%.3g", -scale), x0 - 4, 42);
        g.drawString("0", x0 + legendWidth / 2 - 3, 42);
        g.drawString(String.format(Locale.ROOT, "%.3g", scale), x0 + legendWidth - 24, 42);
        g.drawString("against  ·  for the class", x0 + 12, 56);
    }

    private static void grid(Graphics2D g, int top, int plotWidth, int rowHeight) {
        for (int mm = 0; mm * PX_PER_MM <= plotWidth; mm++) {
            g.setColor(mm % 5 == 0 ? MAJOR : MINOR);
            g.drawLine(LABEL_WIDTH + mm * PX_PER_MM, top, LABEL_WIDTH + mm * PX_PER_MM, top + rowHeight);
        }
        for (int mm = 0; mm <= ROW_MM; mm++) {
            g.setColor(mm % 5 == 0 ? MAJOR : MINOR);
            g.drawLine(LABEL_WIDTH, top + mm * PX_PER_MM, LABEL_WIDTH + plotWidth, top + mm * PX_PER_MM);
        }
    }

    /** The lead in mV at 10 mm/mV around {@code centre}, its median as zero, clipped to the row. */
    private static void trace(Graphics2D g, float[] lead, int samples, int centre, int plotWidth, int top, int bottom) {
        float[] sorted = java.util.Arrays.copyOf(lead, samples);
        java.util.Arrays.sort(sorted);
        double level = samples == 0 ? 0 : sorted[samples / 2];
        Path2D.Double path = new Path2D.Double();
        for (int t = 0; t < samples; t++) {
            double x = LABEL_WIDTH + (double) t * plotWidth / samples;
            double y = centre - (lead[t] - level) * 10 * PX_PER_MM;
            y = Math.max(top, Math.min(bottom, Double.isNaN(y) ? centre : y));
            if (t == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.draw(path);
    }

    private static double maxAbs(float[][] values) {
        double m = 0;
        for (float[] row : values) {
            for (float v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    private static Color withAlpha(Color c, double alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(255 * Math.max(0, Math.min(1, alpha))));
    }
}
