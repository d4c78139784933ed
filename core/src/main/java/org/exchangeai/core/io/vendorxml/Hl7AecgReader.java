package org.exchangeai.core.io.vendorxml;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.ecg.Units;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * HL7 version 3 annotated ECG ({@code <AnnotatedECG xmlns="urn:hl7-org:v3">}), the format the US FDA
 * receives ECGs of clinical trials in.
 *
 * <p>The {@code series} coded {@code RHYTHM} is the recording; its {@code derivedSeries} coded
 * {@code REPRESENTATIVE_BEAT} becomes {@link Ecg#representativeBeat()}. In a series' first
 * {@code sequenceSet}, the {@code TIME_ABSOLUTE} or {@code TIME_RELATIVE} sequence gives the
 * sampling interval ({@code increment}, in s or ms) and the {@code MDC_ECG_LEAD_*} sequences the
 * leads: {@code SLIST_PQ} values are {@code origin + scale × digit} in the units of origin and scale.
 *
 * <p>Annotations ({@code annotationSet}) are read as follows, with times converted to samples from
 * the series start: wave annotations ({@code MDC_ECG_WAVC_PWAVE}, {@code QRSWAVE}, {@code TWAVE},
 * …) become onset {@code (} and offset {@code )} marks whose text names the wave, on the lead
 * their region names or the whole record; wave peaks become {@code p}/{@code t} marks (other peaks
 * a note); a {@code MDC_ECG_BEAT} becomes a beat mark ({@code N}, {@code V}, {@code S} or {@code Q})
 * at its QRS onset, since the format gives no fiducial point; a rhythm annotation
 * ({@code MDC_ECG_RHY}) a {@code +} mark and a statement; free-text ({@code ST}) values statements.
 * Interval and axis values ({@code MDC_ECG_TIME_PD_*}, {@code MDC_ECG_ANGLE_*_FRONT},
 * {@code MDC_ECG_HEART_RATE}) become measurements: values stated for the whole series first, then
 * those of the representative beat, then the median over the per-beat values.
 *
 * <p>Never read: the trial subject, investigator, technician and annotator persons, comments on
 * the subject, and trial and site identifiers.
 */
public final class Hl7AecgReader implements EcgFormat {

    public static final String NAME = "HL7-aECG";

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** MDC numeric codes and the canonical names they become. */
    private static final Map<String, String[]> NUMERICS = Map.ofEntries(
            Map.entry("MDC_ECG_HEART_RATE", new String[] {"hr_bpm", "bpm"}),
            Map.entry("MDC_ECG_TIME_PD_RR", new String[] {"rr_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_PP", new String[] {"pp_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_P", new String[] {"p_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_PR", new String[] {"pr_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_QRS", new String[] {"qrs_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_QT", new String[] {"qt_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_QTC", new String[] {"qtc_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_QTCB", new String[] {"qtc_ms", "ms"}),
            Map.entry("MDC_ECG_TIME_PD_QTCF", new String[] {"qtc_fridericia_ms", "ms"}),
            Map.entry("MDC_ECG_ANGLE_P_FRONT", new String[] {"p_axis_deg", "deg"}),
            Map.entry("MDC_ECG_ANGLE_QRS_FRONT", new String[] {"qrs_axis_deg", "deg"}),
            Map.entry("MDC_ECG_ANGLE_T_FRONT", new String[] {"t_axis_deg", "deg"}));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        return "AnnotatedECG".equals(VendorXml.rootElement(head));
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        try {
            return readFile(file);
        } catch (IllegalArgumentException e) {
            // e.g. a lead named twice or leads of unequal length, found while assembling the Ecg
            throw new EcgReadException(file.toString(), e.getMessage(), e);
        }
    }

    private Ecg readFile(Path file) throws EcgReadException {
        String name = file.toString();
        Document doc = VendorXml.parse(file);
        Element root = doc.getDocumentElement();
        if (!"AnnotatedECG".equals(VendorXml.localName(root))) {
            throw new EcgReadException(name, "not an HL7 aECG file: root element is <" + VendorXml.localName(root) + ">");
        }
        List<Element> all = new ArrayList<>();
        for (Element c : VendorXml.children(root, "component")) {
            all.addAll(VendorXml.children(c, "series"));
        }
        if (all.isEmpty()) {
            throw new EcgReadException(name, "no <series> with waveforms");
        }
        List<String> warnings = new ArrayList<>();
        Element rhythm = null;
        for (Element s : all) {
            if ("RHYTHM".equals(code(s))) {
                rhythm = s;
                break;
            }
        }
        if (rhythm == null) {
            rhythm = all.get(0);
            warnings.add("no series coded RHYTHM; read the first series (coded " + code(rhythm) + ")");
        }
        if (all.size() > 1) {
            warnings.add("the file holds " + all.size() + " series; read one");
        }
        Series main = series(name, rhythm, "RHYTHM series", warnings);
        Series beat = null;
        for (Element d : VendorXml.children(rhythm, "derivation")) {
            for (Element ds : VendorXml.children(d, "derivedSeries")) {
                if (beat == null && "REPRESENTATIVE_BEAT".equals(code(ds))) {
                    beat = series(name, ds, "REPRESENTATIVE_BEAT series", warnings);
                }
            }
        }

        Map<String, String> props = new LinkedHashMap<>();
        props.put("series", code(rhythm));
        props.put("sequence_time", main.timeCode);
        filters(rhythm, props);
        if (beat != null) {
            props.put("representative_beat", beat.length + " samples");
        }
        props.put("annotation_sets", String.valueOf(main.annotationSets));

        Ecg.Builder b = main.builder();
        b.source(main.source(name, b.build(), device(rhythm),
                main.startTime != null ? DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(main.startTime) : null, props));
        b.annotations(main.annotations);
        main.statements.forEach(b::statement);
        warnings.forEach(b::warning);
        main.warnings.forEach(b::warning);
        Map<String, Measurement> measurements = new LinkedHashMap<>(main.globalMeasurements);
        if (beat != null) {
            beat.globalMeasurements.forEach(measurements::putIfAbsent);
        }
        main.medianBeatMeasurements().forEach(measurements::putIfAbsent);
        b.measurements(new ArrayList<>(measurements.values()));
        if (beat != null) {
            Ecg.Builder bb = beat.builder();
            bb.source(beat.source(name, bb.build(), null, null, Map.of("series", "REPRESENTATIVE_BEAT")));
            bb.annotations(beat.annotations);
            Map<String, Measurement> bm = new LinkedHashMap<>(beat.globalMeasurements);
            beat.medianBeatMeasurements().forEach(bm::putIfAbsent);
            bb.measurements(new ArrayList<>(bm.values()));
            beat.statements.forEach(bb::statement);
            beat.warnings.forEach(bb::warning);
            b.representativeBeat(bb.build());
        }
        return b.build();
    }

    /** One series or derived series, decoded. */
    private static final class Series {
        double fs;
        double increment;
        int length = -1;
        String units;
        String timeCode;
        LocalDateTime startTime;
        double relativeHead;
        final Map<String, float[]> leads = new LinkedHashMap<>();
        /** Per lead: origin and scale in mV, the one conversion from digits. */
        final Map<String, double[]> scaling = new LinkedHashMap<>();
        final List<Annotation> annotations = new ArrayList<>();
        final List<String> statements = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Map<String, Measurement> globalMeasurements = new LinkedHashMap<>();
        final Map<String, List<Double>> beatValues = new LinkedHashMap<>();
        final Map<String, String> beatUnits = new LinkedHashMap<>();
        int annotationSets;
        int outOfRange;

        Ecg.Builder builder() {
            Ecg.Builder b = Ecg.builder(fs);
            leads.forEach(b::lead);
            return b;
        }

        /** Digits per unit of {@link #units} and the digit of 0, per lead in the order of {@code ecg}. */
        SourceInfo source(String file, Ecg ecg, String device, String time, Map<String, String> props) {
            double mvPerUnit = Units.millivoltsPer(units);
            double[] gains = new double[ecg.leadCount()];
            double[] baselines = new double[ecg.leadCount()];
            for (int i = 0; i < gains.length; i++) {
                double[] os = scaling.get(ecg.leads().get(i));
                if (os == null) {
                    // a derived limb lead: computed in mV, shown with the scale of the first stored lead
                    os = new double[] {0, scaling.values().iterator().next()[1]};
                }
                gains[i] = mvPerUnit / os[1];
                baselines[i] = -os[0] / os[1];
            }
            return new SourceInfo(file, NAME, units, gains, baselines, fs, List.of(), device, time, props);
        }

        Map<String, Measurement> medianBeatMeasurements() {
            Map<String, Measurement> out = new LinkedHashMap<>();
            beatValues.forEach((k, v) -> {
                double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double median = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
                out.put(k, new Measurement(k, median, beatUnits.get(k)));
            });
            return out;
        }

        /** Sample index of a time in seconds from the series start. */
        long sampleOfSeconds(double seconds) {
            return Math.round(seconds / increment);
        }
    }

    private static Series series(String file, Element series, String where, List<String> warnings)
            throws EcgReadException {
        List<Element> sets = new ArrayList<>();
        for (Element c : VendorXml.children(series, "component")) {
            sets.addAll(VendorXml.children(c, "sequenceSet"));
        }
        if (sets.isEmpty()) {
            throw new EcgReadException(file, where + " has no <sequenceSet>");
        }
        if (sets.size() > 1) {
            warnings.add(where + " holds " + sets.size() + " sequence sets; only the first was read");
        }
        Series s = new Series();
        for (Element c : VendorXml.children(sets.get(0), "component")) {
            Element seq = VendorXml.child(c, "sequence");
            if (seq == null) {
                continue;
            }
            String code = code(seq);
            Element value = VendorXml.child(seq, "value");
            if ("TIME_ABSOLUTE".equals(code) || "TIME_RELATIVE".equals(code)) {
                if (s.timeCode != null) {
                    throw new EcgReadException(file, where + " has two time sequences");
                }
                s.timeCode = code;
                time(file, where, code, value, s);
            } else if (code != null && code.startsWith("MDC_ECG_LEAD_")) {
                String lead = LeadNames.normalize(code.substring("MDC_ECG_LEAD_".length()));
                if (s.leads.containsKey(lead)) {
                    throw new EcgReadException(file, where + ": lead " + lead + " appears twice");
                }
                float[] mv = leadValues(file, where + " lead " + lead, lead, value, s);
                if (s.length >= 0 && mv.length != s.length) {
                    throw new EcgReadException(file, where + ": lead " + lead + " has " + mv.length
                            + " samples, the leads before it have " + s.length);
                }
                s.length = mv.length;
                s.leads.put(lead, mv);
            }
        }
        if (s.timeCode == null) {
            throw new EcgReadException(file, where + " has no TIME_ABSOLUTE or TIME_RELATIVE sequence");
        }
        if (s.leads.isEmpty()) {
            throw new EcgReadException(file, where + " has no MDC_ECG_LEAD_* sequence");
        }
        if (s.length == 0) {
            throw new EcgReadException(file, where + " has leads without samples");
        }
        for (Element so : VendorXml.children(series, "subjectOf")) {
            for (Element set : VendorXml.children(so, "annotationSet")) {
                s.annotationSets++;
                for (Element c : VendorXml.children(set, "component")) {
                    for (Element a : VendorXml.children(c, "annotation")) {
                        annotation(file, a, s, null, false);
                    }
                }
            }
        }
        if (s.outOfRange > 0) {
            s.warnings.add(s.outOfRange + " annotation mark(s) outside the " + where + " were left out");
        }
        return s;
    }

    private static void time(String file, String where, String code, Element value, Series s) throws EcgReadException {
        Element inc = VendorXml.child(value, "increment");
        if (inc == null) {
            throw new EcgReadException(file, where + ": " + code + " sequence has no <increment> (only regular sampling is supported)");
        }
        double increment = VendorXml.number(file, where + " increment", VendorXml.attr(inc, "value"))
                * secondsPer(file, where + " increment", VendorXml.attr(inc, "unit"));
        if (!(increment > 0) || increment > 10) {
            throw new EcgReadException(file, where + ": sampling increment must be a positive time, got "
                    + VendorXml.attr(inc, "value") + " " + VendorXml.attr(inc, "unit"));
        }
        s.increment = increment;
        s.fs = 1.0 / increment;
        Element head = VendorXml.child(value, "head");
        String hv = VendorXml.attr(head, "value");
        if ("TIME_ABSOLUTE".equals(code)) {
            s.startTime = timestamp(hv);
        } else if (hv != null) {
            s.relativeHead = VendorXml.number(file, where + " head", hv)
                    * secondsPer(file, where + " head", VendorXml.attr(head, "unit"));
        }
    }

    private static float[] leadValues(String file, String what, String lead, Element value, Series s)
            throws EcgReadException {
        if (value == null) {
            throw new EcgReadException(file, what + " has no <value>");
        }
        String type = value.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type");
        if (!type.isEmpty() && !type.endsWith("SLIST_PQ")) {
            throw new EcgReadException(file, what + ": unsupported value type " + type + " (only SLIST_PQ)");
        }
        Element origin = VendorXml.child(value, "origin");
        Element scale = VendorXml.child(value, "scale");
        if (scale == null) {
            throw new EcgReadException(file, what + " has no <scale>");
        }
        String scaleUnit = VendorXml.attr(scale, "unit");
        if (scaleUnit == null || !Units.isVoltage(scaleUnit)) {
            throw new EcgReadException(file, what + ": scale unit '" + scaleUnit + "' is not a voltage unit");
        }
        double scaleMv = VendorXml.number(file, what + " scale", VendorXml.attr(scale, "value")) * Units.millivoltsPer(scaleUnit);
        double originMv = 0;
        if (origin != null) {
            String originUnit = VendorXml.attr(origin, "unit");
            if (originUnit == null || !Units.isVoltage(originUnit)) {
                throw new EcgReadException(file, what + ": origin unit '" + originUnit + "' is not a voltage unit");
            }
            originMv = VendorXml.number(file, what + " origin", VendorXml.attr(origin, "value")) * Units.millivoltsPer(originUnit);
        }
        if (!(scaleMv != 0)) {
            throw new EcgReadException(file, what + ": scale must not be zero");
        }
        if (s.units == null) {
            s.units = scaleUnit;
        }
        s.scaling.put(lead, new double[] {originMv, scaleMv});
        Element digits = VendorXml.child(value, "digits");
        String text = digits == null ? null : digits.getTextContent();
        if (text == null || text.isBlank()) {
            throw new EcgReadException(file, what + " has no <digits>");
        }
        return digits(file, what, text, originMv, scaleMv);
    }

    /** Parses whitespace-separated integers without building a token list. */
    private static float[] digits(String file, String what, String text, double originMv, double scaleMv)
            throws EcgReadException {
        float[] out = new float[Math.max(16, text.length() / 3)];
        int n = 0;
        int i = 0;
        int len = text.length();
        while (i < len) {
            while (i < len && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= len) {
                break;
            }
            int start = i;
            boolean negative = false;
            if (text.charAt(i) == '-' || text.charAt(i) == '+') {
                negative = text.charAt(i) == '-';
                i++;
            }
            long v = 0;
            int digitsSeen = 0;
            while (i < len && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                v = v * 10 + (text.charAt(i) - '0');
                digitsSeen++;
                i++;
                if (digitsSeen > 12) {
                    break;
                }
            }
            if (digitsSeen == 0 || digitsSeen > 12 || (i < len && !Character.isWhitespace(text.charAt(i)))) {
                int end = start;
                while (end < len && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                throw new EcgReadException(file, what + ": unreadable digit '" + VendorXml.abbreviate(text.substring(start, end))
                        + "' at position " + (n + 1));
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = (float) (originMv + scaleMv * (negative ? -v : v));
        }
        return Arrays.copyOf(out, n);
    }

    /** One annotation and its nested ones; {@code beat} collects the beat's QRS onset. */
    private static void annotation(String file, Element a, Series s, long[] beatQrsOnset, boolean inBeat)
            throws EcgReadException {
        String code = code(a);
        Element value = VendorXml.child(a, "value");
        String valueCode = VendorXml.attr(value, "code");
        Roi roi = roi(file, a, s);
        if (code == null) {
            return;
        }
        String[] numeric = NUMERICS.get(code.toUpperCase(Locale.ROOT));
        if (numeric != null && value != null && VendorXml.attr(value, "value") != null) {
            double v = VendorXml.number(file, code + " value", VendorXml.attr(value, "value"));
            String unit = VendorXml.attr(value, "unit");
            if ("ms".equals(numeric[1]) && "s".equals(unit)) {
                v *= 1000;
            }
            if (inBeat) {
                s.beatValues.computeIfAbsent(numeric[0], k -> new ArrayList<>()).add(v);
                s.beatUnits.put(numeric[0], numeric[1]);
            } else {
                s.globalMeasurements.putIfAbsent(numeric[0], new Measurement(numeric[0], v, numeric[1]));
            }
            return;
        }
        if (code.equals("MDC_ECG_BEAT")) {
            long[] qrs = {-1};
            for (Element c : VendorXml.children(a, "component")) {
                for (Element child : VendorXml.children(c, "annotation")) {
                    annotation(file, child, s, qrs, true);
                }
            }
            long at = roi != null && roi.low >= 0 ? roi.low : qrs[0];
            if (at >= 0) {
                add(s, new Annotation(at, beatSymbol(valueCode), roi == null ? null : roi.lead, valueCode, 0));
            }
            return;
        }
        if (code.startsWith("MDC_ECG_RHY")) {
            String text = value == null ? null : firstNonNull(VendorXml.attr(value, "displayName"), valueCode);
            if (text != null) {
                s.statements.add(text);
                add(s, new Annotation(roi != null && roi.low >= 0 ? roi.low : 0, "+", null, text, 0));
            }
            return;
        }
        if (value != null && isFreeText(value)) {
            String text = VendorXml.text(value);
            if (text != null) {
                s.statements.add(text);
            }
            return;
        }
        if (code.startsWith("MDC_ECG_WAVC") && valueCode != null) {
            String wave = waveName(valueCode);
            if (roi != null) {
                if (roi.low >= 0) {
                    add(s, new Annotation(roi.low, "(", roi.lead, wave, 0));
                    if (beatQrsOnset != null && "QRS".equals(wave) && beatQrsOnset[0] < 0) {
                        beatQrsOnset[0] = roi.low;
                    }
                }
                if (roi.high >= 0) {
                    add(s, new Annotation(roi.high, ")", roi.lead, wave, 0));
                }
            }
            for (Element c : VendorXml.children(a, "component")) {
                for (Element child : VendorXml.children(c, "annotation")) {
                    String childValue = VendorXml.attr(VendorXml.child(child, "value"), "code");
                    Roi peak = roi(file, child, s);
                    if ("MDC_ECG_WAVC_PEAK".equals(childValue) && peak != null && peak.low >= 0) {
                        String symbol = "P".equals(wave) ? "p" : "T".equals(wave) ? "t" : "\"";
                        add(s, new Annotation(peak.low, symbol, peak.lead, wave + " peak", 0));
                    } else {
                        annotation(file, child, s, beatQrsOnset, inBeat);
                    }
                }
            }
            return;
        }
        if (roi != null && roi.low >= 0) {
            add(s, new Annotation(roi.low, "\"", roi.lead, valueCode != null ? code + " " + valueCode : code, 0));
        }
    }

    private static void add(Series s, Annotation a) {
        if (a.sample() < 0 || a.sample() > s.length) {
            s.outOfRange++;
        } else {
            s.annotations.add(a);
        }
    }

    /** A region of interest: onset and offset in samples ({@code -1} when not given) and its lead. */
    private record Roi(long low, long high, String lead) {
    }

    private static Roi roi(String file, Element annotation, Series s) throws EcgReadException {
        Element roi = VendorXml.path(annotation, "support", "supportingROI");
        if (roi == null) {
            return null;
        }
        long low = -1;
        long high = -1;
        String lead = null;
        for (Element c : VendorXml.children(roi, "component")) {
            Element boundary = VendorXml.child(c, "boundary");
            String code = code(boundary);
            Element value = VendorXml.child(boundary, "value");
            if (code == null) {
                continue;
            }
            if (code.startsWith("MDC_ECG_LEAD_")) {
                lead = LeadNames.normalize(code.substring("MDC_ECG_LEAD_".length()));
            } else if (code.equals("TIME_ABSOLUTE") || code.equals("TIME_RELATIVE")) {
                boolean absolute = code.equals("TIME_ABSOLUTE");
                Element lo = VendorXml.child(value, "low");
                Element hi = VendorXml.child(value, "high");
                if (lo == null && hi == null && VendorXml.attr(value, "value") != null) {
                    lo = value;
                }
                if (lo != null) {
                    low = timeToSample(file, lo, absolute, s);
                }
                if (hi != null) {
                    high = timeToSample(file, hi, absolute, s);
                }
            }
        }
        return new Roi(low, high, lead);
    }

    private static long timeToSample(String file, Element e, boolean absolute, Series s) throws EcgReadException {
        String v = VendorXml.attr(e, "value");
        if (v == null) {
            return -1;
        }
        if (absolute) {
            LocalDateTime t = timestamp(v);
            if (t == null || s.startTime == null) {
                throw new EcgReadException(file, "annotation time '" + v + "' cannot be placed on the series"
                        + (s.startTime == null ? " (the series has no absolute start time)" : ""));
            }
            double seconds = ChronoUnit.NANOS.between(s.startTime, t) / 1e9;
            return s.sampleOfSeconds(seconds);
        }
        double seconds = VendorXml.number(file, "annotation time", v) * secondsPer(file, "annotation time", VendorXml.attr(e, "unit"));
        return s.sampleOfSeconds(seconds - s.relativeHead);
    }

    /** HL7 TS {@code YYYYMMDDHHMMSS[.fff][+ZZZZ]}; the zone is dropped (all times of a file share it). */
    static LocalDateTime timestamp(String v) {
        if (v == null) {
            return null;
        }
        String t = v.trim();
        int zone = Math.max(t.indexOf('+'), t.indexOf('-'));
        if (zone > 0) {
            t = t.substring(0, zone);
        }
        String fraction = "";
        int dot = t.indexOf('.');
        if (dot >= 0) {
            fraction = t.substring(dot + 1);
            t = t.substring(0, dot);
        }
        if (!t.matches("\\d{8,14}") || !fraction.matches("\\d{0,9}")) {
            return null;
        }
        t = (t + "000000").substring(0, 14);
        try {
            LocalDateTime base = LocalDateTime.parse(t, TS);
            if (!fraction.isEmpty()) {
                base = base.plusNanos(Long.parseLong((fraction + "000000000").substring(0, 9)));
            }
            return base;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double secondsPer(String file, String what, String unit) throws EcgReadException {
        if (unit == null || unit.equals("s")) {
            return 1.0;
        }
        if (unit.equals("ms")) {
            return 1e-3;
        }
        if (unit.equals("us")) {
            return 1e-6;
        }
        throw new EcgReadException(file, what + ": unknown time unit '" + unit + "'");
    }

    private static String waveName(String valueCode) {
        String w = valueCode.startsWith("MDC_ECG_WAVC_") ? valueCode.substring("MDC_ECG_WAVC_".length()) : valueCode;
        return w.endsWith("WAVE") && w.length() > 4 ? w.substring(0, w.length() - 4) : w;
    }

    private static String beatSymbol(String valueCode) {
        if (valueCode == null) {
            return "Q";
        }
        String v = valueCode.toUpperCase(Locale.ROOT);
        if (v.contains("NORMAL")) {
            return "N";
        }
        if (v.contains("VENT")) {
            return "V";
        }
        if (v.contains("SUPRA") || v.contains("ATR")) {
            return "S";
        }
        return "Q";
    }

    private static boolean isFreeText(Element value) {
        String type = value.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type");
        return type.equals("ST") || type.endsWith(":ST");
    }

    private static void filters(Element series, Map<String, String> props) {
        for (Element outer : VendorXml.children(series, "controlVariable")) {
            Element cv = VendorXml.child(outer, "controlVariable");
            String kind = code(cv);
            if (kind == null) {
                continue;
            }
            for (Element comp : VendorXml.children(cv, "component")) {
                Element inner = VendorXml.child(comp, "controlVariable");
                String what = code(inner);
                Element v = VendorXml.child(inner, "value");
                String number = VendorXml.attr(v, "value");
                if (number == null || !"Hz".equals(VendorXml.attr(v, "unit"))) {
                    continue;
                }
                if (kind.endsWith("FILTER_LOW_PASS") && what != null && what.endsWith("CUTOFF_FREQ")) {
                    props.put("lowpass_hz", number);
                } else if (kind.endsWith("FILTER_HIGH_PASS") && what != null && what.endsWith("CUTOFF_FREQ")) {
                    props.put("highpass_hz", number);
                } else if (kind.endsWith("FILTER_NOTCH") && what != null && what.endsWith("NOTCH_FREQ")) {
                    props.put("notch_hz", number);
                }
            }
        }
    }

    private static String device(Element series) {
        Element author = VendorXml.path(series, "author", "seriesAuthor");
        if (author == null) {
            return null;
        }
        Element device = VendorXml.child(author, "manufacturedSeriesDevice");
        String maker = VendorXml.text(author, "manufacturerOrganization", "name");
        String model = VendorXml.text(device, "manufacturerModelName");
        String software = VendorXml.text(device, "softwareName");
        StringBuilder sb = new StringBuilder();
        if (maker != null) {
            sb.append(maker);
        }
        if (model != null) {
            sb.append(sb.length() > 0 ? " " : "").append(model);
        }
        if (software != null) {
            sb.append(sb.length() > 0 ? " " : "").append("(software ").append(software).append(')');
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static String code(Element e) {
        return VendorXml.attr(VendorXml.child(e, "code"), "code");
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
