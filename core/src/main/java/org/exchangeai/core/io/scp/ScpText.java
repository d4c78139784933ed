package org.exchangeai.core.io.scp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.ecg.Ecg;

/**
 * The descriptive sections of SCP-ECG: section 1 (header tags, of which only acquisition and device
 * facts are kept — the patient tags 0–12 and the free-text and medical-history tags are skipped
 * unread), section 7 (global measurements) and sections 8 and 11 (interpretive statements).
 */
final class ScpText {

    private ScpText() {
    }

    /** What section 1 says about the acquisition, without anything about the patient. */
    record Metadata(String acquisitionTime, String device, List<String> notes, Map<String, String> properties) {
        static final Metadata EMPTY = new Metadata(null, null, List.of(), Map.of());
    }

    /** Section 1 values used; each tag is {@code tag(1) length(2) value}, 255 ends the list. */
    static Metadata section1(byte[] b, int from, int to, List<String> warnings) {
        int[] date = null;
        int[] time = null;
        Integer zoneMinutes = null;
        String device = null;
        Map<String, String> props = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        int p = from;
        while (p + 3 <= to) {
            int tag = ScpBytes.u8(b, p);
            int len = ScpBytes.u16(b, p + 1);
            int v = p + 3;
            if (tag == 255) {
                break;
            }
            if (v + len > to) {
                warnings.add("section 1 tag " + tag + " runs past the end of the section; later tags were not read");
                break;
            }
            switch (tag) {
                case 14 -> {
                    Device d = device(b, v, v + len);
                    device = d.summary();
                    props.putAll(d.properties("scp.acquiring_device."));
                }
                case 15 -> props.putAll(device(b, v, v + len).properties("scp.analysing_device."));
                case 25 -> {
                    if (len >= 4) {
                        date = new int[] {ScpBytes.u16(b, v), ScpBytes.u8(b, v + 2), ScpBytes.u8(b, v + 3)};
                    }
                }
                case 26 -> {
                    if (len >= 3) {
                        time = new int[] {ScpBytes.u8(b, v), ScpBytes.u8(b, v + 1), ScpBytes.u8(b, v + 2)};
                    }
                }
                case 27 -> {
                    if (len >= 2 && ScpBytes.u16(b, v) != 0) {
                        props.put("scp.highpass_filter_hz", String.format(Locale.ROOT, "%.2f",
                                ScpBytes.u16(b, v) / 100.0));
                    }
                }
                case 28 -> {
                    if (len >= 2 && ScpBytes.u16(b, v) != 0) {
                        props.put("scp.lowpass_filter_hz", Integer.toString(ScpBytes.u16(b, v)));
                    }
                }
                case 29 -> {
                    if (len >= 1) {
                        props.put("scp.filters", filters(ScpBytes.u8(b, v)));
                    }
                }
                case 34 -> {
                    if (len >= 2) {
                        int minutes = ScpBytes.s16(b, v);
                        if (Math.abs(minutes) <= 14 * 60) {
                            zoneMinutes = minutes;
                        }
                    }
                }
                default -> {
                    // patient identity, clinical free text and vendor tags are deliberately not read
                }
            }
            p = v + len;
        }
        String when = isoTime(date, time, zoneMinutes);
        if (when == null && (date != null || time != null)) {
            notes.add("acquisition date/time in section 1 is not a valid date");
        }
        return new Metadata(when, device, notes, props);
    }

    private static String filters(int bits) {
        List<String> on = new ArrayList<>();
        if ((bits & 1) != 0) {
            on.add("60 Hz notch");
        }
        if ((bits & 2) != 0) {
            on.add("50 Hz notch");
        }
        if ((bits & 4) != 0) {
            on.add("artefact");
        }
        if ((bits & 8) != 0) {
            on.add("baseline");
        }
        return on.isEmpty() ? "none" : String.join(", ", on);
    }

    private static String isoTime(int[] date, int[] time, Integer zoneMinutes) {
        if (date == null) {
            return null;
        }
        if (date[0] < 1900 || date[0] > 2200 || date[1] < 1 || date[1] > 12 || date[2] < 1 || date[2] > 31) {
            return null;
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02d", date[0], date[1], date[2]));
        if (time != null && time[0] < 24 && time[1] < 60 && time[2] < 61) {
            sb.append(String.format(Locale.ROOT, "T%02d:%02d:%02d", time[0], time[1], time[2]));
            if (zoneMinutes != null) {
                int m = Math.abs(zoneMinutes);
                sb.append(String.format(Locale.ROOT, "%s%02d:%02d", zoneMinutes < 0 ? "-" : "+", m / 60, m % 60));
            }
        }
        return sb.toString();
    }

    /** Tags 14 and 15: machine identification, fixed fields then length-prefixed and zero-ended strings. */
    record Device(String model, int protocolRevision, String analysisRevision, String serial, String software,
                  String scpSoftware, String manufacturer) {

        String summary() {
            List<String> parts = new ArrayList<>();
            for (String s : new String[] {manufacturer, model}) {
                if (s != null && !s.isBlank() && !s.equalsIgnoreCase("unknown")) {
                    parts.add(s);
                }
            }
            String text = String.join(" ", parts);
            if (software != null && !software.isBlank() && !software.equalsIgnoreCase("unknown")) {
                text = text.isEmpty() ? "software " + software : text + ", software " + software;
            }
            return text.isEmpty() ? null : text;
        }

        Map<String, String> properties(String prefix) {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, prefix + "model", model);
            put(m, prefix + "analysis_program", analysisRevision);
            put(m, prefix + "serial_number", serial);
            put(m, prefix + "software", software);
            put(m, prefix + "scp_implementation", scpSoftware);
            put(m, prefix + "manufacturer", manufacturer);
            if (protocolRevision > 0) {
                m.put(prefix + "scp_protocol_revision", (protocolRevision / 10) + "." + (protocolRevision % 10));
            }
            return m;
        }

        private static void put(Map<String, String> m, String key, String value) {
            if (value != null && !value.isBlank() && !value.equalsIgnoreCase("unknown")) {
                m.put(key, value);
            }
        }
    }

