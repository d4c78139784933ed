package org.exchangeai.core.io.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPY reading. The fixtures under {@code npy/} were written once by NumPy ({@code np.save}) from
 * the pattern {@code lead*100 + (t % 50) - 25} in the dtype, byte order and memory order their
 * names give; the PTB-XL values are float32 bit patterns printed by NumPy,
 * and {@code ../shared/golden/ptbxl_npy_195/raw.npy} is the golden reader's float64 copy.
 */
class NpyReaderTest {

    @TempDir
    Path tmp;

    private static float pattern(int lead, int t) {
        return lead * 100 + (t % 50) - 25;
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyReaderTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void ptbxlArrayIsRead500HzByTheTenSecondRule() throws Exception {
        Path file = TestData.data("ptbxl/npy500/195.npy");
        Ecg ecg = Formats.read(file, ReadOptions.DEFAULT);
        assertEquals("NPY", ecg.source().format());
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(5000, ecg.length());
        assertEquals(500.0, ecg.fs());
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("assumed 500 Hz")), ecg.warnings().toString());
        // bit patterns printed by NumPy: a[0, 0], a[0, 1], a[0, 2], a[4999, 11], a[1234, 6]
        assertEquals(Float.intBitsToFloat(0x3c8c14ed), ecg.get(0, 0));
        assertEquals(Float.intBitsToFloat(0x3e03fa23), ecg.get(1, 0));
        assertEquals(Float.intBitsToFloat(0x3db0cd5f), ecg.get(2, 0));
        assertEquals(Float.intBitsToFloat(0xbe05f49b), ecg.get(11, 4999));
        assertEquals(Float.intBitsToFloat(0xbbe142e1), ecg.get(6, 1234));
        Ecg golden = new NpyReader().read(TestData.golden("ptbxl_npy_195/raw.npy"), ReadOptions.DEFAULT);
        for (int i = 0; i < 12; i++) {
            assertArrayEquals(golden.lead(i), ecg.lead(i), 1e-7f);
        }
        assertEquals(250.0, Formats.read(file, ReadOptions.DEFAULT.withFs(250.0)).fs(), "--fs wins");
    }

    /** What {@code inspect ../shared/data} relies on: every PTB-XL recording read, each at its right rate. */
    @Test
    void wholePtbxlFolderReadsAtTheRightRates() {
        List<ReadResult> results = Formats.readAll(List.of(TestData.data("ptbxl")), ReadOptions.DEFAULT);
        assertEquals(121, results.size(), "120 arrays and one WFDB record");
        for (ReadResult r : results) {
            assertTrue(r.ok(), r.name() + ": " + r.error());
            assertEquals(r.name().endsWith(".npy") ? 500.0 : 100.0, r.ecg().fs(), r.name());
        }
    }

    @Test
    void dtypesByteOrdersAndMemoryOrders() throws Exception {
        NpyReader r = new NpyReader();
        ReadOptions fs = ReadOptions.DEFAULT.withFs(100.0);
        for (String name : List.of("i2_be_fortran_leads_first.npy", "i8_samples_first.npy")) {
            Ecg ecg = r.read(fixture(name), fs);
            assertEquals(12, ecg.leadCount(), name);
            assertEquals(1000, ecg.length(), name);
            for (int lead = 0; lead < 12; lead++) {
                for (int t = 0; t < 1000; t += 7) {
                    assertEquals(pattern(lead, t), ecg.get(lead, t), name + " lead " + lead + " t " + t);
                }
            }
        }
        Ecg f4 = r.read(fixture("f4_be_samples_first_fortran.npy"), fs.withUnits("uV"));
        assertEquals(pattern(5, 33) / 4.0f / 1000f, f4.get(5, 33), 1e-9f);
        Ecg one = r.read(fixture("f8_one_lead.npy"), ReadOptions.DEFAULT.withLeads(List.of("II")));
        assertEquals(List.of("II"), one.leads());
        assertEquals(250.0, one.fs(), "2500 samples: 10-s rule");
        assertEquals(pattern(0, 49) / 8.0f, one.get(0, 49));
        Ecg u1 = r.read(fixture("u1_8_leads.npy"), fs.withAdcGain(10.0));
        // names assumed for 8 unnamed columns are never the basis of derived leads
        assertEquals(List.of("I", "II", "V1", "V2", "V3", "V4", "V5", "V6"), u1.leads());
        assertTrue(u1.derivedLeads().isEmpty());
        Ecg named = r.read(fixture("u1_8_leads.npy"), fs.withAdcGain(10.0)
                .withLeads(List.of("I", "II", "V1", "V2", "V3", "V4", "V5", "V6")));
        assertEquals(Set4.of("III", "aVR", "aVL", "aVF"), named.derivedLeads());
        assertEquals(((int) pattern(7, 12) + 25 & 0xff) / 10f, u1.get(u1.indexOf("V6"), 12), 1e-6f);
    }

    /** Set.of with a name that reads well in the assertion above. */
    private static final class Set4 {
        static java.util.Set<String> of(String... s) {
            return java.util.Set.of(s);
        }
    }

    @Test
    void writerRoundTripsBothLayouts() throws Exception {
        Ecg ecg = Formats.read(TestData.data("ptbxl/npy500/887.npy"), ReadOptions.DEFAULT);
        for (NpyWriter.Layout layout : NpyWriter.Layout.values()) {
            Path out = tmp.resolve(layout + ".npy");
            NpyWriter.write(ecg, out, layout);
            assertEquals(0, (Files.size(out) - 5000 * 12 * 4) % 64, "header padded to 64 bytes");
            Ecg back = Formats.read(out, ReadOptions.DEFAULT);
            assertEquals(back.source().properties().get("orientation"),
                    layout == NpyWriter.Layout.SAMPLES_BY_LEADS ? "samples x leads" : "leads x samples");
            for (int i = 0; i < 12; i++) {
                assertArrayEquals(ecg.lead(i), back.lead(i));
            }
        }
        byte[] original = Files.readAllBytes(TestData.data("ptbxl/npy500/887.npy"));
        byte[] written = Files.readAllBytes(tmp.resolve("SAMPLES_BY_LEADS.npy"));
        assertArrayEquals(java.util.Arrays.copyOfRange(original, original.length - 240000, original.length),
                java.util.Arrays.copyOfRange(written, written.length - 240000, written.length),
                "same float32 payload as NumPy wrote");
    }

    @Test
    void corruptInputsGiveClearErrors() throws Exception {
        NpyReader r = new NpyReader();
        ReadOptions fs = ReadOptions.DEFAULT.withFs(100.0);
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(fixture("object.npy"), fs)).reason()
                .contains("object arrays are not supported"));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(fixture("three_d.npy"), fs)).reason()
                .contains("(2, 12, 100) is not a recording"));
        byte[] good = Files.readAllBytes(fixture("i8_samples_first.npy"));
        Path truncated = write("trunc.npy", java.util.Arrays.copyOf(good, good.length - 9));
        assertEquals("truncated: shape (1000, 12) of <i8 needs 96000 data bytes, the file holds 95991",
                assertThrows(EcgReadException.class, () -> r.read(truncated, fs)).reason());
        Path absurd = write("absurd.npy", NpyWriter.header("(9000000000000000000, 12)"));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(absurd, fs)).reason().contains("absurdly large"));
        Path huge = write("huge.npy", NpyWriter.header("(3000000000, 12)"));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(huge, fs)).reason().startsWith("truncated"));
        Path square = write("square.npy", concat(NpyWriter.header("(20, 20)"), new byte[1600]));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(square, fs)).reason()
                .startsWith("cannot tell leads from samples"));
        Path magicOnly = write("magic.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        assertThrows(EcgReadException.class, () -> Formats.read(magicOnly, fs));
        Path badLen = write("len.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 0xff, (byte) 0xff, '{'});
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(badLen, fs)).reason().contains("header declares 65535"));
        Path empty = write("empty.npy", new byte[0]);
        assertThrows(EcgReadException.class, () -> Formats.read(empty, fs));
        byte[] noise = new byte[5000];
        new java.util.Random(3).nextBytes(noise);
        Path random = write("random.npy", noise);
        assertThrows(EcgReadException.class, () -> Formats.read(random, fs));
        assertThrows(EcgReadException.class, () -> r.read(random, fs));
        Path noRate = write("norate.npy", concat(NpyWriter.header("(1234, 12)"), new byte[1234 * 48]));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(noRate, ReadOptions.DEFAULT)).reason()
                .startsWith("sampling rate unknown: pass --fs"));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
