package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exchangeai.app.store.Datasets.Dataset;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.numeric.NpyWriter;
import org.exchangeai.core.io.text.CsvWriter;

/** Streams a dataset's harmonised recordings as a ZIP of CSV, JSON or NPY files. */
final class Export {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Export() {
    }

    static void write(Context ctx, Services s, Dataset d, String as) throws Exception {
        String kind = as == null ? "csv" : as.toLowerCase(java.util.Locale.ROOT);
        if (!kind.equals("csv") && !kind.equals("json") && !kind.equals("npy")) {
            throw new BadRequestResponse("export as csv, json or npy");
        }
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + d.name().replaceAll("[^A-Za-z0-9._-]", "_")
                + "-" + kind + ".zip\"");
        try (OutputStream raw = ctx.outputStream(); ZipOutputStream zip = new ZipOutputStream(raw)) {
            for (Recording r : s.datasets().recordings(d.id())) {
                if (!r.ok()) {
                    continue;
                }
                Ecg ecg = s.cache().get(r.signalSha());
                String base = LabelMatch.key(r.name());
                zip.putNextEntry(new ZipEntry(base + "." + kind));
                switch (kind) {
                    case "csv" -> zip.write(viaFile(ecg, p -> CsvWriter.write(ecg, p)));
                    case "npy" -> zip.write(viaFile(ecg, p -> NpyWriter.write(ecg, p, NpyWriter.Layout.SAMPLES_BY_LEADS)));
                    default -> zip.write(json(ecg));
                }
                zip.closeEntry();
            }
        }
    }

    private interface FileWriting {
        void write(java.nio.file.Path p) throws IOException;
    }

    private static byte[] viaFile(Ecg ecg, FileWriting w) throws IOException {
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile("export-", ".tmp");
        try {
            w.write(tmp);
            return java.nio.file.Files.readAllBytes(tmp);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    private static byte[] json(Ecg ecg) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.putPOJO("leads", ecg.leads());
        n.put("fs", ecg.fs());
        n.put("units", "mV");
        ArrayNode data = n.putArray("data");
        for (int l = 0; l < ecg.leadCount(); l++) {
            ArrayNode row = data.addArray();
            for (int t = 0; t < ecg.length(); t++) {
                row.add(ecg.get(l, t));
            }
        }
        return JSON.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
    }
}
