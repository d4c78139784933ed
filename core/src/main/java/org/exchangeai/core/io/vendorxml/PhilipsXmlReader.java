package org.exchangeai.core.io.vendorxml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Philips SierraECG (document version 1.03) and PhilipsECG (1.04) XML ({@code <restingecgdata>}).
 *
 * <p>{@code <parsedwaveforms>} holds all channels as Base64, either XLI-compressed
 * ({@link PhilipsXli}) or plain little-endian int16 channel after channel. Sample count per
 * channel = {@code durationperchannel} (ms) × sampling rate / 1000; amplitude =
 * {@code signalresolution} (1.03) or {@code resolution} (1.04) µV per unit. Lead names come from
 * {@code leadlabels} (1.04) or, for the 12-lead acquisition types of 1.03, the standard order.
 * XLI stores III, aVR, aVL and aVF as residuals against the values computed from I and II; they
 * are rebuilt with integer halving that truncates toward zero (C division):
 * III = II − I − r, aVR = −r − (I + II)/2, aVL = (I − III)/2 − r, aVF = (II + III)/2 − r.
 * The leads keep all samples, including the 1 mV calibration pulse Philips appends near the end
 * (its position is recorded in the properties). In 1.04 files, {@code <repbeats>} become
 * {@link Ecg#representativeBeat()} (fill values 32767 at the end are cut off).
 *
 * <p>Read as metadata: device, acquisition date and time, filter settings, document type and
 * version, global measurements and interpretation statements with their reasons. Never read: the
 * patient, order, user-defined fields, acquirer (operator, institution) and lead measurements.
 */
public final class PhilipsXmlReader implements EcgFormat {

    public static final String NAME = "Philips-XML";

    private static final List<String> STANDARD_ORDER = LeadNames.STANDARD_12;
    private static final int REPBEAT_FILL = Short.MAX_VALUE;

    /** Canonical measurement name, unit, and the Philips elements that may hold it (first wins). */
    private static final String[][] MEASUREMENTS = {
        {"hr_bpm", "bpm", "heartrate", "meanventrate"},
        {"atrial_rate_bpm", "bpm", "atrialrate"},
        {"rr_ms", "ms", "rrint", "meanrrint"},
        {"p_ms", "ms", "pdur"},
        {"pr_ms", "ms", "print", "meanprint"},
        {"qrs_ms", "ms", "qrsdur", "meanqrsdur"},
        {"qt_ms", "ms", "qtint", "meanqtint"},
        {"qtc_ms", "ms", "qtcb", "meanqtc"},
        {"qtc_fridericia_ms", "ms", "qtcf"},
        {"p_axis_deg", "deg", "pfrontaxis"},
        {"qrs_axis_deg", "deg", "qrsfrontaxis"},
        {"t_axis_deg", "deg", "tfrontaxis"},
    };

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        return "restingecgdata".equals(VendorXml.rootElement(head));
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
        List<String> parseNotes = new ArrayList<>();
        Document doc = VendorXml.parse(file, parseNotes);
        Element root = doc.getDocumentElement();
        if (!"restingecgdata".equals(VendorXml.localName(root))) {
            throw new EcgReadException(name, "not a Philips ECG file: root element is <" + VendorXml.localName(root) + ">");
        }
        String docType = VendorXml.text(root, "documentinfo", "documenttype");
        String docVersion = VendorXml.text(root, "documentinfo", "documentversion");
        Element acquisition = VendorXml.child(root, "dataacquisition");
        Element signal = VendorXml.child(acquisition, "signalcharacteristics");
        Element waves = VendorXml.path(root, "waveforms", "parsedwaveforms");
        if (waves == null) {
            throw new EcgReadException(name, "no <waveforms>/<parsedwaveforms>");
        }

        String rateText = firstNonNull(VendorXml.attr(waves, "samplespersecond"), VendorXml.text(signal, "samplingrate"));
        double fs = VendorXml.number(name, "sampling rate (samplingrate)", rateText);
        if (!(fs > 0) || fs > 100_000) {
            throw new EcgReadException(name, "implausible sampling rate " + rateText + " Hz");
        }
        String resolutionText = firstNonNull(VendorXml.attr(waves, "resolution"),
                firstNonNull(VendorXml.text(signal, "signalresolution"), VendorXml.text(signal, "resolution")));
        double uvPerUnit = VendorXml.number(name, "signal resolution (µV per unit)", resolutionText);
        if (!(uvPerUnit > 0)) {
            throw new EcgReadException(name, "signal resolution must be positive, got " + resolutionText);
        }
        double durationMs = VendorXml.number(name, "durationperchannel", VendorXml.attr(waves, "durationperchannel"));
        long samplesLong = Math.round(durationMs * fs / 1000.0);
        if (samplesLong <= 0 || samplesLong > 10_000_000) {
            throw new EcgReadException(name, "implausible duration per channel " + durationMs + " ms");
        }
        int samples = (int) samplesLong;
        List<String> labels = labels(name, waves, signal);

        String encoding = VendorXml.attr(waves, "dataencoding");
        if (encoding != null && !encoding.equalsIgnoreCase("Base64")) {
            throw new EcgReadException(name, "unsupported waveform encoding '" + encoding + "' (only Base64)");
        }
        String compression = compression(waves);
        byte[] data = VendorXml.base64(name, "<parsedwaveforms>", waves.getTextContent());
        int[][] units;
        boolean residuals;
        if (compression == null) {
            units = plain(name, data, labels.size(), samples);
            residuals = false;
        } else if (compression.equalsIgnoreCase("XLI")) {
            units = PhilipsXli.decode(name, data, labels.size(), samples);
            residuals = labels.size() >= 6 && labels.subList(0, 6).equals(STANDARD_ORDER.subList(0, 6));
            if (residuals) {
                rebuildLimbLeads(units);
            }
        } else {
            throw new EcgReadException(name, "unsupported waveform compression '" + compression + "' (only XLI or none)");
        }

        double mvPerUnit = uvPerUnit / 1000.0;
        Ecg.Builder b = Ecg.builder(fs);
        for (int i = 0; i < labels.size(); i++) {
            b.lead(labels.get(i), toMillivolts(units[i], mvPerUnit));
        }
        Map<String, String> props = new LinkedHashMap<>();
        putIfPresent(props, "document_type", docType);
        putIfPresent(props, "document_version", docVersion);
        props.put("compression", compression == null ? "none" : compression);
        if (residuals) {
            props.put("limb_leads", "III, aVR, aVL, aVF rebuilt from XLI residuals");
        }
        putIfPresent(props, "acquisition_type", VendorXml.text(signal, "acquisitiontype"));
        Element bandwidth = VendorXml.path(root, "reportinfo", "reportbandwidth");
        putIfPresent(props, "highpass_hz", VendorXml.text(bandwidth, "highpassfiltersetting"));
        putIfPresent(props, "lowpass_hz", VendorXml.text(bandwidth, "lowpassfiltersetting"));
        putIfPresent(props, "notch_hz", VendorXml.text(bandwidth, "notchfiltersetting"));
        String calibration = calibrationPulse(units, fs, uvPerUnit);
        if (calibration != null) {
            props.put("calibration_pulse", calibration);
        }
        Ecg probe = b.build();
        double[] gains = new double[probe.leadCount()];
        Arrays.fill(gains, 1.0 / uvPerUnit);
        b = probe.toBuilder();
        b.source(new SourceInfo(name, NAME, "uV", gains, new double[gains.length], fs, List.of(),
                device(acquisition), acquisitionTime(acquisition), props));
        measurements(root, b);
        statements(root).forEach(b::statement);
        parseNotes.forEach(b::warning);
        try {
            Ecg beat = representativeBeat(name, root, fs);
            if (beat != null) {
                b.representativeBeat(beat);
            }
        } catch (EcgReadException e) {
            // the representative beats are optional: the rhythm data is read without them
            b.warning("representative beats left out: " + e.reason());
        }
        return b.build();
    }

    private static List<String> labels(String file, Element waves, Element signal) throws EcgReadException {
        String leadLabels = VendorXml.attr(waves, "leadlabels");
        if (leadLabels != null) {
            List<String> names = new ArrayList<>(Arrays.asList(leadLabels.trim().split("\\s+")));
            String count = VendorXml.attr(waves, "numberofleads");
            if (count != null) {
                int n = VendorXml.integer(file, "numberofleads", count);
                if (n <= 0 || n > names.size()) {
                    throw new EcgReadException(file, "numberofleads " + n + " does not match the "
                            + names.size() + " lead labels");
                }
                names = names.subList(0, n);
            }
            return names;
        }
        String type = VendorXml.text(signal, "acquisitiontype");
        String allocated = VendorXml.text(signal, "numberchannelsallocated");
        int channels = allocated == null ? 12 : VendorXml.integer(file, "numberchannelsallocated", allocated);
        if (type != null && (type.equals("STD-12") || type.equals("10-WIRE")) && channels >= 12) {
            return STANDARD_ORDER;
        }
        throw new EcgReadException(file, "cannot name the " + channels + " channels: no leadlabels and acquisition type "
                + type + " is not a standard 12-lead one");
    }

    private static String compression(Element waves) {
        String method = firstNonNull(VendorXml.attr(waves, "compressmethod"), VendorXml.attr(waves, "compression"));
        String flag = VendorXml.attr(waves, "compressflag");
        if (flag != null && flag.equalsIgnoreCase("False")) {
            return null;
        }
        if (method == null || method.equalsIgnoreCase("None") || method.equalsIgnoreCase("Uncompressed")) {
            return null;
        }
        return method;
    }

    /** Uncompressed: int16 little-endian, all samples of one channel, then the next. */
    private static int[][] plain(String file, byte[] data, int channels, int samples) throws EcgReadException {
        long needed = (long) channels * samples * 2;
        if (data.length < needed) {
            throw new EcgReadException(file, "uncompressed waveforms hold " + data.length + " bytes, but "
                    + channels + " channels × " + samples + " samples need " + needed);
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int[][] out = new int[channels][samples];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < samples; t++) {
                out[c][t] = buf.getShort();
            }
        }
        return out;
    }

    /** III, aVR, aVL, aVF from their XLI residuals; Java's int division truncates toward zero, as the format needs. */
    static void rebuildLimbLeads(int[][] u) {
        int[] i1 = u[0];
        int[] i2 = u[1];
        int[] i3 = u[2];
        int[] avr = u[3];
        int[] avl = u[4];
        int[] avf = u[5];
        for (int t = 0; t < i1.length; t++) {
            i3[t] = i2[t] - i1[t] - i3[t];
            avr[t] = -avr[t] - (i1[t] + i2[t]) / 2;
            avl[t] = (i1[t] - i3[t]) / 2 - avl[t];
            avf[t] = (i2[t] + i3[t]) / 2 - avf[t];
        }
    }

    private static float[] toMillivolts(int[] units, double mvPerUnit) {
        float[] mv = new float[units.length];
        for (int t = 0; t < units.length; t++) {
            mv[t] = (float) (units[t] * mvPerUnit);
        }
        return mv;
    }

    /**
     * The calibration pulse: the longest run (at least 50 ms) in which every channel holds the same
     * non-zero value, described as amplitude and sample range; {@code null} when there is none.
     */
    static String calibrationPulse(int[][] u, double fs, double uvPerUnit) {
        int n = u[0].length;
        int bestStart = -1;
        int bestLength = 0;
        int runStart = -1;
        int runValue = 0;
        for (int t = 0; t <= n; t++) {
            boolean same = t < n && u[0][t] != 0;
            for (int c = 1; same && c < u.length; c++) {
                same = u[c][t] == u[0][t];
            }
            if (same && runStart >= 0 && u[0][t] == runValue) {
                continue;
            }
            if (runStart >= 0 && t - runStart > bestLength) {
                bestStart = runStart;
                bestLength = t - runStart;
            }
            runStart = same ? t : -1;
            runValue = same ? u[0][t] : 0;
        }
        if (bestLength < 0.05 * fs) {
            return null;
        }
        double mv = u[0][bestStart] * uvPerUnit / 1000.0;
        return String.format(Locale.ROOT, "%.3f mV at samples %d-%d", mv, bestStart, bestStart + bestLength - 1);
    }

    private static void measurements(Element root, Ecg.Builder b) {
        Element global = VendorXml.path(root, "measurements", "globalmeasurements");
        Element interpretation = VendorXml.path(root, "interpretations", "interpretation");
        Element fallback = VendorXml.child(interpretation, "interpretationmeasurements");
        if (fallback == null) {
            fallback = VendorXml.child(interpretation, "globalmeasurements");
        }
        for (String[] spec : MEASUREMENTS) {
            Double v = null;
            for (Element source : new Element[] {global, fallback}) {
                for (int k = 2; v == null && k < spec.length; k++) {
                    v = VendorXml.optionalNumber(VendorXml.text(source, spec[k]));
                }
            }
            if (v != null) {
                b.measurement(spec[0], v, spec[1]);
            }
        }
    }

    /** Each statement as "left (right)", then the severity line; framing dashes removed. */
    static List<String> statements(Element root) {
        List<String> out = new ArrayList<>();
        Element interpretation = VendorXml.path(root, "interpretations", "interpretation");
        if (interpretation == null) {
            return out;
        }
        for (Element s : VendorXml.children(interpretation, "statement")) {
            String left = undecorated(VendorXml.text(s, "leftstatement"));
            String right = undecorated(VendorXml.text(s, "rightstatement"));
            if (left != null && right != null) {
                out.add(left + " (" + right + ")");
            } else if (left != null || right != null) {
                out.add(left != null ? left : right);
            }
        }
        String severity = undecorated(VendorXml.text(interpretation, "severity"));
        if (severity != null) {
            out.add(severity);
        }
        return out;
    }

    /** Without the dashes Philips frames headings with ("--- PEDIATRIC ECG INTERPRETATION ---"). */
    private static String undecorated(String text) {
        if (text == null) {
            return null;
        }
        String plain = text.replaceAll("^[-\\s]+|[-\\s]+$", "");
        return plain.isEmpty() ? null : plain;
    }

    /** 1.04 {@code <repbeats>}: plain Base64 int16 per lead at its own resolution. */
    private static Ecg representativeBeat(String file, Element root, double fs) throws EcgReadException {
        Element repbeats = VendorXml.path(root, "waveforms", "repbeats");
        if (repbeats == null) {
            return null;
        }
        String encoding = VendorXml.attr(repbeats, "dataencoding");
        if (encoding != null && !encoding.equalsIgnoreCase("Base64")) {
            throw new EcgReadException(file, "unsupported repbeats encoding '" + encoding + "'");
        }
        String rateText = VendorXml.attr(repbeats, "samplespersec");
        double beatFs = rateText == null ? fs : VendorXml.number(file, "repbeats samplespersec", rateText);
        String uvText = VendorXml.attr(repbeats, "resolution");
        if (uvText == null) {
            throw new EcgReadException(file, "<repbeats> states no resolution, so their amplitude is unknown");
        }
        double uv = VendorXml.number(file, "repbeats resolution", uvText);
        if (!(beatFs > 0) || !(uv > 0)) {
            throw new EcgReadException(file, "repbeats need a positive rate and resolution");
        }
        List<String> names = new ArrayList<>();
        List<int[]> values = new ArrayList<>();
        int valid = Integer.MAX_VALUE;
        for (Element rb : VendorXml.children(repbeats, "repbeat")) {
            String lead = VendorXml.attr(rb, "leadname");
            // 1.04 wraps the samples in <waveform>; SierraECG 1.03 writers put them in <repbeat> itself
            Element wf = VendorXml.child(rb, "waveform");
            if (wf == null && !rb.getTextContent().isBlank()) {
                wf = rb;
            }
            if (lead == null || wf == null) {
                throw new EcgReadException(file, "a <repbeat> lacks its leadname or samples");
            }
            byte[] raw = VendorXml.base64(file, "repbeat " + lead, wf.getTextContent());
            if (raw.length % 2 != 0) {
                throw new EcgReadException(file, "repbeat " + lead + " holds an odd number of bytes (" + raw.length + ")");
            }
            String duration = VendorXml.attr(wf, "duration");
            if (duration != null) {
                long expected = Math.round(VendorXml.number(file, "repbeat duration", duration) * beatFs / 1000.0) * 2;
                if (expected != raw.length) {
                    throw new EcgReadException(file, "repbeat " + lead + " declares " + duration + " ms ("
                            + expected + " bytes) but holds " + raw.length + " bytes");
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            int[] v = new int[raw.length / 2];
            int last = 0;
            for (int t = 0; t < v.length; t++) {
                v[t] = buf.getShort();
                if (v[t] != REPBEAT_FILL) {
                    last = t + 1;
                }
            }
            valid = Math.min(valid, last);
            names.add(lead);
            values.add(v);
        }
        if (names.isEmpty() || valid == 0) {
            return null;
        }
        Ecg.Builder b = Ecg.builder(beatFs);
        for (int i = 0; i < names.size(); i++) {
            int[] v = values.get(i);
            float[] mv = new float[valid];
            for (int t = 0; t < valid; t++) {
                if (v[t] == REPBEAT_FILL) {
                    throw new EcgReadException(file, "repbeat " + names.get(i) + " has a fill value inside the beat at sample " + t);
                }
                mv[t] = (float) (v[t] * uv / 1000.0);
            }
            b.lead(names.get(i), mv);
        }
        b.source(new SourceInfo(file, NAME, "uV", null, null, beatFs, List.of(), null, null,
                Map.of("waveform", "repbeats " + VendorXml.attr(repbeats, "repbeatmethod"))));
        return b.build();
    }

    private static String device(Element acquisition) {
        Element machine = VendorXml.child(acquisition, "machine");
        String model = VendorXml.text(machine);
        String id = VendorXml.attr(machine, "machineid");
        if (model == null) {
            return id == null ? null : "machine " + id;
        }
        return id == null ? model : model + " (machine " + id + ")";
    }

    private static String acquisitionTime(Element acquisition) {
        String date = VendorXml.attr(acquisition, "date");
        String time = VendorXml.attr(acquisition, "time");
        if (date == null) {
            return null;
        }
        return time == null ? date : date + "T" + time;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static void putIfPresent(Map<String, String> props, String key, String value) {
        if (value != null) {
            props.put(key, value);
        }
    }
}
