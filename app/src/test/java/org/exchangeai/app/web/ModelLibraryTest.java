package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.exchangeai.app.store.Models;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model library on the built-in models of the repository's {@code models/} folder
 * (their cards as described in {@code models/README.md}: xc_super 4 classes at 100 Hz in µV,
 * InceptionTime 2 placeholder classes).
 */
class ModelLibraryTest {

    @TempDir
    Path dir;

    private static final Path BUILT_IN = Paths.get("..", "models").toAbsolutePath().normalize();

    @Test
    void builtInModelsAreListedOnceWithTheirCards() throws Exception {
        try (Workspace ws = Workspace.open(dir)) {
            ModelLibrary lib = new ModelLibrary(new Models(ws), BUILT_IN);
            lib.syncBuiltIn();
            lib.syncBuiltIn();
            List<ModelLibrary.Entry> all = lib.list();
            assertEquals(List.of("InceptionTime_untrained", "cardx_ptbxl", "xc_super_pretrained"),
                    all.stream().map(e -> e.model().name()).toList());
            ModelLibrary.Entry xc = all.get(2);
            // the shipped pretrained CardX: five multi-label superclasses, its own recipe, a trained head
            ModelLibrary.Entry cardx = all.get(1);
            assertEquals(List.of("CD", "HYP", "MI", "NORM", "STTC"), cardx.card().classes());
            assertEquals("multi", cardx.card().labelType());
            assertTrue(cardx.card().headTrained());
            assertTrue(cardx.card().preparation().contains("standardizer leadMeanStd"), cardx.card().preparation());
            assertTrue(cardx.card().provenance().contains("\"objective\" : \"both\""), cardx.card().provenance());
            assertTrue(cardx.card().parameters() < 500_000 * 1.01, "CardX stays at most 500 k weights");
            assertTrue(xc.available());
            assertEquals(List.of("CD", "HYP", "MI", "STTC"), xc.card().classes());
            assertEquals(100, xc.card().samplingRate());
            assertEquals(1000, xc.card().samples());
            assertTrue(xc.card().preparation().contains("scale mikroVolt"), xc.card().preparation());
            assertEquals(List.of("None1", "None2"), all.get(0).card().classes());
            // models/README.md: about 401 k and 457 k parameters; the counts here add normalisation statistics
            assertEquals(401_000, xc.card().parameters(), 401_000 * 0.01);
            assertEquals(457_000, all.get(0).card().parameters(), 457_000 * 0.01);
            assertThrows(IllegalArgumentException.class, () -> lib.store().delete(xc.model()));
        }
    }

    @Test
    void uploadsAreCheckedKeptUnderTheirHashAndDeletable() throws Exception {
        try (Workspace ws = Workspace.open(dir)) {
            ModelLibrary lib = new ModelLibrary(new Models(ws), BUILT_IN);
            byte[] full = Files.readAllBytes(BUILT_IN.resolve("xc_super_pretrained.onnx"));
            ModelException broken = assertThrows(ModelException.class, () -> lib.addUpload("half.onnx",
                    Arrays.copyOf(full, full.length / 2), Models.UPLOADED, null, ws.dir().resolve("tmp")));
            assertTrue(broken.getMessage().contains("not a loadable ONNX model"), broken.getMessage());
            assertThrows(ModelException.class, () -> lib.addUpload("empty.onnx", new byte[0], Models.UPLOADED, null,
                    ws.dir().resolve("tmp")));
            assertTrue(lib.list().stream().allMatch(x -> x.model().builtIn()), "nothing of the refused uploads is listed");

            long id = lib.addUpload("mine.onnx", full, Models.DOWNLOADED, "site B", ws.dir().resolve("tmp"));
            ModelLibrary.Entry e = lib.get(id).orElseThrow();
            assertEquals("mine", e.model().name());
            assertEquals("site B", e.card().origin());
            assertEquals(ModelLibrary.sha256(full), e.model().sha256());
            assertTrue(Files.isRegularFile(e.file()));
            lib.store().setOffers(id, false, true);
            assertFalse(lib.get(id).orElseThrow().model().offerPredict());
            lib.store().delete(e.model());
            assertFalse(Files.exists(e.file()));
            assertTrue(lib.list().stream().allMatch(x -> x.model().builtIn()));
        }
    }

    /**
     * Pages call {@code syncBuiltIn} on every view: a built-in file is hashed once, and again only
     * when its size or modification time changes (issue: every view hashed every model under a lock).
     */
    @Test
    void builtInFilesAreHashedOnceUntilTheyChange() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("builtin"));
        Path model = folder.resolve("xc.onnx");
        Files.copy(BUILT_IN.resolve("xc_super_pretrained.onnx"), model);
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            ModelLibrary lib = new ModelLibrary(new Models(ws), folder);
            lib.syncBuiltIn();
            assertEquals(1, lib.filesHashed());
            for (int i = 0; i < 200; i++) {
                lib.syncBuiltIn();
                assertTrue(lib.list().get(0).available());
            }
            assertEquals(1, lib.filesHashed(), "no view reads the model files again");
            Files.setLastModifiedTime(model, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(model).toMillis() + 60_000));
            lib.syncBuiltIn();
            assertEquals(2, lib.filesHashed(), "a changed modification time is hashed again");
        }
    }
}
