package org.exchangeai.core.io.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.ecg.Units;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;

/**
 * DICOM waveform objects (PS3.3 A.34): 12-Lead ECG, General ECG and Ambulatory ECG Waveform
 * Storage, in implicit or explicit VR little endian (parsed by {@link DicomParser}). Any other
 * waveform class (Hemodynamic, …) is read too, with a warning naming it, but only for the channels
 * whose channel source is coded as an ECG lead ({@link #isEcgLead}); pressure and other channels are
 * named in warnings and left out, and a file with no ECG channel at all is refused.
 *
 * <p>The multiplex group labelled as rhythm (else the longest group that is not a median beat)
 * becomes the recording; a group labelled as median or representative beat becomes
 * {@link Ecg#representativeBeat()}. Each sample is converted once: stored value × Channel
 * Sensitivity × Channel Sensitivity Correction Factor + Channel Baseline, in the Channel
 * Sensitivity Units, then to mV (PS3.3 C.10.9.1.4). Numeric waveform annotations become
 * measurements (canonical names where the concept is known), textual ones become statements.
 * Patient identity (group 0010) is never read.
 */
public final class DicomReader implements EcgFormat {

    static final String ECG_12_LEAD = "1.2.840.10008.5.1.4.1.1.9.1.1";
    static final String ECG_GENERAL = "1.2.840.10008.5.1.4.1.1.9.1.2";
    static final String ECG_AMBULATORY = "1.2.840.10008.5.1.4.1.1.9.1.3";
    private static final Map<String, String> ECG_SOP_CLASSES = Map.of(
            ECG_12_LEAD, "12-Lead ECG Waveform Storage",
            ECG_GENERAL, "General ECG Waveform Storage",
            ECG_AMBULATORY, "Ambulatory ECG Waveform Storage");
    /** Other waveform SOP classes (PS3.4 B.5): read when a channel source names an ECG lead. */
    private static final Map<String, String> OTHER_WAVEFORM_CLASSES = Map.ofEntries(
            Map.entry("1.2.840.10008.5.1.4.1.1.9.1.4", "General 32-bit ECG Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.2.1", "Hemodynamic Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.3.1", "Cardiac Electrophysiology Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.4.1", "Basic Voice Audio Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.4.2", "General Audio Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.5.1", "Arterial Pulse Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.6.1", "Respiratory Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.6.2", "Multi-channel Respiratory Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.7.1", "Routine Scalp Electroencephalogram Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.7.2", "Electromyogram Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.7.3", "Electrooculogram Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.7.4", "Sleep Electroencephalogram Waveform Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.9.8.1", "Body Position Waveform Storage"));
    private static final String STORAGE_ROOT = "1.2.840.10008.5.1.4.1.1.";
    private static final String ENCAPSULATED_PDF = "1.2.840.10008.5.1.4.1.1.104.1";

    private static final int MEDIA_SOP_CLASS = tag(0x0002, 0x0002);
    private static final int SOP_CLASS = tag(0x0008, 0x0016);
    private static final int ACQUISITION_DATE = tag(0x0008, 0x0022);
    private static final int CONTENT_DATE = tag(0x0008, 0x0023);
    private static final int ACQUISITION_DATETIME = tag(0x0008, 0x002A);
    private static final int ACQUISITION_TIME = tag(0x0008, 0x0032);
    private static final int CONTENT_TIME = tag(0x0008, 0x0033);
    private static final int MANUFACTURER = tag(0x0008, 0x0070);
    private static final int MODEL_NAME = tag(0x0008, 0x1090);
    private static final int CODE_VALUE = tag(0x0008, 0x0100);
    private static final int CODING_SCHEME = tag(0x0008, 0x0102);
    private static final int CODE_MEANING = tag(0x0008, 0x0104);
    private static final int NUMBER_OF_CHANNELS = tag(0x003A, 0x0005);
    private static final int NUMBER_OF_SAMPLES = tag(0x003A, 0x0010);
    private static final int SAMPLING_FREQUENCY = tag(0x003A, 0x001A);
    private static final int MULTIPLEX_GROUP_LABEL = tag(0x003A, 0x0020);
    private static final int CHANNEL_DEFINITIONS = tag(0x003A, 0x0200);
    private static final int CHANNEL_SOURCE = tag(0x003A, 0x0208);
    private static final int CHANNEL_SENSITIVITY = tag(0x003A, 0x0210);
    private static final int CHANNEL_SENSITIVITY_UNITS = tag(0x003A, 0x0211);
    private static final int CHANNEL_CORRECTION_FACTOR = tag(0x003A, 0x0212);
    private static final int CHANNEL_BASELINE = tag(0x003A, 0x0213);
    private static final int FILTER_LOW = tag(0x003A, 0x0220);
    private static final int FILTER_HIGH = tag(0x003A, 0x0221);
    private static final int NOTCH_FILTER = tag(0x003A, 0x0222);
    private static final int MEASUREMENT_UNITS = tag(0x0040, 0x08EA);
    private static final int REFERENCED_CHANNELS = tag(0x0040, 0xA0B0);
    private static final int CONCEPT_NAME = tag(0x0040, 0xA043);
    private static final int CONCEPT_CODE = tag(0x0040, 0xA168);
    private static final int NUMERIC_VALUE = tag(0x0040, 0xA30A);
    private static final int REFERENCED_SAMPLE_POSITIONS = tag(0x0040, 0xA132);
    private static final int WAVEFORM_ANNOTATIONS = tag(0x0040, 0xB020);
    private static final int UNFORMATTED_TEXT = tag(0x0070, 0x0006);
    private static final int WAVEFORM_SEQUENCE = tag(0x5400, 0x0100);
    private static final int BITS_ALLOCATED = tag(0x5400, 0x1004);
    private static final int SAMPLE_INTERPRETATION = tag(0x5400, 0x1006);
    private static final int WAVEFORM_DATA = tag(0x5400, 0x1010);

