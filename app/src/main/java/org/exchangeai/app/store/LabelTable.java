package org.exchangeai.app.store;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.app.store.Datasets.Label;

/** A label table as users write it: {@code file_name,label,ICD-10}, one row per recording. */
public final class LabelTable {

    private LabelTable() {
    }

    /** Reads a {@code file_name,label,ICD-10} table; the message of a failure names the file and line. */
    public static List<Label> parse(String text, String fileName) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Label> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        int fileCol = -1;
        int labelCol = -1;
        int icdCol = -1;
        int line = 0;
        for (CsvRecord rec : CsvReader.builder().ofCsvRecord(text)) {
            line++;
            if (line == 1) {
                for (int i = 0; i < rec.getFieldCount(); i++) {
                    String h = rec.getField(i).strip().toLowerCase(Locale.ROOT);
                    if (h.equals("file_name") || h.equals("filename") || h.equals("file")) {
                        fileCol = i;
                    } else if (h.equals("label") || h.equals("labels")) {
                        labelCol = i;
                    } else if (h.startsWith("icd")) {
                        icdCol = i;
                    }
                }
                if (fileCol < 0 || labelCol < 0) {
                    throw new IllegalArgumentException(fileName + ": the first line must name the columns file_name,label,ICD-10");
                }
                continue;
            }
            if (rec.getFieldCount() == 1 && rec.getField(0).isBlank()) {
                continue;
            }
            if (rec.getFieldCount() <= Math.max(fileCol, labelCol)) {
                throw new IllegalArgumentException(fileName + ": line " + line + " has too few columns");
            }
            String name = rec.getField(fileCol).strip();
            String label = rec.getField(labelCol).strip();
            if (name.isEmpty() || label.isEmpty()) {
                throw new IllegalArgumentException(fileName + ": line " + line + " has an empty file name or label");
            }
            if (seen.put(name, line) != null) {
                throw new IllegalArgumentException(fileName + ": '" + name + "' is labelled twice (line " + line + ")");
            }
            String icd = icdCol >= 0 && icdCol < rec.getFieldCount() ? rec.getField(icdCol).strip() : "";
            out.add(new Label(name, label, icd.isEmpty() ? null : icd));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(fileName + ": no labels found");
        }
        return out;
    }
}
