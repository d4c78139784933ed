package org.exchangeai.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generic or numbered channel names never become standard leads, and limb leads are derived only
 * from leads the file itself names I and II: one case per reader family (WFDB, EDF, CSV and text,
 * header-less NPY, MFER, vendor XML).
 */
class GenericLeadNamesTest {

    @TempDir
    Path tmp;

    private static void assertNothingInvented(Ecg e, List<String> expected) {
        assertEquals(expected, e.leads());
        assertTrue(e.derivedLeads().isEmpty(), "derived " + e.derivedLeads());
    }

    @Test
    void wfdbNumberedChannelsKeepTheirNames() throws Exception {
        Files.write(tmp.resolve("g.dat"), new byte[4 * 2 * 100]);
        Files.writeString(tmp.resolve("g.hea"), "g 4 100 100\n"
                + "g.dat 16 200/mV 16 0 0 0 0 ECG 1\ng.dat 16 200/mV 16 0 0 0 0 ECG 2\n"
                + "g.dat 16 200/mV 16 0 0 0 0 CH3\ng.dat 16 200/mV 16 0 0 0 0 4\n");
        assertNothingInvented(Formats.read(tmp.resolve("g.hea"), ReadOptions.DEFAULT), List.of("ECG 1", "ECG 2", "CH3", "4"));
    }

    @Test
    void edfGenericNamesAreNotLeadsOfTheStandardSet() throws Exception {
        Ecg e = Formats.read(TestData.data("edf/1234_271020_212806.edf"), ReadOptions.DEFAULT);
        assertNothingInvented(e, List.of("ECG1", "ECG2", "ECG3"));
    }

    @Test
    void csvHeaderOfNumberedChannelsAndHeaderlessColumns() throws Exception {
        Path csv = tmp.resolve("x.csv");
        StringBuilder sb = new StringBuilder("Lead 1,chan 2,ECG from a file in another format\n");
        for (int i = 0; i < 1000; i++) {
            sb.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append('\n');
        }
        Files.writeString(csv, sb);
        assertNothingInvented(Formats.read(csv, ReadOptions.DEFAULT),
                List.of("Lead 1", "chan 2", "ECG from a file in another format"));
    }

    @Test
    void headerlessEightColumnsAreNotTheBasisOfDerivedLeads() throws Exception {
        Path npy = tmp.resolve("eight.npy");
        byte[] header = HostileFilesTest.npyHeader("<f4", "(5000, 8)");
        ByteBuffer b = ByteBuffer.allocate(header.length + 5000 * 8 * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header);
        Files.write(npy, b.array());
        Ecg e = Formats.read(npy, ReadOptions.DEFAULT);
        assertNothingInvented(e, List.of("I", "II", "V1", "V2", "V3", "V4", "V5", "V6"));
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("not derived")), e.warnings().toString());
        Ecg confirmed = Formats.read(npy, ReadOptions.DEFAULT.withLeads(List.of("I", "II", "V1", "V2", "V3", "V4", "V5",
                "V6")));
        assertEquals(12, confirmed.leadCount(), "leads the user names are the basis of derived leads");
    }

    @Test
    void mferLeadCodesNameOnlyEcgLeads() throws Exception {
        assertNothingInvented(Formats.read(TestData.data("mfer/test-file.MWF"), ReadOptions.DEFAULT), List.of("II", "V5"));
    }

    @Test
    void vendorFilesThatNameIAndIIDeriveTheRest() throws Exception {
        Ecg muse = Formats.read(TestData.data("muse/muse-sinus.xml"), ReadOptions.DEFAULT);
        assertEquals(java.util.Set.of("III", "aVR", "aVL", "aVF"), muse.derivedLeads());
        Ecg hl7 = Formats.read(TestData.data("hl7aecg/TemplateExample1.xml"), ReadOptions.DEFAULT);
        assertEquals(java.util.Set.of("aVR", "aVL", "aVF"), hl7.derivedLeads());
    }
}