    /** SCP-ECG lead numbers (EN 1064 lead table; DICOM CID 3001 and MDC {@code 2:n} use the same numbers). */
    private static final Map<Integer, String> SCP_LEADS = Map.ofEntries(
            Map.entry(1, "I"), Map.entry(2, "II"), Map.entry(3, "V1"), Map.entry(4, "V2"), Map.entry(5, "V3"),
            Map.entry(6, "V4"), Map.entry(7, "V5"), Map.entry(8, "V6"), Map.entry(9, "V7"), Map.entry(10, "V2R"),
            Map.entry(11, "V3R"), Map.entry(12, "V4R"), Map.entry(13, "V5R"), Map.entry(14, "V6R"),
            Map.entry(15, "V7R"), Map.entry(16, "X"), Map.entry(17, "Y"), Map.entry(18, "Z"), Map.entry(19, "CC5"),
            Map.entry(20, "CM5"), Map.entry(61, "III"), Map.entry(62, "aVR"), Map.entry(63, "aVL"),
            Map.entry(64, "aVF"), Map.entry(65, "-aVR"), Map.entry(66, "V8"), Map.entry(67, "V9"),
            Map.entry(68, "V8R"), Map.entry(69, "V9R"));
    private static final Pattern SCP_LEAD_CODE = Pattern.compile("5\\.6\\.3-9-(\\d+)");
    private static final Pattern MDC_LEAD_CODE = Pattern.compile("2:(\\d+)");

    /** Largest file read into memory; DICOM lengths are 32-bit and Java arrays stop just below 2 GiB. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64L;

    private static int tag(int group, int element) {
        return DicomDataset.tag(group, element);
    }

    private static final String FORMAT = "DICOM";

    @Override
    public String name() {
        return FORMAT;
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        return DicomParser.hasMagic(head);
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        byte[] data;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new EcgReadException(name, "file of " + size + " bytes is larger than a DICOM waveform object can be read here");
            }
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        return read(data, name);
    }

    /** Reads a file already held in memory; {@code name} is used in messages and metadata. */
    static Ecg read(byte[] data, String name) throws EcgReadException {
        DicomParser.DicomFile dicom = DicomParser.parse(data, name);
        return new Decoding(name, dicom).ecg();
    }

    /** One multiplex group's header, read before any samples are decoded. */
    private record Group(int number, String label, DicomDataset item, long samples, int ecgChannels) {
        boolean isMedian() {
            String l = label.toUpperCase(Locale.ROOT);
            return l.contains("MEDIAN") || l.contains("REPRESENTATIVE") || l.contains("TEMPLATE")
                    || l.contains("AVERAGE") || l.contains("BEAT");
        }

        boolean isRhythm() {
            return label.toUpperCase(Locale.ROOT).contains("RHYTHM");
        }

        String describe() {
            return "multiplex group " + number + (label.isEmpty() ? "" : " '" + label + "'");
        }
    }

    /** One decoded channel: its lead name and how stored values became mV. */
    private record Channel(String lead, double sensitivity, double correction, double baseline, String units) {
    }

