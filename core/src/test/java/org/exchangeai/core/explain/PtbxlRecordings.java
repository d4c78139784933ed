package org.exchangeai.core.explain;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;

/** Shared PTB-XL recordings ({@code ptbxl/npy500}, 500 Hz, mV) read as the command line reads them. */
final class PtbxlRecordings {

    record Recording(String file, String label, Ecg ecg) {
    }

    private PtbxlRecordings() {
    }

    /** The first {@code perClass} recordings of each listed label, in labels.csv order. */
    static List<Recording> load(List<String> labels, int perClass) throws IOException, EcgReadException {
        List<String> lines = Files.readAllLines(TestData.data("ptbxl/labels.csv"));
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<Recording> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("npy500/") || !labels.contains(f[1]) || taken.merge(f[1], 1, Integer::sum) > perClass) {
                continue;
            }
            Ecg ecg = Formats.read(TestData.data("ptbxl/" + f[0]), ReadOptions.DEFAULT.withFs(500.0));
            out.add(new Recording(f[0], f[1], ecg));
        }
        return out;
    }
}
