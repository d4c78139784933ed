package org.exchangeai.core.io.wfdb;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.ecg.Units;

/**
 * Writes an {@link Ecg} as a WFDB record: {@code <name>.hea}, one format-16 {@code <name>.dat}
 * with all leads, record-level annotations as {@code <name>.atr} and per-lead annotations as
 * {@code <name>.<lead>} (LUDB style).
 *
 * <p>Gains: a lead read from WFDB whose samples are whole digital values under its original gain
 * and baseline keeps them, so WFDB → WFDB loses nothing. Any other lead is written with 1000
 * units/mV (1 µV resolution), or, when its amplitude exceeds ±32.767 mV, the largest gain that
 * fits 16 bits. NaN samples are written as the invalid-sample value −32768.
 */
public final class WfdbWriter {

    /** Record names: no white space (header fields are split on it), no path, no leading dot. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");
    private static final Pattern SAFE_EXTENSION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*");
    private static final int MAX_DIGITAL = 32767;
    private static final int INVALID = -32768;
    /** How far from a whole number a digital value may be and still count as one (float32 rounding). */
    private static final double INTEGER_TOLERANCE = 0.01;

    private WfdbWriter() {
    }

    /** How one lead is stored. */
    record LeadScale(double gain, double baseline, String units) {
    }

