package org.exchangeai.core.ecg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a recording came from and how its numbers were turned into millivolts.
 *
 * @param file            the file that was read (as given, relative or absolute)
 * @param format          the format's name, e.g. {@code WFDB}, {@code EDF}
 * @param units           the units the file stored, e.g. {@code mV}, {@code uV}, {@code adu}
 * @param gains           per lead (canonical order of the {@link Ecg}): digital units per
 *                        physical unit, or {@code null} when the file stores physical values
 * @param baselines       per lead: the digital value of 0 physical units, or {@code null}
 * @param originalFs      the sampling rate the file declares, in Hz
 * @param notes           header comments and free text, in file order
 * @param device          acquisition device or software, when the file says
 * @param acquisitionTime acquisition date/time as the file states it (ISO 8601 when it can be parsed)
 * @param properties      further format-specific facts (options applied, record layout, …)
 */
public record SourceInfo(
        String file,
        String format,
        String units,
        double[] gains,
        double[] baselines,
        double originalFs,
        List<String> notes,
        String device,
        String acquisitionTime,
        Map<String, String> properties) {

    public SourceInfo {
        notes = notes == null ? List.of() : List.copyOf(notes);
        properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        gains = gains == null ? null : gains.clone();
        baselines = baselines == null ? null : baselines.clone();
    }

    public static SourceInfo of(String file, String format, String units, double originalFs) {
        return new SourceInfo(file, format, units, null, null, originalFs, List.of(), null, null, Map.of());
    }

    @Override
    public double[] gains() {
        return gains == null ? null : gains.clone();
    }

    @Override
    public double[] baselines() {
        return baselines == null ? null : baselines.clone();
    }
}
