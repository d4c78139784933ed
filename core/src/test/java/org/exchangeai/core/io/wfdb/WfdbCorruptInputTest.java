package org.exchangeai.core.io.wfdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed WFDB records give an {@link EcgReadException} with a clear reason, never a partial recording. */
class WfdbCorruptInputTest {

    @TempDir
    Path dir;

    private final WfdbReader reader = new WfdbReader();

    private String failure(Path hea) {
        EcgReadException e = assertThrows(EcgReadException.class, () -> reader.read(hea, ReadOptions.DEFAULT));
        assertEquals(hea.toString(), e.file());
        return e.reason();
    }

    /** LUDB record 10 with its header rewritten by {@code edit} and its data cut to {@code datBytes}. */
    private Path ludb10(java.util.function.UnaryOperator<String> edit, int datBytes) throws Exception {
        String header = Files.readString(TestData.data("ludb/data/10.hea"));
        Files.writeString(dir.resolve("10.hea"), edit.apply(header));
        byte[] dat = Files.readAllBytes(TestData.data("ludb/data/10.dat"));
        Files.write(dir.resolve("10.dat"), Arrays.copyOf(dat, Math.min(dat.length, datBytes)));
        return dir.resolve("10.hea");
    }

    @Test
    void truncatedSignalFile() throws Exception {
        String reason = failure(ludb10(h -> h, 60000));
        assertTrue(reason.contains("truncated") && reason.contains("5000") && reason.contains("60000"), reason);
    }

    @Test
    void headerDeclaresMoreSamplesThanStored() throws Exception {
        String reason = failure(ludb10(h -> h.replaceFirst("10 12 500 5000", "10 12 500 5001"), Integer.MAX_VALUE));
        assertTrue(reason.contains("truncated") && reason.contains("5001"), reason);
    }

    /** 10^12 samples would need terabytes: refused from the file size, before any allocation. */
    @Test
    void absurdSampleCount() throws Exception {
        String reason = failure(ludb10(h -> h.replaceFirst("10 12 500 5000", "10 12 500 1000000000000"), Integer.MAX_VALUE));
        assertTrue(reason.contains("truncated") && reason.contains("1000000000000"), reason);
    }

    @Test
    void absurdNullSegment() throws Exception {
        Files.writeString(dir.resolve("m.hea"), "m/1 1 100 1000000000000\n~ 1000000000000\n");
        String reason = failure(dir.resolve("m.hea"));
        assertTrue(reason.contains("null segment") || reason.contains("too large"), reason);
    }

    @Test
    void unknownSignalFormat() throws Exception {
        String reason = failure(ludb10(h -> h.replace("10.dat 16 ", "10.dat 999 "), Integer.MAX_VALUE));
        assertTrue(reason.contains("unknown signal format 999"), reason);
    }

    @Test
    void emptyHeader() throws Exception {
        Path hea = dir.resolve("e.hea");
        Files.write(hea, new byte[0]);
        assertTrue(failure(hea).contains("WFDB header without a record line"));
        Files.writeString(hea, "# only a comment\n\n");
        assertTrue(failure(hea).contains("WFDB header without a record line"));
    }

