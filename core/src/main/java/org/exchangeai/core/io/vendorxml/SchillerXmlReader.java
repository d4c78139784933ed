package org.exchangeai.core.io.vendorxml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.ecg.Units;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;
import org.w3c.dom.Element;

/**
 * Schiller SEMA XML ({@code SchillerEDI}, root element
 * {@code com.xiriuz.sema.xml.schillerEDI.SchillerEDI}): {@code eventdata/event/wavedata} of type
 * {@code ECG_RHYTHMS} is the recording and {@code ECG_AVERAGES} the representative beat. Each
 * {@code wavedata} states its {@code resolution} ({@code samplerate/value} with
 * {@code exponent} 1, {@code yres/unitperbit} in {@code yres/units} µV or mV); each
 * {@code channel} has a {@code name}, {@code samplecount}, {@code datastype} {@code COMMASEPARATE}
 * and the comma-separated integers in {@code data}. {@code annotation_global} values become
 * measurements (HR, RR, P, PQ, QRS, QT, QTc, axes), the interpretation text a statement. The
 * patient section ({@code patdata}) and the staff and institution fields are never read.
 */
public final class SchillerXmlReader implements EcgFormat {

    static final String NAME = "Schiller-XML";

    /** {@code annotation_global} names and the measurement each becomes. */
    private static final String[][] MEASUREMENTS = {
            {"HR", "hr_bpm", "bpm"}, {"RR", "rr_ms", "ms"}, {"P", "p_ms", "ms"}, {"PQ", "pr_ms", "ms"},
            {"QRS", "qrs_ms", "ms"}, {"QT", "qt_ms", "ms"}, {"QTC", "qtc_ms", "ms"}, {"AXIS_P", "p_axis_deg", "deg"},
            {"AXIS_QRS", "qrs_axis_deg", "deg"}, {"AXIS_T", "t_axis_deg", "deg"}};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        String root = VendorXml.rootElement(head);
        return root != null && (root.equals("SchillerEDI") || root.endsWith(".SchillerEDI"));
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        List<String> notes = new ArrayList<>();
        Element root = VendorXml.parse(file, notes).getDocumentElement();
        String rootName = VendorXml.localName(root);
        if (!rootName.endsWith("SchillerEDI")) {
            throw new EcgReadException(name, "not a Schiller SEMA file: root element is <" + rootName + ">");
        }
        Element event = VendorXml.path(root, "eventdata", "event");
        if (event == null) {
            throw new EcgReadException(name, "Schiller XML without <eventdata>/<event>: no waveforms");
        }
        Element rhythm = null;
        Element averages = null;
        List<String> otherTypes = new ArrayList<>();
        for (Element w : VendorXml.children(event, "wavedata")) {
            String type = VendorXml.text(w, "type");
            if ("ECG_RHYTHMS".equalsIgnoreCase(type)) {
                rhythm = rhythm == null ? w : rhythm;
            } else if ("ECG_AVERAGES".equalsIgnoreCase(type)) {
                averages = averages == null ? w : averages;
            } else {
                otherTypes.add(String.valueOf(type));
            }
        }
        if (rhythm == null) {
            throw new EcgReadException(name, "Schiller XML without an ECG_RHYTHMS <wavedata>: only "
                    + (averages == null ? "other waveforms" : "averaged beats") + " are stored");
        }
        List<String> warnings = new ArrayList<>(notes);
        if (!otherTypes.isEmpty()) {
            warnings.add("waveforms of other types were left out: " + String.join(", ", otherTypes));
        }
        Wave wave = wave(name, rhythm, "ECG_RHYTHMS");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("channel_configuration", String.valueOf(VendorXml.text(rhythm, "channelconfiguration")));
        String software = VendorXml.text(root, "examdescript", "aquiringdevice", "software", "version");
        if (software != null) {
            props.put("software_version", software);
        }
        String recType = VendorXml.text(root, "examdescript", "rectype");
        if (recType != null) {
            props.put("record_type", recType);
        }
        Element filters = VendorXml.child(event, "filters_data");
        for (Element f : VendorXml.children(filters, "filter")) {
            String fn = VendorXml.text(f, "name");
            String fv = VendorXml.text(f, "value");
            if (fn != null && fv != null) {
                props.put("filter_" + fn.toLowerCase(Locale.ROOT), fv);
            }
        }
        Ecg.Builder b = wave.builder(name);
        warnings.addAll(wave.warnings);
        warnings.forEach(b::warning);
        double[] gains = new double[wave.leads.size()];
        Arrays.fill(gains, 1.0 / wave.unitPerBit);
        b.source(new SourceInfo(name, NAME, wave.units, gains, new double[gains.length], wave.fs, List.of(),
                device(root), startTime(root), props));
        for (Element a : VendorXml.children(event, "annotation_global")) {
            String an = VendorXml.text(a, "name");
            Double v = VendorXml.optionalNumber(VendorXml.text(a, "value"));
            if (an == null || v == null) {
                continue;
            }
            for (String[] m : MEASUREMENTS) {
                if (m[0].equalsIgnoreCase(an)) {
                    b.measurement(m[1], v, m[2]);
                }
            }
        }
        for (Element t : VendorXml.children(event, "textdata")) {
            String type = VendorXml.text(t, "type");
            String text = VendorXml.text(t, "textdata");
            if ("INTERPRETATION".equalsIgnoreCase(type) && text != null) {
                for (String line : text.split("\r?\n")) {
                    if (!line.isBlank()) {
                        b.statement(line.strip());
                    }
                }
            }
        }
        if (averages != null) {
            try {
                Wave avg = wave(name, averages, "ECG_AVERAGES");
                Ecg.Builder ab = avg.builder(name);
                ab.source(new SourceInfo(name, NAME, avg.units, null, null, avg.fs, List.of(), null, null,
                        Map.of("waveform", "ECG_AVERAGES")));
                b.representativeBeat(ab.build());
            } catch (EcgReadException e) {
                b.warning("averaged beats left out: " + e.reason());
            }
        }
        return b.build();
    }

    /** One {@code wavedata}: rate, scaling and the channels' integers. */
    private static final class Wave {
        double fs;
        double unitPerBit;
        String units;
        final List<String> leads = new ArrayList<>();
        final List<float[]> data = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        Ecg.Builder builder(String name) throws EcgReadException {
            Ecg.Builder b = Ecg.builder(fs);
            double mv = unitPerBit * Units.millivoltsPer(units);
            try {
                for (int i = 0; i < leads.size(); i++) {
                    float[] v = data.get(i);
                    for (int t = 0; t < v.length; t++) {
                        v[t] = (float) (v[t] * mv);
                    }
                    b.lead(leads.get(i), v);
                }
            } catch (IllegalArgumentException e) {
                throw new EcgReadException(name, "Schiller XML: " + e.getMessage());
            }
            return b;
        }
    }

    private static Wave wave(String name, Element w, String type) throws EcgReadException {
        Wave out = new Wave();
        Element rate = VendorXml.path(w, "resolution", "samplerate");
        String exponent = VendorXml.text(rate, "exponent");
        if (exponent != null && !exponent.strip().equals("1")) {
            throw new EcgReadException(name, "Schiller XML " + type + ": samplerate exponent " + exponent
                    + " is not understood (the files known state 1, meaning the value is in Hz)");
        }
        out.fs = VendorXml.number(name, type + " samplerate value", VendorXml.text(rate, "value"));
        ReadLimits.checkRate(name, NAME, type + " samplerate", out.fs);
        Element yres = VendorXml.path(w, "resolution", "yres");
        out.unitPerBit = VendorXml.number(name, type + " yres unitperbit", VendorXml.text(yres, "unitperbit"));
        String units = VendorXml.text(yres, "units");
        if (units == null) {
            throw new EcgReadException(name, "Schiller XML " + type + ": yres states no units");
        }
        out.units = units.equalsIgnoreCase("UV") ? "uV" : units.equalsIgnoreCase("MV") ? "mV" : units;
        if (!Units.isVoltage(out.units)) {
            throw new EcgReadException(name, "Schiller XML " + type + ": yres units '" + units + "' are not a voltage");
        }
        ReadLimits.checkQuantum(name, NAME, type + " yres " + out.unitPerBit + " " + units,
                out.unitPerBit * Units.millivoltsPer(out.units));
        Integer length = null;
        for (Element ch : VendorXml.children(w, "channel")) {
            String lead = VendorXml.text(ch, "name");
            if (lead == null) {
                throw new EcgReadException(name, "Schiller XML " + type + ": a channel has no name");
            }
            if (LeadNames.isNonEcgSignal(lead)) {
                out.warnings.add("channel " + lead + " is not an ECG lead and was left out");
                continue;
            }
            String dataType = VendorXml.text(ch, "datastype");
            if (dataType != null && !dataType.equalsIgnoreCase("COMMASEPARATE")) {
                throw new EcgReadException(name, "Schiller XML " + type + " channel " + lead + ": data type '"
                        + dataType + "' is not read (only COMMASEPARATE)");
            }
            String count = VendorXml.text(ch, "samplecount");
            String text = VendorXml.text(ch, "data");
            if (text == null) {
                throw new EcgReadException(name, "Schiller XML " + type + " channel " + lead + " holds no data");
            }
            int declared = count == null ? -1 : VendorXml.integer(name, type + " channel " + lead + " samplecount", count);
            if (declared > ReadLimits.maxValues()) {
                ReadLimits.checkValues(name, NAME, type + " channel " + lead + " declares " + declared + " samples", 1,
                        declared);
            }
            float[] v = integers(name, type + " channel " + lead, text);
            if (declared >= 0 && declared != v.length) {
                throw new EcgReadException(name, "Schiller XML " + type + " channel " + lead + " declares " + declared
                        + " samples but holds " + v.length);
            }
            if (length != null && v.length != length) {
                throw new EcgReadException(name, "Schiller XML " + type + ": channel " + lead + " holds " + v.length
                        + " samples, the channels before it " + length);
            }
            length = v.length;
            out.leads.add(lead);
            out.data.add(v);
        }
        if (out.leads.isEmpty() || length == 0) {
            throw new EcgReadException(name, "Schiller XML " + type + " holds no ECG channel with samples");
        }
        return out;
    }

    private static float[] integers(String name, String what, String text) throws EcgReadException {
        float[] out = new float[Math.max(16, text.length() / 3)];
        int n = 0;
        int i = 0;
        int len = text.length();
        while (i < len) {
            while (i < len && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            if (i >= len) {
                break;
            }
            int start = i;
            while (i < len && text.charAt(i) != ',' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String token = text.substring(start, i);
            int value;
            try {
                value = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new EcgReadException(name, "Schiller XML " + what + ": '" + VendorXml.abbreviate(token)
                        + "' at value " + (n + 1) + " is not an integer");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = value;
        }
        return Arrays.copyOf(out, n);
    }

    private static String device(Element root) {
        Element hw = VendorXml.path(root, "examdescript", "aquiringdevice", "hardware");
        String vendor = VendorXml.text(hw, "vendor");
        String model = VendorXml.text(hw, "model");
        if (vendor == null && model == null) {
            return null;
        }
        return vendor == null ? model : model == null ? vendor : vendor + " " + model;
    }

    /** {@code date} yyyyMMdd and {@code time} HHmmssSSS as ISO 8601. */
    private static String startTime(Element root) {
        Element st = VendorXml.path(root, "examdescript", "startdatetime");
        String d = VendorXml.text(st, "date");
        String t = VendorXml.text(st, "time");
        if (d == null || !d.matches("\\d{8}")) {
            return null;
        }
        String date = d.substring(0, 4) + "-" + d.substring(4, 6) + "-" + d.substring(6, 8);
        if (t == null || !t.matches("\\d{6,9}")) {
            return date;
        }
        return date + "T" + t.substring(0, 2) + ":" + t.substring(2, 4) + ":" + t.substring(4, 6);
    }
}