    /**
     * Writes the record; existing files of the same names are replaced.
     *
     * @param record record name: letters, digits, {@code _}, {@code -}, {@code +} and inner dots
     * @return the files written, header first
     */
    public static List<Path> write(Ecg ecg, Path dir, String record) throws IOException {
        if (!SAFE_NAME.matcher(record).matches()) {
            throw new IllegalArgumentException("'" + record + "' is not a WFDB record name (letters, digits, _, -, +"
                    + " and inner dots; no spaces)");
        }
        Files.createDirectories(dir);
        int nsig = ecg.leadCount();
        int n = ecg.length();
        List<String> leads = ecg.leads();
        LeadScale[] scales = new LeadScale[nsig];
        short[][] digital = new short[nsig][];
        for (int i = 0; i < nsig; i++) {
            float[] mv = ecg.lead(i);
            scales[i] = chooseScale(ecg.source(), i, mv);
            digital[i] = toDigital(mv, scales[i]);
        }
        byte[] dat = new byte[Math.multiplyExact(Math.multiplyExact(n, nsig), 2)];
        int p = 0;
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < nsig; i++) {
                short v = digital[i][t];
                dat[p++] = (byte) v;
                dat[p++] = (byte) (v >> 8);
            }
        }
        StringBuilder hea = new StringBuilder();
        hea.append(record).append(' ').append(nsig).append(' ').append(number(ecg.fs())).append(' ').append(n).append('\n');
        for (int i = 0; i < nsig; i++) {
            int sum = 0;
            for (short v : digital[i]) {
                sum += v;
            }
            LeadScale s = scales[i];
            hea.append(record).append(".dat 16 ").append(number(s.gain)).append('(')
                    .append(Math.round(s.baseline)).append(")/").append(s.units).append(" 16 0 ")
                    .append(n > 0 ? digital[i][0] : 0).append(' ').append((short) sum).append(" 0 ")
                    .append(leads.get(i)).append('\n');
        }
        if (ecg.source() != null) {
            for (String note : ecg.source().notes()) {
                for (String line : note.split("\r\n|\r|\n")) {
                    hea.append("# ").append(line).append('\n');
                }
            }
        }
        List<Path> written = new ArrayList<>();
        written.add(writeAtomically(dir.resolve(record + ".hea"), hea.toString().getBytes(StandardCharsets.UTF_8)));
        written.add(writeAtomically(dir.resolve(record + ".dat"), dat));
        Map<String, List<Annotation>> byFile = new LinkedHashMap<>();
        for (Annotation a : ecg.annotations()) {
            String ext = a.lead() == null ? "atr" : a.lead().toLowerCase(Locale.ROOT);
            if (!SAFE_EXTENSION.matcher(ext).matches() || ext.equals("hea") || ext.equals("dat")) {
                continue;
            }
            byFile.computeIfAbsent(ext, k -> new ArrayList<>()).add(a);
        }
        for (Map.Entry<String, List<Annotation>> e : byFile.entrySet()) {
            written.add(writeAtomically(dir.resolve(record + "." + e.getKey()), encodeAnnotations(e.getValue())));
        }
        return written;
    }

    private static Path writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static LeadScale chooseScale(SourceInfo source, int lead, float[] mv) {
        if (source != null && "WFDB".equals(source.format()) && source.gains() != null && source.baselines() != null
                && lead < source.gains().length && Units.isVoltage(source.units())) {
            double gain = source.gains()[lead];
            double baseline = source.baselines()[lead];
            if (Double.isFinite(gain) && gain != 0 && Double.isFinite(baseline) && baseline == Math.rint(baseline)) {
                double perUnit = gain / Units.millivoltsPer(source.units());
                if (wholeDigital(mv, perUnit, baseline)) {
                    return new LeadScale(gain, baseline, source.units());
                }
            }
        }
        double max = 0;
        for (float v : mv) {
            if (Float.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double gain = 1000;
        if (max * gain > MAX_DIGITAL) {
            gain = Math.floor(MAX_DIGITAL / max * 1e6) / 1e6;
        }
        return new LeadScale(gain, 0, "mV");
    }

    private static boolean wholeDigital(float[] mv, double perMv, double baseline) {
        for (float v : mv) {
            if (Float.isNaN(v)) {
                continue;
            }
            double d = v * perMv + baseline;
            double r = Math.rint(d);
            if (Math.abs(d - r) > INTEGER_TOLERANCE || r > MAX_DIGITAL || r < -MAX_DIGITAL) {
                return false;
            }
        }
        return true;
    }

    private static short[] toDigital(float[] mv, LeadScale s) {
        double perMv = s.gain / Units.millivoltsPer(s.units);
        short[] out = new short[mv.length];
        for (int t = 0; t < mv.length; t++) {
            float v = mv[t];
            if (!Float.isFinite(v)) {
                out[t] = INVALID;
            } else {
                long d = Math.round(v * perMv + s.baseline);
                out[t] = (short) Math.max(-MAX_DIGITAL, Math.min(MAX_DIGITAL, d));
            }
        }
        return out;
    }

    /** MIT-format annotation bytes ({@code annot(5)}); annotations are written in time order. */
    static byte[] encodeAnnotations(List<Annotation> annotations) {
        List<Annotation> sorted = new ArrayList<>(annotations);
        sorted.sort((a, b) -> Long.compare(a.sample(), b.sample()));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long time = 0;
        for (Annotation a : sorted) {
            int code = WfdbAnnotationReader.codeOf(a.code());
            if (code <= 0) {
                continue;
            }
            long delta = a.sample() - time;
            if (delta > 1023 || delta < 0) {
                word(out, 59 << 10);
                word(out, (int) (delta >>> 16) & 0xffff);
                word(out, (int) delta & 0xffff);
                delta = 0;
            }
            word(out, (code << 10) | (int) delta);
            time = a.sample();
            if (a.subtype() != 0) {
                word(out, (61 << 10) | (a.subtype() & 0x3ff));
            }
            if (a.text() != null && !a.text().isEmpty()) {
                byte[] text = a.text().getBytes(StandardCharsets.ISO_8859_1);
                int len = Math.min(text.length, 255);
                word(out, (63 << 10) | len);
                out.write(text, 0, len);
                if ((len & 1) == 1) {
                    out.write(0);
                }
            }
        }
        word(out, 0);
        return out.toByteArray();
    }

    private static void word(java.io.ByteArrayOutputStream out, int w) {
        out.write(w & 0xff);
        out.write((w >> 8) & 0xff);
    }

    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
