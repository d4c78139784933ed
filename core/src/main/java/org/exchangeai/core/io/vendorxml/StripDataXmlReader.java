package org.exchangeai.core.io.vendorxml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Headerless;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.numeric.RawDatReader;
import org.exchangeai.core.io.text.CsvReader;

/**
 * The {@code StripData}/{@code WaveformData} XML layout (GE CardioSoft {@code CardiologyXML}, the
 * layout the original platform's XML upload reads): {@code StripData} holds {@code SampleRate}
 * (Hz), {@code Resolution} (µV per unit), {@code NumberOfLeads}, {@code ChannelSampleCountTotal}
 * and one {@code WaveformData lead="…"} of comma-separated integers per lead.
 * {@code RestingECGMeasurements} gives device measurements and its {@code MedianSamples} the
 * representative beat. Patient information is not read. Without {@code Resolution}, values are
 * scaled from {@link ReadOptions} (default 1000 units per mV, as the original); without
 * {@code SampleRate}, the rate comes from {@code --fs} or the 10-s rule.
 */
public final class StripDataXmlReader implements EcgFormat {

    static final long MAX_BYTES = 256L * 1024 * 1024;
    private static final Map<String, String[]> MEASUREMENTS = Map.of(
            "VentricularRate", new String[] {"hr_bpm", "bpm"},
            "PQInterval", new String[] {"pr_ms", "ms"},
            "PDuration", new String[] {"p_ms", "ms"},
            "QRSDuration", new String[] {"qrs_ms", "ms"},
            "QTInterval", new String[] {"qt_ms", "ms"},
            "QTCInterval", new String[] {"qtc_ms", "ms"},
            "RRInterval", new String[] {"rr_ms", "ms"},
            "PAxis", new String[] {"p_axis_deg", "deg"},
            "RAxis", new String[] {"qrs_axis_deg", "deg"},
            "TAxis", new String[] {"t_axis_deg", "deg"});

    @Override
    public String name() {
        return "StripData XML";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        String text = CsvReader.decodeText(head);
        if (text == null) {
            return false;
        }
        String start = text.stripLeading();
        return start.startsWith("<") && (text.contains("<CardiologyXML") || text.contains("<StripData"));
    }