    /** A decoded multiplex group: kept channels and their samples in mV. */
    private record Decoded(Group group, double fs, List<Channel> channels, float[][] millivolts, List<String> warnings) {
    }

    /** The state of reading one file. */
    private static final class Decoding {
        private final String file;
        private final DicomParser.DicomFile dicom;
        private final DicomDataset ds;
        /** False for a waveform class that is not an ECG class: only channels coded as ECG leads are read. */
        private boolean ecgClass = true;
        private String className;

        Decoding(String file, DicomParser.DicomFile dicom) {
            this.file = file;
            this.dicom = dicom;
            this.ds = dicom.body();
        }

        Ecg ecg() throws EcgReadException {
            String sopClass = sopClass();
            List<Group> groups = groups();
            Group recording = chooseRecording(groups);
            if (recording == null) {
                throw new EcgReadException(file, "DICOM " + className + " (SOP class " + sopClass
                        + ") holds no ECG channel: no channel source is coded as an ECG lead (MDC 2:n or SCPECG"
                        + " 5.6.3-9-n); its channels are " + channelSummary(groups));
            }
            Group median = null;
            for (Group g : groups) {
                if (g != recording && g.isMedian() && g.ecgChannels() != 0) {
                    median = g;
                    break;
                }
            }
            Decoded rhythm = decode(recording);
            Ecg.Builder b = builder(rhythm);
            if (!ecgClass) {
                b.warning("DICOM SOP class " + sopClass + " (" + className + ") is not an ECG waveform class;"
                        + " only its channels coded as ECG leads are read");
            }
            rhythm.warnings().forEach(b::warning);
            if (!recording.isRhythm() && recording.isMedian()) {
                b.warning("the file holds only median-beat groups; " + recording.describe() + " is shown as the recording");
            }
            List<String> notes = new ArrayList<>();
            notes.add(describe(rhythm));
            for (Group g : groups) {
                if (g != recording && g != median) {
                    b.warning(g.describe() + " (" + g.samples() + " samples" + (g.ecgChannels() == 0 ? ", no ECG channel" : "")
                            + ") is not read: only the rhythm and median-beat groups are");
                }
            }
            if (median != null) {
                Decoded medianBeat = decode(median);
                Ecg.Builder mb = builder(medianBeat);
                medianBeat.warnings().forEach(mb::warning);
                mb.source(SourceInfo.of(file, FORMAT, units(medianBeat), medianBeat.fs()));
                b.representativeBeat(build(mb));
                notes.add(describe(medianBeat));
            }
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("sopClass", sopClass + " (" + className + ")");
            properties.put("transferSyntax", dicom.transferSyntax());
            properties.put("recordingGroup", recording.describe());
            if (median != null) {
                properties.put("medianGroup", median.describe());
            }
            filters(recording.item(), notes);
            annotations(b, properties);
            Ecg ecg = build(b);
            double[] gains = new double[ecg.leadCount()];
            double[] baselines = new double[ecg.leadCount()];
            java.util.Arrays.fill(gains, Double.NaN);
            java.util.Arrays.fill(baselines, Double.NaN);
            for (Channel c : rhythm.channels()) {
                int i = ecg.indexOf(c.lead());
                if (i >= 0) {
                    double perUnit = c.sensitivity() * c.correction();
                    gains[i] = 1.0 / perUnit;
                    baselines[i] = -c.baseline() / perUnit;
                }
            }
            SourceInfo source = new SourceInfo(file, FORMAT, units(rhythm), gains, baselines, rhythm.fs(), notes,
                    device(), acquisitionTime(), properties);
            return ecg.toBuilder().source(source).build();
        }

        private String sopClass() throws EcgReadException {
            String uid = ds.string(SOP_CLASS);
            if (uid == null || uid.isEmpty()) {
                uid = dicom.meta().string(MEDIA_SOP_CLASS);
            }
            if (uid == null || uid.isEmpty()) {
                throw new EcgReadException(file, "DICOM file names no SOP Class UID (0008,0016), so it is not known to be an ECG");
            }
            if (ECG_SOP_CLASSES.containsKey(uid)) {
                className = ECG_SOP_CLASSES.get(uid);
                return uid;
            }
            if (uid.equals(ENCAPSULATED_PDF)) {
                throw new EcgReadException(file, "DICOM encapsulated PDF (SOP class " + uid
                        + "), not an ECG waveform: a printed ECG holds no signal to read");
            }
            if (uid.startsWith(STORAGE_ROOT + "9.")) {
                // devices store ECG leads in other waveform classes too (GE Marquette in Hemodynamic Waveform Storage)
                ecgClass = false;
                className = OTHER_WAVEFORM_CLASSES.getOrDefault(uid, "waveform storage");
                return uid;
            }
            if (uid.startsWith(STORAGE_ROOT)) {
                throw new EcgReadException(file, "DICOM image or other non-waveform object (SOP class " + uid
                        + "), not an ECG waveform");
            }
            throw new EcgReadException(file, "DICOM object of SOP class " + uid + ", not an ECG waveform");
        }