    @Test
    void randomBytesNamedHea() throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Path hea = dir.resolve("junk.hea");
        Files.write(hea, junk);
        assertFalse(reader.detect(hea, junk));
        assertTrue(failure(hea).contains("not a WFDB header"));
        EcgReadException viaFormats = assertThrows(EcgReadException.class, () -> Formats.read(hea, ReadOptions.DEFAULT));
        // a .hea is read as WFDB, so the refusal says what is wrong with it
        assertTrue(viaFormats.reason().contains("not a WFDB header: binary content"), viaFormats.reason());
    }

    @Test
    void missingSignalFile() throws Exception {
        Path hea = ludb10(h -> h, Integer.MAX_VALUE);
        Files.delete(dir.resolve("10.dat"));
        String reason = failure(hea);
        assertTrue(reason.contains("10.dat") && reason.contains("missing"), reason);
    }

    @Test
    void unreadableNumbersNameTheLine() throws Exception {
        String reason = failure(ludb10(h -> h.replace("1299(-2)/mV 0 0 -12", "1299(-2)/mV 0 0 twelve"), Integer.MAX_VALUE));
        assertTrue(reason.contains("line 2") && reason.contains("initial value"), reason);
        reason = failure(ludb10(h -> h.replace("10 12 500 5000", "10 12 fast 5000"), Integer.MAX_VALUE));
        assertTrue(reason.contains("line 1") && reason.contains("sampling frequency"), reason);
    }

    @Test
    void fewerSignalLinesThanDeclared() throws Exception {
        String reason = failure(ludb10(h -> h.replace("10 12 500", "10 13 500"), Integer.MAX_VALUE));
        assertTrue(reason.contains("declares 13 signals"), reason);
    }

    @Test
    void signalFileOutsideTheFolderIsRefused() throws Exception {
        String reason = failure(ludb10(h -> h.replace("10.dat 16 1299", "../10.dat 16 1299"), Integer.MAX_VALUE));
        assertTrue(reason.contains("not a plain file name"), reason);
    }

    /** A text file named like an annotation file is not taken for one (no terminating zero word). */
    @Test
    void textBesideTheHeaderIsNotAnAnnotationFile() throws Exception {
        Path hea = ludb10(h -> h, Integer.MAX_VALUE);
        Files.writeString(dir.resolve("10.notes"), "Recorded at rest, patient supine. Leads checked.\n");
        assertEquals(List.of(dir.resolve("10.dat").toAbsolutePath()), reader.companions(hea));
        assertTrue(reader.read(hea, ReadOptions.DEFAULT).annotations().isEmpty());
    }

    /**
     * 400 seeded random edits of LUDB 10's header (characters replaced, inserted, deleted) and of
     * its lead II annotation file: every read ends in a recording or an {@link EcgReadException},
     * never another exception.
     */
    @Test
    void randomDamageGivesOnlyReadExceptions() throws Exception {
        String header = Files.readString(TestData.data("ludb/data/10.hea"));
        byte[] ann = Files.readAllBytes(TestData.data("ludb/data/10.ii"));
        Files.copy(TestData.data("ludb/data/10.dat"), dir.resolve("10.dat"));
        Path hea = dir.resolve("10.hea");
        Random random = new Random(20240611);
        String alphabet = "0123456789 \t\n+-x:/().#~eE~abc";
        int failures = 0;
        for (int round = 0; round < 400; round++) {
            StringBuilder h = new StringBuilder(header);
            for (int e = 0; e < 1 + random.nextInt(4); e++) {
                int at = random.nextInt(h.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> h.setCharAt(at, c);
                    case 1 -> h.insert(at, c);
                    default -> h.deleteCharAt(at);
                }
            }
            Files.writeString(hea, h);
            byte[] a = ann.clone();
            for (int e = 0; e < 1 + random.nextInt(3); e++) {
                a[random.nextInt(a.length)] = (byte) random.nextInt(256);
            }
            Files.write(dir.resolve("10.ii"), a);
            try {
                reader.read(hea, ReadOptions.DEFAULT);
                reader.companions(hea);
            } catch (EcgReadException expected) {
                failures++;
            }
        }
        assertTrue(failures > 0, "some edits must break the header");
    }

    @Test
    void damagedAnnotationFileIsNotAttachedAsAnnotations() throws Exception {
        Path hea = ludb10(h -> h, Integer.MAX_VALUE);
        Files.write(dir.resolve("10.ii"), new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
        List<Path> companions = reader.companions(hea);
        assertEquals(List.of(dir.resolve("10.dat").toAbsolutePath()), companions);
        org.exchangeai.core.ecg.Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertTrue(ecg.annotations().isEmpty());
        assertEquals(List.of("annotation file 10.ii is not a readable WFDB annotation file and was left out"),
                ecg.warnings());
    }
}
