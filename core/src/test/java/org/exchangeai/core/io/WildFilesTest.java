package org.exchangeai.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of {@code ../shared/data} (old and new writers) reads or is refused for a documented
 * reason, and the new formats give the values an independent decode gives. Expected numbers:
 * NumPy decodes of the same bytes ({@code np.frombuffer} of the MFER waveform item at byte 400,
 * {@code np.loadtxt} of the text exports, the Schiller {@code <data>} integers), done once and
 * written here.
 */
class WildFilesTest {

    @TempDir
    Path tmp;

    private static Ecg read(String rel) throws EcgReadException {
        return Formats.read(TestData.data(rel), ReadOptions.DEFAULT);
    }

    @Test
    void everySharedFileReadsOrIsRefusedForItsDocumentedReason() {
        Formats.Scan scan = Formats.scan(List.of(TestData.data("")));
        Map<String, String> failed = new TreeMap<>();
        int ok = 0;
        for (Formats.Scan.Entry e : scan.recordings()) {
            for (ReadResult r : Formats.readEntry(e, ReadOptions.DEFAULT)) {
                if (r.ok()) {
                    ok++;
                } else {
                    failed.put(TestData.data("").relativize(r.file()).toString(), r.error().reason());
                }
            }
        }
        assertEquals(List.of("csv/0000050.ECG.csv", "norav/DEM10000026.rdt"), List.copyOf(failed.keySet()),
                failed.toString());
        assertTrue(failed.get("csv/0000050.ECG.csv").startsWith("sampling rate unknown: pass --fs"));
        assertTrue(failed.get("norav/DEM10000026.rdt").contains("neither the amplitude scale"));
        assertEquals(239, ok, "recordings read");
        assertTrue(scan.skipped().stream().anyMatch(s -> s.file().getFileName().toString().equals("test.des")),
                "the parsescp description is skipped as not a recording");
    }

    @Test
    void mferChannelsEqualTheirBytes() throws Exception {
        Ecg e = read("mfer/test-file.MWF");
        assertEquals(List.of("II", "V5"), e.leads());
        assertEquals(250.0, e.fs());
        assertEquals(180_000, e.length());
        float[] ii = {0.036f, 0.030f, 0.016f, 0.006f, 0f};
        float[] v5 = {0.082f, 0.060f, 0.036f, 0.012f, -0.006f};
        for (int t = 0; t < 5; t++) {
            assertEquals(ii[t], e.lead("II")[t], 1e-6);
            assertEquals(v5[t], e.lead("V5")[t], 1e-6);
        }
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("0xC00A, mmHg")), e.warnings().toString());
        assertEquals("2019-06-19T13:20:00", e.source().acquisitionTime());
    }

    @Test
    void schillerRhythmAndAveragesAreRead() throws Exception {
        Ecg e = read("schiller/schiller.xml");
        assertEquals(12, e.leadCount());
        assertEquals(500.0, e.fs());
        assertEquals(4998, e.length());
        assertTrue(e.derivedLeads().isEmpty(), "all 12 leads are stored");
        assertEquals(-0.025f, e.lead("I")[0], 1e-6);
        assertEquals(-0.065f, e.lead("I")[1], 1e-6);
        assertEquals(-0.175f, e.lead("II")[0], 1e-6);
        assertEquals(580, e.representativeBeat().length());
        assertTrue(e.measurements().stream().anyMatch(m -> m.name().equals("qrs_ms") && m.value() == 146));
    }

    @Test
    void textExportsReadWithTheirStatedOrAssumedScaling() throws Exception {
        Ecg csv = read("text/ECG_12L.csv");
        assertEquals(500.0, csv.fs());
        assertEquals(5000, csv.length());
        assertEquals(50 / 2048f, csv.lead("I")[0], 1e-7);
        assertEquals(-220 / 2048f, csv.lead("V6")[0], 1e-7);
        Ecg txt = read("text/testing_ecg.txt");
        assertEquals(5000, txt.length());
        assertEquals(0.019f, txt.lead("I")[0], 1e-7);
        assertEquals(-0.019f, txt.lead("V6")[0], 1e-7);
        assertTrue(txt.warnings().stream().anyMatch(w -> w.startsWith("units not stored in the file")));
        assertTrue(txt.warnings().stream().anyMatch(w -> w.startsWith("lead names not stored in the file")));
    }

    @Test
    void welchAllynScpIsSampledAt600Hz() throws Exception {
        Ecg e = read("scp/ECG_20060620_112352_197001138994.SCP");
        assertEquals(600.0, e.fs());
        assertEquals(6000, e.length());
        assertTrue(e.leads().containsAll(List.of("V3R", "V7")));
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("1667 us") && w.contains("599.880 Hz")));
    }

    @Test
    void noravIsRefusedUnlessTheScaleIsGiven() throws Exception {
        EcgReadException x = assertThrows(EcgReadException.class, () -> read("norav/DEM10000026.rdt"));
        assertTrue(x.reason().startsWith("Norav RDT: the header gives 3 channels at 1000 Hz"), x.reason());
        Ecg e = Formats.read(TestData.data("norav/DEM10000026.rdt"), ReadOptions.DEFAULT.withAdcGain(200.0));
        assertEquals(List.of("ch1", "ch2", "ch3"), e.leads());
        assertEquals(303_364, e.length());
        assertEquals(87 / 200f, e.lead("ch1")[0], 1e-6);
    }

    @Test
    void philipsQuirksReadTheRhythm() throws Exception {
        Ecg sample = read("philips/sample.xml");
        assertEquals(5500, sample.length());
        assertTrue(sample.warnings().stream().anyMatch(w -> w.contains("says UTF-16")));
        Ecg rep = read("philips/repbeats_example.xml");
        assertEquals(1200, rep.representativeBeat().length());
        assertEquals(read("philips/129DYPRG.XML").lead("II")[100], rep.lead("II")[100]);
    }

    @Test
    void nonEcgSignalsOfWfdbRecordsAreNotLeads() throws Exception {
        Ecg e = read("wfdb/multisegment-041s/041s.hea");
        assertFalse(e.leads().contains("PLETH") || e.leads().contains("RESP"), e.leads().toString());
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("PLETH, RESP")), e.warnings().toString());
        Ecg multi = read("wfdb/multisegment-wfdblib/multi.hea");
        assertTrue(multi.warnings().stream().noneMatch(w -> w.contains("()")), multi.warnings().toString());
    }

    @Test
    void aFolderGivenAsASymbolicLinkIsScanned() throws Exception {
        Path link = tmp.resolve("linked");
        Files.createSymbolicLink(link, TestData.data("muse"));
        assertEquals(3, Formats.scan(List.of(link)).recordings().size());
    }
}