        private List<Group> groups() throws EcgReadException {
            List<DicomDataset> items = ds.sequence(WAVEFORM_SEQUENCE);
            if (items.isEmpty()) {
                throw new EcgReadException(file, "ECG object has no Waveform Sequence (5400,0100)");
            }
            List<Group> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                DicomDataset item = items.get(i);
                String label = item.string(MULTIPLEX_GROUP_LABEL);
                int ecgChannels = -1;
                if (!ecgClass) {
                    ecgChannels = 0;
                    for (DicomDataset def : item.sequence(CHANNEL_DEFINITIONS)) {
                        if (isEcgLead(def.firstItem(CHANNEL_SOURCE))) {
                            ecgChannels++;
                        }
                    }
                }
                out.add(new Group(i + 1, label == null ? "" : label, item, item.unsigned(NUMBER_OF_SAMPLES, 0),
                        ecgChannels));
            }
            return out;
        }

        /** The channel sources of every group, for the message that refuses a file without ECG channels. */
        private String channelSummary(List<Group> groups) throws EcgReadException {
            List<String> names = new ArrayList<>();
            for (Group g : groups) {
                int number = 0;
                for (DicomDataset def : g.item().sequence(CHANNEL_DEFINITIONS)) {
                    names.add(describeSource(def.firstItem(CHANNEL_SOURCE), ++number));
                }
            }
            if (names.size() > 12) {
                int more = names.size() - 12;
                names = new ArrayList<>(names.subList(0, 12));
                names.add("… " + more + " more");
            }
            return names.isEmpty() ? "none" : String.join(", ", names);
        }

        /** Chooses the recording among the groups that hold ECG channels; {@code null} when none does. */
        private static Group chooseRecording(List<Group> all) {
            List<Group> groups = new ArrayList<>();
            for (Group g : all) {
                if (g.ecgChannels() != 0) {
                    groups.add(g);
                }
            }
            if (groups.isEmpty()) {
                return null;
            }
            for (Group g : groups) {
                if (g.isRhythm()) {
                    return g;
                }
            }
            Group best = null;
            for (Group g : groups) {
                if (!g.isMedian() && (best == null || g.samples() > best.samples())) {
                    best = g;
                }
            }
            if (best != null) {
                return best;
            }
            for (Group g : groups) {
                if (best == null || g.samples() > best.samples()) {
                    best = g;
                }
            }
            return best;
        }