    static Device device(byte[] b, int from, int to) {
        String model = from + 14 <= to ? string(b, from + 8, from + 14) : null;
        int revision = from + 15 <= to ? ScpBytes.u8(b, from + 14) : 0;
        String[] strings = new String[5];
        int p = from + 35;
        if (p < to) {
            int len = ScpBytes.u8(b, p);
            int end = Math.min(to, p + 1 + len);
            strings[0] = string(b, p + 1, end);
            p = end;
            for (int i = 1; i < 5 && p < to; i++) {
                int z = p;
                while (z < to && b[z] != 0) {
                    z++;
                }
                strings[i] = string(b, p, z);
                p = z + 1;
            }
        }
        return new Device(model, revision, strings[0], strings[1], strings[2], strings[3], strings[4]);
    }

    /** Printable ASCII/Latin-1 text up to the first zero byte, trimmed; {@code null} when empty. */
    static String string(byte[] b, int from, int to) {
        int end = from;
        while (end < to && b[end] != 0) {
            end++;
        }
        String s = new String(b, from, end - from, StandardCharsets.ISO_8859_1).replaceAll("[\\p{Cntrl}]", " ").trim();
        return s.isEmpty() ? null : s;
    }

    private static boolean valid(int v) {
        return v > 0 && v < 19999;
    }

    /**
     * Section 7: for reference beat type 0, P onset/offset, QRS onset/offset and T offset (ms from the
     * beat start; 29999 = not computed) and the frontal axes (999 = undefined); average RR; then, in
     * version 2 and later, ventricular rate and QTc after the pacemaker and QRS-type blocks.
     */
    static void measurements(byte[] b, int from, int to, Ecg.Builder builder, List<String> warnings) {
        if (to - from < 6) {
            return;
        }
        int types = ScpBytes.u8(b, from);
        int spikes = ScpBytes.u8(b, from + 1);
        int rr = ScpBytes.u16(b, from + 2);
        int p = from + 6;
        if (types > 0 && p + 16 <= to) {
            int pOn = ScpBytes.u16(b, p);
            int pOff = ScpBytes.u16(b, p + 2);
            int qrsOn = ScpBytes.u16(b, p + 4);
            int qrsOff = ScpBytes.u16(b, p + 6);
            int tOff = ScpBytes.u16(b, p + 8);
            boolean qrsKnown = qrsOn < 19999 && qrsOff < 19999 && qrsOff > qrsOn;
            if (qrsKnown && pOn < 19999 && pOff < 19999 && pOff > pOn && qrsOn > pOn) {
                builder.measurement("pr_ms", qrsOn - pOn, "ms");
            }
            if (qrsKnown) {
                builder.measurement("qrs_ms", qrsOff - qrsOn, "ms");
            }
            if (qrsKnown && tOff < 19999 && tOff > qrsOff) {
                builder.measurement("qt_ms", tOff - qrsOn, "ms");
            }
            String[] axes = {"p_axis_deg", "qrs_axis_deg", "t_axis_deg"};
            for (int i = 0; i < 3; i++) {
                int axis = ScpBytes.s16(b, p + 10 + 2 * i);
                if (axis != 999 && Math.abs(axis) <= 360) {
                    builder.measurement(axes[i], axis, "deg");
                }
            }
        }
        p += 16 * types + 10 * spikes;
        Integer ventricularRate = null;
        if (p + 2 <= to) {
            int qrsCount = ScpBytes.u16(b, p);
            p += 2 + (qrsCount == 29999 ? 0 : qrsCount);
            if (p + 6 <= to) {
                int vr = ScpBytes.u16(b, p);
                int qtc = ScpBytes.u16(b, p + 4);
                if (valid(vr)) {
                    ventricularRate = vr;
                }
                if (valid(qtc)) {
                    builder.measurement("qtc_ms", qtc, "ms");
                }
            }
        }
        if (ventricularRate != null) {
            builder.measurement("hr_bpm", ventricularRate, "bpm");
        } else if (valid(rr)) {
            builder.measurement("hr_bpm", Math.round(60000.0 / rr * 10) / 10.0, "bpm");
        }
    }

    /**
     * Sections 8 (full text) and 11 (universal statement codes): confirmation byte, date (4 bytes),
     * time (3 bytes), statement count, then per statement a sequence number, a 2-byte length and the
     * text (section 11 puts a type byte before it and separates coded fields with zero bytes).
     */
    static List<String> statements(byte[] b, int from, int to, boolean coded) {
        List<String> out = new ArrayList<>();
        if (to - from < 9) {
            return out;
        }
        int count = ScpBytes.u8(b, from + 8);
        int p = from + 9;
        for (int i = 0; i < count && p + 3 <= to; i++) {
            int len = ScpBytes.u16(b, p + 1);
            int next = p + 3 + len;
            int v = p + 3 + (coded && len > 0 ? 1 : 0);
            int end = Math.min(to, next);
            List<String> fields = new ArrayList<>();
            int q = v;
            while (q < end) {
                int z = q;
                while (z < end && b[z] != 0) {
                    z++;
                }
                String s = string(b, q, z);
                if (s != null) {
                    fields.add(s);
                }
                q = z + 1;
            }
            if (!fields.isEmpty()) {
                out.add(String.join(coded ? "; " : " ", fields));
            }
            p = next;
        }
        return out;
    }
}