    /** One block of waveforms ({@code StripData} or {@code MedianSamples}). */
    private static final class Block {
        final Map<String, String> fields = new LinkedHashMap<>();
        final Map<String, int[]> leads = new LinkedHashMap<>();
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        ReadOptions opts = options == null ? ReadOptions.DEFAULT : options;
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new EcgReadException(name, "file is empty");
            }
            if (size > MAX_BYTES) {
                throw new EcgReadException(name, size + " bytes exceed the " + MAX_BYTES + "-byte limit for XML files");
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        Block strip = null;
        Block median = null;
        Map<String, String> measured = new LinkedHashMap<>();
        List<String> statements = new ArrayList<>();
        String device = null;
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        try (java.io.Reader in = new java.io.StringReader(decode(file))) {
            XMLStreamReader x = f.createXMLStreamReader(in);
            Deque<String> path = new ArrayDeque<>();
            Block current = null;
            StringBuilder text = new StringBuilder();
            String lead = null;
            while (x.hasNext()) {
                int ev = x.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    String tag = x.getLocalName();
                    if (tag.equals("StripData") && strip == null) {
                        current = strip = new Block();
                    } else if (tag.equals("MedianSamples") && median == null) {
                        current = median = new Block();
                    }
                    lead = tag.equals("WaveformData") ? x.getAttributeValue(null, "lead") : lead;
                    path.push(tag);
                    text.setLength(0);
                } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
                    text.append(x.getText());
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    String tag = path.pop();
                    String parent = path.peek();
                    String value = text.toString().trim();
                    if (tag.equals("StripData") || tag.equals("MedianSamples")) {
                        current = null;
                    } else if (current != null && tag.equals("WaveformData")) {
                        if (lead == null || lead.isBlank()) {
                            throw new EcgReadException(name, "WaveformData without a lead attribute at line "
                                    + x.getLocation().getLineNumber());
                        }
                        if (current.leads.containsKey(lead)) {
                            throw new EcgReadException(name, "lead " + lead + " appears twice");
                        }
                        current.leads.put(lead, integers(name, lead, value));
                        lead = null;
                    } else if (current != null && "StripData".equals(parent) || current != null && "MedianSamples".equals(parent)) {
                        current.fields.put(tag, value);
                    } else if ("RestingECGMeasurements".equals(parent) && MEASUREMENTS.containsKey(tag) && !value.isEmpty()) {
                        measured.put(tag, value);
                    } else if (tag.equals("ConclusionText") || tag.equals("DiagnosisText")) {
                        if (!value.isEmpty()) {
                            statements.add(value);
                        }
                    } else if ("DeviceInfo".equals(parent) && tag.equals("Desc") && !value.isEmpty()) {
                        device = value;
                    }
                    text.setLength(0);
                }
            }
            x.close();
        } catch (XMLStreamException e) {
            throw new EcgReadException(name, "malformed XML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (strip == null) {
            throw new EcgReadException(name, "no StripData element: not the StripData/WaveformData XML layout");
        }
        if (strip.leads.isEmpty()) {
            throw new EcgReadException(name, "StripData holds no WaveformData");
        }
        List<String> warnings = new ArrayList<>();
        Ecg rhythm = block(name, strip, opts, warnings, true);
        Ecg.Builder b = rhythm.toBuilder();
        for (Map.Entry<String, String> m : measured.entrySet()) {
            try {
                String[] key = MEASUREMENTS.get(m.getKey());
                b.measurement(key[0], Double.parseDouble(m.getValue()), key[1]);
            } catch (NumberFormatException e) {
                warnings.add("measurement " + m.getKey() + " '" + m.getValue() + "' is not a number; ignored");
            }
        }
        b.statements(statements);
        if (median != null && !median.leads.isEmpty()) {
            try {
                b.representativeBeat(block(name, median, opts, new ArrayList<>(), false));
            } catch (EcgReadException e) {
                warnings.add("median beat ignored: " + e.reason());
            }
        }
        warnings.forEach(b::warning);
        SourceInfo s = rhythm.source();
        b.source(new SourceInfo(s.file(), s.format(), s.units(), s.gains(), s.baselines(), s.originalFs(), s.notes(),
                device, null, s.properties()));
        return b.build();
    }

    private Ecg block(String name, Block blk, ReadOptions opts, List<String> warnings, boolean rhythm)
            throws EcgReadException {
        String what = rhythm ? "StripData" : "MedianSamples";
        int n = -1;
        for (Map.Entry<String, int[]> e : blk.leads.entrySet()) {
            if (n < 0) {
                n = e.getValue().length;
            } else if (e.getValue().length != n) {
                throw new EcgReadException(name, what + " lead " + e.getKey() + " has " + e.getValue().length
                        + " samples, the first lead has " + n);
            }
        }
        if (n == 0) {
            throw new EcgReadException(name, what + " leads hold no samples");
        }
        String declared = blk.fields.get("ChannelSampleCountTotal");
        if (declared != null && !declared.isEmpty() && !declared.equals(String.valueOf(n))) {
            throw new EcgReadException(name, what + " declares ChannelSampleCountTotal " + declared + " but the leads hold "
                    + n + " samples");
        }
        String leadCount = blk.fields.get("NumberOfLeads");
        if (rhythm && leadCount != null && !leadCount.equals(String.valueOf(blk.leads.size()))) {
            warnings.add("NumberOfLeads says " + leadCount + ", the file holds " + blk.leads.size() + " leads");
        }
        double fs;
        String rate = blk.fields.get("SampleRate");
        if (rate != null && !rate.isEmpty()) {
            fs = number(name, what + " SampleRate", rate);
            if (!(fs > 0)) {
                throw new EcgReadException(name, what + " SampleRate " + rate + " is not positive");
            }
        } else {
            Headerless.Rate r = Headerless.rate(name, opts, n);
            fs = r.fs();
            if (r.warning() != null) {
                warnings.add(r.warning());
            }
        }
        double mvPerValue;
        String res = blk.fields.get("Resolution");
        String units;
        if (res != null && !res.isEmpty()) {
            double uvPerUnit = number(name, what + " Resolution", res);
            if (!(uvPerUnit > 0)) {
                throw new EcgReadException(name, what + " Resolution " + res + " is not positive");
            }
            mvPerValue = uvPerUnit / 1000;
            units = "adu";
        } else if (opts.adcGain() == null && opts.units() == null) {
            mvPerValue = 1.0 / RawDatReader.DEFAULT_UNITS_PER_MV;
            units = "adu";
            warnings.add("no Resolution element: read at the original platform's default of 1000 units per mV; pass "
                    + "--adc-gain if that is wrong");
        } else {
            mvPerValue = Headerless.millivoltsPerValue(name, opts, "mV", 1.0);
            units = Headerless.storedUnits(opts, "mV");
        }
        Ecg.Builder b = Ecg.builder(fs);
        try {
            for (Map.Entry<String, int[]> e : blk.leads.entrySet()) {
                int[] raw = e.getValue();
                float[] mv = new float[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    mv[i] = (float) (raw[i] * mvPerValue);
                }
                b.lead(e.getKey(), mv);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("resolution_uV", res == null ? "" : res);
        Ecg built = b.build();
        double[] gains = new double[built.leadCount()];
        java.util.Arrays.fill(gains, 1.0 / mvPerValue);
        for (String d : built.derivedLeads()) {
            gains[built.indexOf(d)] = Double.NaN;
        }
        return built.toBuilder().source(new SourceInfo(name, name(), units, gains, null, fs, List.of(), null, null,
                props)).build();
    }

    private static final java.util.regex.Pattern DECLARATION =
            java.util.regex.Pattern.compile("^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([^\"']+)[\"']");

    /**
     * The document as text. CardioSoft writes {@code encoding="ISO8859-1"}, a spelling XML parsers
     * reject; the declared charset is resolved here (aliases included) and the text handed on decoded.
     */
    static String decode(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String ascii = new String(bytes, 0, Math.min(bytes.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        java.nio.charset.Charset cs = java.nio.charset.StandardCharsets.UTF_8;
        java.util.regex.Matcher m = DECLARATION.matcher(ascii);
        if (m.find()) {
            String enc = m.group(1).trim();
            try {
                cs = java.nio.charset.Charset.forName(enc.toUpperCase(Locale.ROOT).replaceFirst("^ISO8859", "ISO-8859"));
            } catch (IllegalArgumentException e) {
                throw new IOException("unknown XML encoding '" + enc + "'");
            }
        }
        int skip = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF
                ? 3 : 0;
        String text = new String(bytes, skip, bytes.length - skip, cs);
        return m.find(0) ? text.replaceFirst("encoding\\s*=\\s*[\"'][^\"']+[\"']", "encoding=\"UTF-8\"") : text;
    }

    private static int[] integers(String file, String lead, String text) throws EcgReadException {
        List<String> parts = new ArrayList<>();
        for (String p : text.split(",")) {
            String t = p.strip();
            if (!t.isEmpty()) {
                parts.add(t);
            }
        }
        int[] out = new int[parts.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Integer.parseInt(parts.get(i));
            } catch (NumberFormatException e) {
                throw new EcgReadException(file, "unreadable number '" + parts.get(i) + "' in WaveformData of lead " + lead
                        + ", value " + (i + 1));
            }
        }
        return out;
    }

    private static double number(String file, String what, String text) throws EcgReadException {
        try {
            return Double.parseDouble(text.trim().replace(',', '.').toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw new EcgReadException(file, "unreadable " + what + " '" + text + "'");
        }
    }
}