        private Decoded decode(Group g) throws EcgReadException {
            DicomDataset item = g.item();
            String where = g.describe();
            long channels = item.unsigned(NUMBER_OF_CHANNELS, -1);
            long samples = item.unsigned(NUMBER_OF_SAMPLES, -1);
            if (channels < 1) {
                throw new EcgReadException(file, where + " declares no Number of Waveform Channels (003A,0005)");
            }
            if (samples < 1) {
                throw new EcgReadException(file, where + " declares no Number of Waveform Samples (003A,0010)");
            }
            double fs = item.decimal(SAMPLING_FREQUENCY, Double.NaN);
            if (!(fs > 0)) {
                throw new EcgReadException(file, where + " has no valid Sampling Frequency (003A,001A): " + fs);
            }
            long bits = item.unsigned(BITS_ALLOCATED, -1);
            String interpretation = item.string(SAMPLE_INTERPRETATION);
            interpretation = interpretation == null ? "" : interpretation;
            int bytesPerSample = sampleBytes(where, bits, interpretation);
            List<DicomDataset> definitions = item.sequence(CHANNEL_DEFINITIONS);
            if (definitions.size() != channels) {
                throw new EcgReadException(file, where + " declares " + channels + " channels but defines "
                        + definitions.size() + " in the Channel Definition Sequence (003A,0200)");
            }
            DicomDataset.Element wave = item.element(WAVEFORM_DATA);
            if (wave == null || wave.items() != null) {
                throw new EcgReadException(file, where + " has no Waveform Data (5400,1010)");
            }
            long expected = channels * samples * bytesPerSample;
            if (wave.length() < expected) {
                throw new EcgReadException(file, "truncated: " + where + " Waveform Data holds " + wave.length()
                        + " bytes, but " + channels + " channels × " + samples + " samples × " + bytesPerSample
                        + " bytes = " + expected);
            }
            if (wave.length() > expected + 1) {
                throw new EcgReadException(file, "size mismatch: " + where + " Waveform Data holds " + wave.length()
                        + " bytes, but " + channels + " channels × " + samples + " samples × " + bytesPerSample
                        + " bytes = " + expected);
            }
            List<String> warnings = new ArrayList<>();
            Channel[] defs = new Channel[(int) channels];
            double[] toMv = new double[defs.length];
            int kept = 0;
            for (int c = 0; c < defs.length; c++) {
                DicomDataset source = definitions.get(c).firstItem(CHANNEL_SOURCE);
                if (!ecgClass && !isEcgLead(source)) {
                    warnings.add(where + " channel " + (c + 1) + " (" + describeSource(source, c + 1)
                            + ") is not coded as an ECG lead; it is left out");
                    continue;
                }
                defs[c] = channel(where, c + 1, definitions.get(c));
                if (Units.isVoltage(defs[c].units())) {
                    toMv[c] = Units.millivoltsPer(defs[c].units());
                    kept++;
                } else {
                    warnings.add(where + " channel " + (c + 1) + " (" + defs[c].lead() + ") is in '" + defs[c].units()
                            + "', not a voltage; it is left out");
                    defs[c] = null;
                }
            }
            if (kept == 0) {
                throw new EcgReadException(file, where + " has no channel measured in volts");
            }
            int n = (int) samples;
            float[][] mv = new float[kept][n];
            List<Channel> keptChannels = new ArrayList<>();
            int[] slot = new int[defs.length];
            for (int c = 0, k = 0; c < defs.length; c++) {
                slot[c] = defs[c] == null ? -1 : k++;
                if (defs[c] != null) {
                    keptChannels.add(defs[c]);
                }
            }
            double[] scale = new double[defs.length];
            double[] offset = new double[defs.length];
            for (int c = 0; c < defs.length; c++) {
                if (defs[c] != null) {
                    scale[c] = defs[c].sensitivity() * defs[c].correction();
                    offset[c] = defs[c].baseline();
                }
            }
            boolean signed = interpretation.charAt(0) == 'S';
            byte[] data = item.data();
            int p = wave.offset();
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < defs.length; c++, p += bytesPerSample) {
                    if (slot[c] < 0) {
                        continue;
                    }
                    int stored;
                    if (bytesPerSample == 2) {
                        int u = (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
                        stored = signed ? (short) u : u;
                    } else {
                        stored = signed ? data[p] : data[p] & 0xff;
                    }
                    // PS3.3 C.10.9.1.4: stored × sensitivity × correction + baseline, in the sensitivity units
                    mv[slot[c]][t] = (float) ((stored * scale[c] + offset[c]) * toMv[c]);
                }
            }
            return new Decoded(g, fs, keptChannels, mv, warnings);
        }

        /** A channel source as a user would name it: its code meaning and code. */
        private static String describeSource(DicomDataset source, int number) {
            if (source == null) {
                return "channel " + number + " without a channel source";
            }
            String meaning = source.string(CODE_MEANING);
            String code = source.string(CODE_VALUE);
            String scheme = source.string(CODING_SCHEME);
            String coded = (code == null ? "" : code) + (scheme == null || scheme.isEmpty() ? "" : " " + scheme);
            if (meaning == null || meaning.isEmpty()) {
                return coded.isBlank() ? "channel " + number : coded.trim();
            }
            return meaning + (coded.isBlank() ? "" : " [" + coded.trim() + "]");
        }

        private int sampleBytes(String where, long bits, String interpretation) throws EcgReadException {
            if (interpretation.equals("MB") || interpretation.equals("AB")) {
                throw new EcgReadException(file, where + " stores " + (interpretation.equals("MB") ? "mu-law" : "A-law")
                        + " companded samples (" + interpretation + "), which are not supported for ECG");
            }
            if (bits == 16 && (interpretation.equals("SS") || interpretation.equals("US"))) {
                return 2;
            }
            if (bits == 8 && (interpretation.equals("SB") || interpretation.equals("UB"))) {
                return 1;
            }
            throw new EcgReadException(file, where + " has Waveform Bits Allocated (5400,1004) " + bits
                    + " with Sample Interpretation (5400,1006) '" + interpretation
                    + "'; supported are 16 with SS/US and 8 with SB/UB");
        }

        private Channel channel(String where, int number, DicomDataset def) throws EcgReadException {
            DicomDataset source = def.firstItem(CHANNEL_SOURCE);
            String lead = source == null ? "channel " + number
                    : leadName(source.string(CODE_VALUE), source.string(CODING_SCHEME), source.string(CODE_MEANING), number);
            double sensitivity = def.decimal(CHANNEL_SENSITIVITY, Double.NaN);
            if (Double.isNaN(sensitivity) || sensitivity == 0) {
                throw new EcgReadException(file, where + " channel " + number + " (" + lead
                        + ") has no usable Channel Sensitivity (003A,0210), so its values cannot be turned into mV");
            }
            DicomDataset unitItem = def.firstItem(CHANNEL_SENSITIVITY_UNITS);
            String units = unitItem == null ? null : unitItem.string(CODE_VALUE);
            if (units == null || units.isEmpty()) {
                units = unitItem == null ? null : unitItem.string(CODE_MEANING);
            }
            if (units == null || units.isEmpty()) {
                throw new EcgReadException(file, where + " channel " + number + " (" + lead
                        + ") has no Channel Sensitivity Units Sequence (003A,0211)");
            }
            double correction = def.decimal(CHANNEL_CORRECTION_FACTOR, 1.0);
            double baseline = def.decimal(CHANNEL_BASELINE, 0.0);
            return new Channel(lead, sensitivity, correction, baseline, units);
        }

        private Ecg.Builder builder(Decoded d) throws EcgReadException {
            Ecg.Builder b = Ecg.builder(d.fs());
            for (int i = 0; i < d.channels().size(); i++) {
                try {
                    b.lead(d.channels().get(i).lead(), d.millivolts()[i]);
                } catch (IllegalArgumentException e) {
                    throw new EcgReadException(file, d.group().describe() + ": " + e.getMessage());
                }
            }
            return b;
        }

        private Ecg build(Ecg.Builder b) throws EcgReadException {
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw new EcgReadException(file, e.getMessage());
            }
        }

        private static String units(Decoded d) {
            String u = d.channels().get(0).units();
            for (Channel c : d.channels()) {
                if (!c.units().equals(u)) {
                    return "mixed";
                }
            }
            return u;
        }

        private static String describe(Decoded d) {
            Group g = d.group();
            return g.describe() + ": " + d.channels().size() + " channels × " + g.samples() + " samples at "
                    + d.fs() + " Hz";
        }

        private void filters(DicomDataset group, List<String> notes) throws EcgReadException {
            DicomDataset first = group.firstItem(CHANNEL_DEFINITIONS);
            if (first == null) {
                return;
            }
            double low = first.decimal(FILTER_LOW, Double.NaN);
            double high = first.decimal(FILTER_HIGH, Double.NaN);
            double notch = first.decimal(NOTCH_FILTER, Double.NaN);
            if (!Double.isNaN(low) || !Double.isNaN(high)) {
                notes.add("device filter " + (Double.isNaN(low) ? "?" : low) + "–" + (Double.isNaN(high) ? "?" : high)
                        + " Hz" + (Double.isNaN(notch) || notch == 0 ? "" : ", notch " + notch + " Hz"));
            }
        }

        private void annotations(Ecg.Builder b, Map<String, String> properties) throws EcgReadException {
            int points = 0;
            List<String> notMeasured = new ArrayList<>();
            for (DicomDataset a : ds.sequence(WAVEFORM_ANNOTATIONS)) {
                String text = a.string(UNFORMATTED_TEXT);
                if (text != null && !text.isEmpty()) {
                    b.statement(text);
                }
                DicomDataset concept = a.firstItem(CONCEPT_NAME);
                if (a.contains(NUMERIC_VALUE) && concept != null) {
                    List<Double> values = a.decimals(NUMERIC_VALUE);
                    if (values.isEmpty()) {
                        continue;
                    }
                    String meaning = concept.string(CODE_MEANING);
                    if (meaning == null || meaning.isEmpty()) {
                        meaning = concept.string(CODE_VALUE);
                    }
                    DicomDataset unitItem = a.firstItem(MEASUREMENT_UNITS);
                    String unit = unitItem == null ? "" : unitItem.string(CODE_VALUE);
                    int[] refs = a.unsignedShorts(REFERENCED_CHANNELS);
                    String lead = null;
                    if (refs.length >= 2 && refs[1] != 0) {
                        lead = referencedLead(refs[0], refs[1]);
                    }
                    Measurement m = measurement(meaning == null ? "value" : meaning, values.get(0),
                            unit == null ? "" : unit, lead);
                    if (m.value() <= 0 && (m.unit().equals("ms") || m.unit().equals("bpm"))) {
                        // devices write 0 for an interval or rate they could not measure
                        notMeasured.add(m.name());
                    } else {
                        b.measurements(List.of(m));
                    }
                } else if (a.contains(CONCEPT_CODE)) {
                    DicomDataset code = a.firstItem(CONCEPT_CODE);
                    String meaning = code == null ? null : code.string(CODE_MEANING);
                    if (meaning != null && !meaning.isEmpty()) {
                        b.statement(meaning);
                    }
                } else if (a.contains(REFERENCED_SAMPLE_POSITIONS)) {
                    points++;
                }
            }
            if (points > 0) {
                properties.put("fiducialAnnotationsNotImported", String.valueOf(points));
            }
            if (!notMeasured.isEmpty()) {
                properties.put("measurementsStatedAsZero", String.join(",", notMeasured));
            }
        }

        private String referencedLead(int groupNumber, int channelNumber) throws EcgReadException {
            List<DicomDataset> items = ds.sequence(WAVEFORM_SEQUENCE);
            if (groupNumber < 1 || groupNumber > items.size()) {
                return "channel " + channelNumber;
            }
            List<DicomDataset> defs = items.get(groupNumber - 1).sequence(CHANNEL_DEFINITIONS);
            if (channelNumber < 1 || channelNumber > defs.size()) {
                return "channel " + channelNumber;
            }
            DicomDataset source = defs.get(channelNumber - 1).firstItem(CHANNEL_SOURCE);
            return source == null ? "channel " + channelNumber
                    : LeadNames.normalize(leadName(source.string(CODE_VALUE), source.string(CODING_SCHEME),
                            source.string(CODE_MEANING), channelNumber));
        }

        private String device() {
            String manufacturer = ds.string(MANUFACTURER);
            String model = ds.string(MODEL_NAME);
            String d = ((manufacturer == null ? "" : manufacturer) + " " + (model == null ? "" : model)).trim();
            return d.isEmpty() ? null : d;
        }

        private String acquisitionTime() {
            String dt = ds.string(ACQUISITION_DATETIME);
            if (dt != null && !dt.isEmpty()) {
                return isoDateTime(dt);
            }
            String[][] pairs = {{ds.string(ACQUISITION_DATE), ds.string(ACQUISITION_TIME)},
                    {ds.string(CONTENT_DATE), ds.string(CONTENT_TIME)}};
            for (String[] p : pairs) {
                if (p[0] != null && !p[0].isEmpty()) {
                    String time = p[1] == null ? "" : p[1].replace(":", "");
                    return isoDateTime(p[0].replace(".", "").replace("-", "") + time);
                }
            }
            return null;
        }
    }

    private static final Pattern DT = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\.\\d{1,6})?([+-]\\d{4})?");

    /** A DICOM DT value ({@code YYYYMMDDHHMMSS.FFFFFF&ZZXX}, trailing parts optional) as ISO 8601. */
    static String isoDateTime(String dt) {
        Matcher m = DT.matcher(dt.trim());
        if (!m.matches()) {
            return dt.trim();
        }
        StringBuilder sb = new StringBuilder(m.group(1));
        if (m.group(2) != null) {
            sb.append('-').append(m.group(2));
        }
        if (m.group(3) != null) {
            sb.append('-').append(m.group(3));
        }
        if (m.group(4) != null) {
            sb.append('T').append(m.group(4)).append(':').append(m.group(5) == null ? "00" : m.group(5));
            if (m.group(6) != null) {
                sb.append(':').append(m.group(6));
                if (m.group(7) != null) {
                    sb.append(m.group(7));
                }
            }
            if (m.group(8) != null) {
                sb.append(m.group(8), 0, 3).append(':').append(m.group(8), 3, 5);
            }
        }
        return sb.toString();
    }

    /** The block of ECG lead codes in the MDC nomenclature (partition 2, codes 0–255: MDC_ECG_LEAD_*). */
    private static final int MDC_ECG_LEAD_LAST = 255;

    /**
     * Whether a channel source is coded as an ECG lead: SCP-ECG lead codes ({@code 5.6.3-9-n}, scheme
     * {@code SCPECG}) or MDC ECG lead codes ({@code 2:n}, n ≤ 255, scheme {@code MDC}), as DICOM CID 3001
     * uses them. Pressure, flow, respiration and other sources are not.
     */
    static boolean isEcgLead(DicomDataset source) {
        if (source == null) {
            return false;
        }
        String code = source.string(CODE_VALUE);
        String scheme = source.string(CODING_SCHEME);
        if (code == null || scheme == null) {
            return false;
        }
        String s = scheme.trim().toUpperCase(Locale.ROOT);
        if (s.equals("SCPECG")) {
            return SCP_LEAD_CODE.matcher(code.trim()).matches();
        }
        if (s.startsWith("MDC")) {
            Matcher mdc = MDC_LEAD_CODE.matcher(code.trim());
            return mdc.matches() && mdc.group(1).length() <= 3 && Integer.parseInt(mdc.group(1)) <= MDC_ECG_LEAD_LAST;
        }
        return false;
    }

    /**
     * The lead a channel source names: by SCP-ECG ({@code 5.6.3-9-n}) or MDC ({@code 2:n}) code number,
     * else from the code meaning ({@code Lead I (Einthoven)} → {@code I}), else the meaning as written.
     */
    static String leadName(String codeValue, String scheme, String meaning, int channelNumber) {
        if (codeValue != null) {
            Matcher scp = SCP_LEAD_CODE.matcher(codeValue.trim());
            Matcher mdc = MDC_LEAD_CODE.matcher(codeValue.trim());
            Integer n = null;
            if (scp.matches()) {
                n = Integer.valueOf(scp.group(1));
            } else if (mdc.matches() && (scheme == null || scheme.toUpperCase(Locale.ROOT).startsWith("MDC"))) {
                n = Integer.valueOf(mdc.group(1));
            }
            if (n != null && SCP_LEADS.containsKey(n)) {
                return SCP_LEADS.get(n);
            }
        }
        if (meaning != null && !meaning.isBlank()) {
            String m = meaning.replaceAll("\\(.*?\\)", "").trim();
            m = m.replaceFirst("(?i)^lead\\s+", "").trim();
            String normalized = LeadNames.normalize(m);
            if (LeadNames.rank(normalized) < 1000) {
                return normalized;
            }
            return meaning.trim();
        }
        return codeValue != null && !codeValue.isBlank() ? codeValue.trim() : "channel " + channelNumber;
    }

    /**
     * A measurement from a numeric waveform annotation, under a canonical name ({@code qt_ms}, …) when
     * the concept and unit are known; otherwise under a key made of the concept meaning and unit.
     * Per-lead measurements get the lead as a prefix ({@code V2_qt_ms}).
     */
    static Measurement measurement(String meaning, double value, String unit, String lead) {
        String m = meaning.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").trim();
        String u = unit.trim();
        String canonicalUnit = switch (u) {
            case "ms", "msec" -> "ms";
            case "s" -> "s";
            case "deg", "°", "degrees" -> "deg";
            case "/min", "1/min", "{beats}/min", "{beat}/min", "bpm", "beats/min" -> "bpm";
            default -> u;
        };
        if (canonicalUnit.equals("s")) {
            value = value * 1000.0;
            canonicalUnit = "ms";
        }
        String base = null;
        if (m.contains("qtc")) {
            base = "qtc";
        } else if (m.startsWith("qt") || m.contains("qt interval") || m.contains("qt duration")) {
            base = "qt";
        } else if (m.contains("pr interval") || m.contains("pq interval") || m.equals("pr") || m.equals("pq")) {
            base = "pr";
        } else if (m.contains("qrs duration") || m.equals("qrs")) {
            base = "qrs";
        } else if (m.contains("rr interval")) {
            base = "rr";
        } else if (m.contains("pp interval")) {
            base = "pp";
        } else if (m.contains("p axis")) {
            base = "p_axis";
        } else if (m.contains("qrs axis")) {
            base = "qrs_axis";
        } else if (m.contains("t axis")) {
            base = "t_axis";
        } else if (m.contains("heart rate") || m.contains("ventricular rate") || m.equals("hr")
                || m.equals("vent rate")) {
            base = "hr";
        }
        String expected = base == null ? null : base.endsWith("axis") ? "deg" : base.equals("hr") ? "bpm" : "ms";
        String name;
        if (base != null && expected.equals(canonicalUnit)) {
            name = base + "_" + canonicalUnit;
        } else {
            String unitKey = canonicalUnit.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
            name = m.replace(' ', '_') + (unitKey.isEmpty() ? "" : "_" + unitKey);
        }
        if (lead != null) {
            name = lead + "_" + name;
        }
        return new Measurement(name, value, canonicalUnit);
    }
}
