package org.exchangeai.core.ecg;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Canonical lead names and their order. Devices and files spell leads in many ways
 * ({@code avr}, {@code AVR}, {@code ECG II}, {@code DI}, {@code -aVR}); everything is
 * mapped to one spelling here so that the rest of the platform compares names exactly.
 */
public final class LeadNames {

    /** The standard 12 leads in their canonical order. */
    public static final List<String> STANDARD_12 =
            List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");

    /** Leads that follow the standard 12, in this order; unknown names come after them. */
    public static final List<String> EXTRA_ORDER =
            List.of("X", "Y", "Z", "V3R", "V4R", "V5R", "V6R", "V7", "V8", "V9", "MLII", "MLI", "MLIII");

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("I", "I"), Map.entry("II", "II"), Map.entry("III", "III"),
            Map.entry("DI", "I"), Map.entry("DII", "II"), Map.entry("DIII", "III"),
            Map.entry("LEADI", "I"), Map.entry("LEADII", "II"), Map.entry("LEADIII", "III"),
            Map.entry("AVR", "aVR"), Map.entry("AVL", "aVL"), Map.entry("AVF", "aVF"),
            Map.entry("VR", "aVR"), Map.entry("VL", "aVL"), Map.entry("VF", "aVF"),
            Map.entry("V1", "V1"), Map.entry("V2", "V2"), Map.entry("V3", "V3"),
            Map.entry("V4", "V4"), Map.entry("V5", "V5"), Map.entry("V6", "V6"),
            Map.entry("V7", "V7"), Map.entry("V8", "V8"), Map.entry("V9", "V9"),
            Map.entry("V3R", "V3R"), Map.entry("V4R", "V4R"), Map.entry("V5R", "V5R"), Map.entry("V6R", "V6R"),
            Map.entry("X", "X"), Map.entry("Y", "Y"), Map.entry("Z", "Z"),
            Map.entry("VX", "X"), Map.entry("VY", "Y"), Map.entry("VZ", "Z"),
            Map.entry("MLII", "MLII"), Map.entry("MLI", "MLI"), Map.entry("MLIII", "MLIII"));

    private static final Pattern PREFIX = Pattern.compile("^(ECG|EKG|LEAD)[\\s_:-]*", Pattern.CASE_INSENSITIVE);

    private LeadNames() {
    }

    /** A lead name after normalisation, with whether the source stored it inverted ({@code -aVR}). */
    public record Parsed(String name, boolean inverted) {
    }

    /**
     * Normalises one lead name: case, prefixes such as {@code ECG} or {@code Lead}, spaces,
     * and a leading minus for inverted leads. Names that are not recognised keep their
     * spelling (trimmed). Generic or numbered names ({@code ECG 1}, {@code CH1}, {@code 1})
     * are never taken for a standard lead.
     */
    public static Parsed parse(String raw) {
        String s = raw == null ? "" : raw.trim();
        boolean inverted = false;
        if (s.startsWith("-") && s.length() > 1) {
            inverted = true;
            s = s.substring(1).trim();
        }
        // a prefix such as "ECG" is dropped only when a standard name follows it ("ECG II");
        // "ECG 1" or "ECG from a file" keep their whole spelling: numbers are not lead identities
        String stripped = PREFIX.matcher(s).replaceFirst("");
        String canonical = ALIASES.get(stripped.replaceAll("[\\s_.]", "").toUpperCase(Locale.ROOT));
        if (canonical == null) {
            canonical = s.isEmpty() ? (raw == null ? "" : raw.trim()) : s;
        }
        return new Parsed(canonical, inverted);
    }

    /**
     * Names of other physiological signals that files store beside the ECG, often in a voltage
     * unit or with none (WFDB's default unit is mV): blood pressures, plethysmogram, respiration,
     * oxygen saturation, EEG/EMG/EOG, accelerometers, temperature. Matched on the name without
     * spaces, dashes and case, at its start.
     */
    private static final Pattern NON_ECG = Pattern.compile(
            "^(PLETH|PLET|PPG|RESP|RESPIRATION|IMPEDANCE|THOR|ABDO?|FLOW|AIRFLOW|NASAL|ABP|ART|AOBP|NBP|NIBP|BP|PAP|CVP"
                    + "|RAP|LAP|UAP|ICP|PAWP|SPO2|SAO2|SO2|OXY|CO2|ETCO2|PCO2|TEMP|EEG|EMG|EOG|ACC|GYRO|POS|PULSE|HR$"
                    + "|STATUS|EVENT|LEADOFF|MARKER|TRIGGER|SOUND|PCG|MIC)");

    /**
     * Whether a channel name says the channel is another kind of physiological signal, never an
     * ECG lead ({@code PLETH}, {@code RESP}, {@code ABP}, {@code SpO2}, {@code EEG Fp1}, …).
     */
    public static boolean isNonEcgSignal(String raw) {
        if (raw == null) {
            return false;
        }
        String s = raw.strip().toUpperCase(Locale.ROOT).replaceAll("[\\s_.-]", "");
        return !s.isEmpty() && NON_ECG.matcher(s).find();
    }

    /** The canonical spelling of a lead name ({@link #parse} without the inversion flag). */
    public static String normalize(String raw) {
        return parse(raw).name();
    }

    /** Sort key: standard 12 first, then {@link #EXTRA_ORDER}, then anything else. */
    public static int rank(String canonicalName) {
        int i = STANDARD_12.indexOf(canonicalName);
        if (i >= 0) {
            return i;
        }
        int j = EXTRA_ORDER.indexOf(canonicalName);
        if (j >= 0) {
            return 100 + j;
        }
        return 1000;
    }
}
