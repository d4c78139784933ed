package org.exchangeai.core.comparison;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The patient of each recording from a metadata table with a {@code patient_id} (or {@code patient})
 * column, matched by file stem to its {@code file_name} column or else its first column (PTB-XL's
 * {@code ecg_id}), so that folds and bootstrap keep a patient's recordings together.
 */
public final class PatientTable {

    private final Map<String, String> byStem;

    private PatientTable(Map<String, String> byStem) {
        this.byStem = Map.copyOf(byStem);
    }

    /**
     * Reads the table.
     *
     * @throws IOException when it cannot be read or has no patient column; the message names the file
     */
    public static PatientTable read(Path csv) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().detectBomHeader(true).allowMissingFields(true)
                .allowExtraFields(true).skipEmptyLines(true).ofNamedCsvRecord(csv)) {
            List<String> header = null;
            for (NamedCsvRecord rec : r) {
                if (header == null) {
                    header = rec.getHeader();
                    if (!header.contains("patient_id") && !header.contains("patient")) {
                        throw new IOException(csv + ": no patient_id or patient column in the header " + header);
                    }
                }
                String key = stem(header.contains("file_name") ? rec.getField("file_name") : rec.getField(0));
                String p = (header.contains("patient_id") ? rec.getField("patient_id") : rec.getField("patient")).strip();
                if (p.matches("-?\\d+\\.0+")) {
                    p = p.substring(0, p.indexOf('.')); // PTB-XL writes ids as floats
                }
                if (!p.isEmpty()) {
                    out.put(key, p);
                }
            }
        } catch (UncheckedIOException e) {
            throw new IOException(csv + ": " + e.getCause().getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(csv + ": not a readable CSV table (" + e.getMessage() + ")", e);
        }
        return new PatientTable(out);
    }

    /** The patient of a recording name or path, {@code null} when the table has none. */
    public String patientOf(String recording) {
        return byStem.get(stem(recording));
    }

    public int size() {
        return byStem.size();
    }

    /** Lower-case file name without folders, archive prefix and extension. */
    public static String stem(String path) {
        String p = path.strip().replace('\\', '/');
        int bang = p.indexOf("!/");
        if (bang >= 0) {
            p = p.substring(bang + 2);
        }
        String name = p.substring(p.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }
}
