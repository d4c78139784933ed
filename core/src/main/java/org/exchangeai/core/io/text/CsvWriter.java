package org.exchangeai.core.io.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.exchangeai.core.ecg.Ecg;

/**
 * Writes a harmonised recording as CSV: a header row {@code time_s} plus the canonical lead
 * names, one row per sample, values in mV. Each value is the shortest decimal that reads back
 * as the same float32 ({@link Float#toString}), so {@link CsvReader} returns the samples
 * bit for bit; the time column carries the sampling rate.
 */
public final class CsvWriter {

    private CsvWriter() {
    }

    public static void write(Ecg ecg, Path out) throws IOException {
        int leads = ecg.leadCount();
        int n = ecg.length();
        float[][] data = ecg.samples();
        double fs = ecg.fs();
        try (de.siegmar.fastcsv.writer.CsvWriter csv = de.siegmar.fastcsv.writer.CsvWriter.builder()
                .lineDelimiter(de.siegmar.fastcsv.writer.LineDelimiter.LF)
                .build(out, StandardCharsets.UTF_8)) {
            String[] row = new String[leads + 1];
            row[0] = "time_s";
            for (int i = 0; i < leads; i++) {
                row[i + 1] = ecg.leads().get(i);
            }
            csv.writeRecord(row);
            for (int t = 0; t < n; t++) {
                row[0] = Double.toString(t / fs);
                for (int i = 0; i < leads; i++) {
                    row[i + 1] = Float.toString(data[i][t]);
                }
                csv.writeRecord(row);
            }
        }
    }
}
