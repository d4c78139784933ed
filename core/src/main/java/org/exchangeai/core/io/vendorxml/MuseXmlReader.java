package org.exchangeai.core.io.vendorxml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.ecg.Units;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * GE MUSE resting ECG XML ({@code <RestingECG>}).
 *
 * <p>Each {@code <Waveform>} holds one {@code <LeadData>} per stored lead: Base64 of
 * little-endian 16-bit integers, {@code LeadAmplitudeUnitsPerBit} × {@code LeadAmplitudeUnits}
 * per integer, {@code SampleBase} × 10^{@code SampleExponent} samples per second. MUSE stores
 * I, II and V1–V6; III, aVR, aVL and aVF are derived by {@link Ecg.Builder}. The {@code Rhythm}
 * waveform is the recording, the {@code Median} waveform becomes {@link Ecg#representativeBeat()}.
 * Declared byte and sample counts and the per-lead CRC-32 are checked against the decoded bytes.
 *
 * <p>Read as metadata: device, acquisition date and time, software versions, filter settings,
 * the {@code RestingECGMeasurements} and the {@code Diagnosis} statements. Never read: the
 * patient, order, site and staff sections, the {@code MeasurementMatrix} and the QRS list.
 * The DOCTYPE that MUSE writes is accepted and never fetched.
 */
public final class MuseXmlReader implements EcgFormat {

    public static final String NAME = "MUSE-XML";

    /** MUSE measurement elements and the canonical names they become. */
    private static final String[][] MEASUREMENTS = {
        {"VentricularRate", "hr_bpm", "bpm"},
        {"AtrialRate", "atrial_rate_bpm", "bpm"},
        {"PRInterval", "pr_ms", "ms"},
        {"QRSDuration", "qrs_ms", "ms"},
        {"QTInterval", "qt_ms", "ms"},
        {"QTCorrected", "qtc_ms", "ms"},
        {"QTcFrederica", "qtc_fridericia_ms", "ms"},
        {"PAxis", "p_axis_deg", "deg"},
        {"RAxis", "qrs_axis_deg", "deg"},
        {"TAxis", "t_axis_deg", "deg"},
    };

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        return "RestingECG".equals(VendorXml.rootElement(head));
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
        if (!"RestingECG".equals(VendorXml.localName(root))) {
            throw new EcgReadException(name, "not a MUSE file: root element is <" + VendorXml.localName(root) + ">");
        }
        Element rhythm = null;
        Element median = null;
        for (Element wf : VendorXml.children(root, "Waveform")) {
            String type = VendorXml.text(wf, "WaveformType");
            if ("Rhythm".equalsIgnoreCase(type) && rhythm == null) {
                rhythm = wf;
            } else if ("Median".equalsIgnoreCase(type) && median == null) {
                median = wf;
            }
        }
        if (rhythm == null) {
            throw new EcgReadException(name, "no <Waveform> of type Rhythm");
        }
        Decoded main = decode(name, rhythm, "Rhythm");
        Ecg.Builder b = main.builder();
        Decoded beat = median == null ? null : decode(name, median, "Median");

        Element demographics = VendorXml.child(root, "TestDemographics");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("waveform", "Rhythm");
        props.put("stored_leads", String.join(" ", main.storedLeads));
        putIfPresent(props, "muse_version", VendorXml.text(root, "MuseInfo", "MuseVersion"));
        putIfPresent(props, "cart_number", VendorXml.text(demographics, "CartNumber"));
        putIfPresent(props, "acquisition_software", VendorXml.text(demographics, "AcquisitionSoftwareVersion"));
        putIfPresent(props, "analysis_software", VendorXml.text(demographics, "AnalysisSoftwareVersion"));
        filters(rhythm, props);
        if (beat != null) {
            props.put("representative_beat", "Median, " + beat.length + " samples");
        }

        Ecg ecgProbe = b.build();
        double[] gains = new double[ecgProbe.leadCount()];
        for (int i = 0; i < gains.length; i++) {
            Double g = main.gainPerMicrovolt.get(ecgProbe.leads().get(i));
            gains[i] = g != null ? g : main.gainPerMicrovolt.get("I");
        }
        SourceInfo source = new SourceInfo(name, NAME, "uV", gains, new double[gains.length], main.fs,
                List.of(), device(demographics), acquisitionTime(demographics), props);

        Ecg.Builder out = ecgProbe.toBuilder().source(source);
        measurements(root, out);
        statements(root).forEach(out::statement);
        if (beat != null) {
            Ecg beatEcg = beat.builder()
                    .source(new SourceInfo(name, NAME, "uV", null, null, beat.fs, List.of(), null, null,
                            Map.of("waveform", "Median")))
                    .build();
            out.representativeBeat(beatEcg);
        }
        return out.build();
    }

    /** The samples of one waveform, in mV per lead, with what they were scaled by. */
    private record Decoded(double fs, int length, Map<String, float[]> leads, Map<String, Double> gainPerMicrovolt,
                           List<String> storedLeads) {
        Ecg.Builder builder() {
            Ecg.Builder b = Ecg.builder(fs);
            for (Map.Entry<String, float[]> e : leads.entrySet()) {
                b.lead(e.getKey(), e.getValue());
            }
            return b;
        }
    }

    private static Decoded decode(String name, Element wf, String type) throws EcgReadException {
        String where = type + " waveform";
        double base = VendorXml.number(name, where + " SampleBase", VendorXml.text(wf, "SampleBase"));
        String expText = VendorXml.text(wf, "SampleExponent");
        int exp = expText == null ? 0 : VendorXml.integer(name, where + " SampleExponent", expText);
        if (exp < -6 || exp > 6) {
            throw new EcgReadException(name, where + ": implausible SampleExponent " + exp);
        }
        double fs = base * Math.pow(10, exp);
        if (!(fs > 0) || fs > 1e6) {
            throw new EcgReadException(name, where + ": implausible sampling rate " + fs + " Hz");
        }
        List<Element> leadData = VendorXml.children(wf, "LeadData");
        if (leadData.isEmpty()) {
            throw new EcgReadException(name, where + " has no <LeadData>");
        }
        String declaredLeads = VendorXml.text(wf, "NumberofLeads");
        if (declaredLeads != null) {
            int n = VendorXml.integer(name, where + " NumberofLeads", declaredLeads);
            if (n != leadData.size()) {
                throw new EcgReadException(name, where + " declares " + n + " leads but holds " + leadData.size());
            }
        }
        Map<String, float[]> leads = new LinkedHashMap<>();
        Map<String, Double> gains = new LinkedHashMap<>();
        List<String> stored = new ArrayList<>();
        int length = -1;
        for (Element ld : leadData) {
            String id = VendorXml.text(ld, "LeadID");
            if (id == null) {
                throw new EcgReadException(name, where + ": a <LeadData> has no LeadID");
            }
            String what = where + " lead " + id;
            String sizeText = VendorXml.text(ld, "LeadSampleSize");
            int sampleSize = sizeText == null ? 2 : VendorXml.integer(name, what + " LeadSampleSize", sizeText);
            if (sampleSize != 2) {
                throw new EcgReadException(name, what + ": unsupported sample size " + sampleSize + " bytes (only 2)");
            }
            byte[] raw = VendorXml.base64(name, what, VendorXml.text(ld, "WaveFormData"));
            String byteCount = VendorXml.text(ld, "LeadByteCountTotal");
            if (byteCount != null && VendorXml.integer(name, what + " LeadByteCountTotal", byteCount) != raw.length) {
                throw new EcgReadException(name, what + ": LeadByteCountTotal says " + byteCount
                        + " bytes but the data decodes to " + raw.length);
            }
            int samples = VendorXml.integer(name, what + " LeadSampleCountTotal", VendorXml.text(ld, "LeadSampleCountTotal"));
            if (samples <= 0 || (long) samples * 2 != raw.length) {
                throw new EcgReadException(name, what + ": LeadSampleCountTotal says " + samples
                        + " samples but the data decodes to " + raw.length + " bytes (" + raw.length / 2 + " samples)");
            }
            String crcText = VendorXml.text(ld, "LeadDataCRC32");
            if (crcText != null) {
                long declared = (long) VendorXml.number(name, what + " LeadDataCRC32", crcText);
                CRC32 crc = new CRC32();
                crc.update(raw);
                if (crc.getValue() != declared) {
                    throw new EcgReadException(name, what + ": bad CRC-32 (file says " + declared
                            + ", data gives " + crc.getValue() + ")");
                }
            }
            if (length >= 0 && samples != length) {
                throw new EcgReadException(name, what + " has " + samples + " samples, other leads have " + length);
            }
            length = samples;
            double perBit = VendorXml.number(name, what + " LeadAmplitudeUnitsPerBit", VendorXml.text(ld, "LeadAmplitudeUnitsPerBit"));
            if (!(perBit > 0)) {
                throw new EcgReadException(name, what + ": LeadAmplitudeUnitsPerBit must be positive, got " + perBit);
            }
            String unit = VendorXml.text(ld, "LeadAmplitudeUnits");
            double mvPerUnit;
            try {
                mvPerUnit = Units.millivoltsPer(unit == null ? "MICROVOLTS" : unit);
            } catch (IllegalArgumentException e) {
                throw new EcgReadException(name, what + ": " + e.getMessage());
            }
            double mvPerBit = perBit * mvPerUnit;
            float[] mv = new float[samples];
            ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < samples; t++) {
                mv[t] = (float) (buf.getShort() * mvPerBit);
            }
            String canonical = LeadNames.normalize(id);
            if (leads.containsKey(canonical)) {
                throw new EcgReadException(name, where + ": lead " + id + " appears twice");
            }
            leads.put(canonical, mv);
            gains.put(canonical, 1.0 / (mvPerBit * 1000.0));
            stored.add(canonical);
        }
        return new Decoded(fs, length, leads, gains, stored);
    }

    private static void filters(Element wf, Map<String, String> props) {
        Double hp = VendorXml.optionalNumber(VendorXml.text(wf, "HighPassFilter"));
        Double lp = VendorXml.optionalNumber(VendorXml.text(wf, "LowPassFilter"));
        Double ac = VendorXml.optionalNumber(VendorXml.text(wf, "ACFilter"));
        if (hp != null) {
            // MUSE states the high-pass corner in hundredths of a hertz (56 = 0.56 Hz)
            props.put("highpass_hz", String.valueOf(hp / 100.0));
        }
        if (lp != null) {
            props.put("lowpass_hz", String.valueOf(lp));
        }
        if (ac != null) {
            props.put("ac_filter_hz", String.valueOf(ac));
        }
    }

    private static String device(Element demographics) {
        String device = VendorXml.text(demographics, "AcquisitionDevice");
        String machine = VendorXml.text(demographics, "MachineID");
        if (device == null) {
            return machine;
        }
        return machine == null ? device : device + " (machine " + machine + ")";
    }

    /** {@code AcquisitionDate} (MM-DD-YYYY) and {@code AcquisitionTime} as ISO 8601 when readable. */
    static String acquisitionTime(Element demographics) {
        String date = VendorXml.text(demographics, "AcquisitionDate");
        String time = VendorXml.text(demographics, "AcquisitionTime");
        if (date == null) {
            return null;
        }
        String iso = date;
        String[] p = date.split("[-/]");
        if (p.length == 3 && p[2].length() == 4 && p[0].matches("\\d{1,2}") && p[1].matches("\\d{1,2}")) {
            iso = p[2] + "-" + pad(p[0]) + "-" + pad(p[1]);
        }
        return time == null ? iso : iso + "T" + time;
    }

    private static String pad(String s) {
        return s.length() == 1 ? "0" + s : s;
    }

    private static void measurements(Element root, Ecg.Builder b) {
        Element m = VendorXml.child(root, "RestingECGMeasurements");
        if (m == null) {
            m = VendorXml.child(root, "OriginalRestingECGMeasurements");
        }
        if (m == null) {
            return;
        }
        for (String[] spec : MEASUREMENTS) {
            Double v = VendorXml.optionalNumber(VendorXml.text(m, spec[0]));
            if (v != null) {
                b.measurement(spec[1], v, spec[2]);
            }
        }
    }

    /**
     * Diagnosis statements: MUSE splits one statement over several {@code DiagnosisStatement}s
     * and marks the last part with {@code StmtFlag ENDSLINE}; the parts are joined with a space,
     * or directly when a part starts with punctuation.
     */
    static List<String> statements(Element root) {
        Element dx = VendorXml.child(root, "Diagnosis");
        if (dx == null || VendorXml.children(dx, "DiagnosisStatement").isEmpty()) {
            dx = VendorXml.child(root, "OriginalDiagnosis");
        }
        List<String> out = new ArrayList<>();
        if (dx == null) {
            return out;
        }
        StringBuilder current = new StringBuilder();
        for (Element s : VendorXml.children(dx, "DiagnosisStatement")) {
            String text = VendorXml.text(s, "StmtText");
            if (text != null) {
                if (current.length() > 0 && !startsWithPunctuation(text)) {
                    current.append(' ');
                }
                current.append(text);
            }
            boolean ends = VendorXml.children(s, "StmtFlag").stream()
                    .anyMatch(f -> "ENDSLINE".equalsIgnoreCase(VendorXml.text(f)));
            if (ends && current.length() > 0) {
                out.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    private static boolean startsWithPunctuation(String s) {
        return !s.isEmpty() && ",.;:)".indexOf(s.charAt(0)) >= 0;
    }

    private static void putIfPresent(Map<String, String> props, String key, String value) {
        if (value != null) {
            props.put(key, value);
        }
    }
}
