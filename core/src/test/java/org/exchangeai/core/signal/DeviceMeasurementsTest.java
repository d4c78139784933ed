package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;

/**
 * Our measurements next to the values the recording devices stored in the files (GE MUSE,
 * Philips, HL7 aECG, DICOM, SCP-ECG), read by the project's readers ({@code Ecg.measurements()}).
 * The device's QTc is compared with our Bazett QTc. The table printed is the one in
 * {@code docs/validation.md}; the asserted bounds are loose agreement limits.
 */
class DeviceMeasurementsTest {

    static final String[] FILES = {"muse/muse-sinus.xml", "muse/example1.xml", "philips/129DYPRG.XML",
        "philips/ecg_900657176_1.xml", "hl7aecg/Example_aECG.xml", "dicom/waveform_ecg.dcm", "scp/Example.scp"};
    static final String[][] PAIRS = {{"hr_bpm", "hr_bpm"}, {"pr_ms", "pr_ms"}, {"qrs_ms", "qrs_ms"},
        {"qt_ms", "qt_ms"}, {"qtc_ms", "qtc_bazett_ms"}, {"qtc_fridericia_ms", "qtc_fridericia_ms"},
        {"qrs_axis_deg", "axis_deg"}};
    /** Largest difference accepted per pair (bpm, ms, degrees). */
    static final double[] LIMITS = {5, 40, 30, 50, 60, 60, 45};

    @Test
    void closeToTheDevicesOwnMeasurements() throws Exception {
        StringBuilder table = new StringBuilder("| file |");
        for (String[] p : PAIRS) {
            table.append(' ').append(p[0]).append(" device / ours |");
        }
        table.append("\n|---|").append("---|".repeat(PAIRS.length)).append('\n');
        List<String> failures = new ArrayList<>();
        for (String file : FILES) {
            Ecg ecg = Formats.read(TestData.data(file), ReadOptions.DEFAULT);
            float[][] x = ecg.samples();
            int[] r = QrsDetector.detect(x, ecg.fs());
            Map<String, Double> ours = Measurements.measure(x, ecg.leads(), ecg.fs(), r).asMap();
            Map<String, Double> device = new LinkedHashMap<>();
            for (Measurement m : ecg.measurements()) {
                device.putIfAbsent(m.name(), m.value());
            }
            table.append("| ").append(file).append(" |");
            for (int k = 0; k < PAIRS.length; k++) {
                Double d = device.get(PAIRS[k][0]);
                Double o = ours.get(PAIRS[k][1]);
                table.append(String.format(Locale.ROOT, " %s / %s |", fmt(d), fmt(o)));
                if (d != null && o != null) {
                    double diff = Math.abs(d - o);
                    if (k == PAIRS.length - 1) {
                        diff = Math.min(diff, 360 - diff);
                    }
                    if (diff > LIMITS[k]) {
                        failures.add(file + " " + PAIRS[k][0] + ": device " + fmt(d) + ", ours " + fmt(o));
                    }
                }
            }
            table.append('\n');
        }
        System.out.println(table);
        System.out.println("outside the limits: " + failures);
        assertTrue(failures.size() <= 2, table + "\n" + failures);
    }

    private static String fmt(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }
}
