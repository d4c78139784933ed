package org.exchangeai.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.ReadResult;

/** The JSON description of one read result, as {@code inspect --json} prints it. */
final class RecordingJson {

    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private RecordingJson() {
    }

    static Map<String, Object> describe(ReadResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.name());
        Ecg ecg = r.ecg();
        if (ecg == null) {
            m.put("format", null);
            m.put("leads", null);
            m.put("fs", null);
            m.put("samples", null);
            m.put("durationSeconds", null);
            m.put("error", r.error().reason());
            return m;
        }
        SourceInfo src = ecg.source();
        m.put("format", src == null ? null : src.format());
        m.put("leads", ecg.leads());
        m.put("fs", ecg.fs());
        m.put("samples", ecg.length());
        m.put("durationSeconds", ecg.durationSeconds());
        m.put("units", src == null ? null : src.units());
        float[] range = ecg.amplitudeRange();
        m.put("amplitudeMinMv", finiteOrNull(range[0]));
        m.put("amplitudeMaxMv", finiteOrNull(range[1]));
        m.put("derivedLeads", List.copyOf(ecg.derivedLeads()));
        m.put("warnings", ecg.warnings());
        if (src != null) {
            m.put("device", src.device());
            m.put("acquisitionTime", src.acquisitionTime());
            if (!src.properties().isEmpty()) {
                m.put("properties", src.properties());
            }
        }
        if (!ecg.measurements().isEmpty()) {
            Map<String, Object> meas = new LinkedHashMap<>();
            for (Measurement x : ecg.measurements()) {
                meas.put(x.name(), x.value());
            }
            m.put("measurements", meas);
        }
        if (!ecg.statements().isEmpty()) {
            m.put("statements", ecg.statements());
        }
        if (!ecg.annotations().isEmpty()) {
            m.put("annotations", ecg.annotations().size());
        }
        Ecg beat = ecg.representativeBeat();
        if (beat != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("leads", beat.leads());
            b.put("fs", beat.fs());
            b.put("samples", beat.length());
            m.put("representativeBeat", b);
        }
        m.put("error", null);
        return m;
    }

    static String line(Map<String, Object> m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object finiteOrNull(float v) {
        return Float.isFinite(v) ? (Object) (double) v : null;
    }

    static List<String> measurementTexts(Ecg ecg) {
        List<String> out = new ArrayList<>();
        for (Measurement x : ecg.measurements()) {
            String v = x.value() == Math.rint(x.value()) ? String.valueOf((long) x.value()) : String.format("%.1f", x.value());
            out.add(x.name() + "=" + v + (x.unit() == null || x.name().endsWith(x.unit()) ? "" : " " + x.unit()));
        }
        return out;
    }
}
