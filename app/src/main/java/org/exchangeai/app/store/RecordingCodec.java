package org.exchangeai.app.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;

/**
 * The workspace's stored form of a harmonised recording: a magic, a JSON header (leads, rate,
 * source, annotations, measurements, statements, warnings) and float32 little-endian samples,
 * lead after lead; the representative beat follows in the same layout. Lossless for {@link Ecg}.
 */
public final class RecordingCodec {

    private static final byte[] MAGIC = "EXECG1\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordingCodec() {
    }

    public static byte[] encode(Ecg ecg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + ecg.leadCount() * ecg.length() * 4);
        out.writeBytes(MAGIC);
        write(out, ecg, true);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Ecg ecg, boolean withBeat) {
        ObjectNode h = JSON.createObjectNode();
        h.putPOJO("leads", ecg.leads());
        h.put("fs", ecg.fs());
        h.put("samples", ecg.length());
        h.putPOJO("derived", List.copyOf(ecg.derivedLeads()));
        SourceInfo s = ecg.source();
        if (s != null) {
            ObjectNode src = h.putObject("source");
            src.put("file", s.file());
            src.put("format", s.format());
            src.put("units", s.units());
            src.putPOJO("gains", s.gains());
            src.putPOJO("baselines", s.baselines());
            src.put("originalFs", s.originalFs());
            src.putPOJO("notes", s.notes());
            src.put("device", s.device());
            src.put("acquisitionTime", s.acquisitionTime());
            src.putPOJO("properties", s.properties());
        }
        ArrayNode ann = h.putArray("annotations");
        for (Annotation a : ecg.annotations()) {
            ArrayNode row = ann.addArray();
            row.add(a.sample()).add(a.code()).add(a.lead()).add(a.text()).add(a.subtype());
        }
        ArrayNode meas = h.putArray("measurements");
        for (Measurement m : ecg.measurements()) {
            meas.addArray().add(m.name()).add(m.value()).add(m.unit());
        }
        h.putPOJO("statements", ecg.statements());
        h.putPOJO("warnings", ecg.warnings());
        h.put("beat", withBeat && ecg.representativeBeat() != null);
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(h);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(header.length);
        out.writeBytes(len.array());
        out.writeBytes(header);
        ByteBuffer data = ByteBuffer.allocate(ecg.leadCount() * ecg.length() * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] buf = new float[ecg.length()];
        for (int l = 0; l < ecg.leadCount(); l++) {
            ecg.copyLead(l, 0, buf, 0, buf.length);
            data.asFloatBuffer().put(l * buf.length, buf);
        }
        out.writeBytes(data.array());
        if (withBeat && ecg.representativeBeat() != null) {
            write(out, ecg.representativeBeat(), false);
        }
    }

    public static Ecg decode(byte[] bytes) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (!bb.hasRemaining() || bb.get() != b) {
                throw new IOException("not a stored recording");
            }
        }
        return read(bb);
    }

    /** Only the header of a stored recording (no samples are decoded). */
    public static JsonNode header(byte[] bytes) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        bb.position(MAGIC.length);
        int len = bb.getInt();
        return JSON.readTree(bytes, bb.position(), len);
    }

    private static Ecg read(ByteBuffer bb) throws IOException {
        int len = bb.getInt();
        if (len < 0 || len > bb.remaining()) {
            throw new IOException("stored recording header is damaged");
        }
        JsonNode h = JSON.readTree(bb.array(), bb.position(), len);
        bb.position(bb.position() + len);
        List<String> leads = new ArrayList<>();
        h.get("leads").forEach(n -> leads.add(n.asText()));
        int n = h.get("samples").asInt();
        if ((long) leads.size() * n * 4 > bb.remaining()) {
            throw new IOException("stored recording is truncated");
        }
        java.util.Set<String> derived = new java.util.HashSet<>();
        h.path("derived").forEach(x -> derived.add(x.asText()));
        Ecg.Builder b = Ecg.builder(h.get("fs").asDouble()).deriveMissingLimbLeads(false);
        for (String lead : leads) {
            float[] x = new float[n];
            bb.asFloatBuffer().get(x);
            bb.position(bb.position() + n * 4);
            b.lead(lead, x, derived.contains(lead));
        }
        JsonNode src = h.get("source");
        if (src != null) {
            List<String> notes = new ArrayList<>();
            src.path("notes").forEach(x -> notes.add(x.asText()));
            Map<String, String> props = new LinkedHashMap<>();
            src.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
            b.source(new SourceInfo(text(src, "file"), text(src, "format"), text(src, "units"), doubles(src.get("gains")),
                    doubles(src.get("baselines")), src.path("originalFs").asDouble(), notes, text(src, "device"),
                    text(src, "acquisitionTime"), props));
        }
        for (JsonNode a : h.path("annotations")) {
            b.annotation(new Annotation(a.get(0).asLong(), a.get(1).asText(), a.get(2).isNull() ? null : a.get(2).asText(),
                    a.get(3).isNull() ? null : a.get(3).asText(), a.get(4).asInt()));
        }
        for (JsonNode m : h.path("measurements")) {
            b.measurement(m.get(0).asText(), m.get(1).asDouble(), m.get(2).isNull() ? null : m.get(2).asText());
        }
        h.path("statements").forEach(x -> b.statement(x.asText()));
        h.path("warnings").forEach(x -> b.warning(x.asText()));
        if (h.path("beat").asBoolean()) {
            b.representativeBeat(read(bb));
        }
        return b.build();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static double[] doubles(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }
}
