package org.exchangeai.core.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.onnx.OnnxGraph;
import org.junit.jupiter.api.Test;

/**
 * Parameters and forward FLOPs of the reference models and the zoo on one 12 × 1000 recording
 * (the numbers in {@code docs/models.md}); CardX must stay within about 500 k parameters and at most
 * XceptionTime's FLOPs.
 */
class ModelStatsTest {

    @Test
    void parametersAndFlopsOfEveryModel() throws Exception {
        List<String> five = List.of("CD", "HYP", "MI", "NORM", "STTC");
        Map<String, OnnxGraph> graphs = new LinkedHashMap<>();
        graphs.put("xc_super_pretrained.onnx", OnnxGraph.read(TestData.model("xc_super_pretrained.onnx")));
        graphs.put("InceptionTime_untrained.onnx", OnnxGraph.read(TestData.model("InceptionTime_untrained.onnx")));
        graphs.put("zoo InceptionTime (5 classes)", InceptionTime.build(12, five, 1));
        graphs.put("zoo XceptionTime (5 classes)", XceptionTime.build(12, 1000, five, 1));
        graphs.put("zoo CardX (5 classes)", CardX.build(12, five, 1));
        Map<String, ModelStats> stats = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxGraph> e : graphs.entrySet()) {
            ModelStats s = ModelStats.of(e.getValue(), 12, 1000);
            stats.put(e.getKey(), s);
            System.out.printf(java.util.Locale.ROOT, "| %s | %,d | %.1f M |%n", e.getKey(), s.parameters(), s.flops() / 1e6);
        }
        assertEquals(457_218, stats.get("InceptionTime_untrained.onnx").parameters());
        assertEquals(401_240, stats.get("xc_super_pretrained.onnx").parameters());
        // the zoo's XceptionTime has one more class: one more 128-input head filter and its BatchNormalization pair
        assertEquals(401_240 + 128 + 2, stats.get("zoo XceptionTime (5 classes)").parameters());
        ModelStats cardx = stats.get("zoo CardX (5 classes)");
        ModelStats xception = stats.get("zoo XceptionTime (5 classes)");
        assertTrue(cardx.parameters() <= 500_000, "CardX parameters " + cardx.parameters());
        assertTrue(cardx.flops() <= xception.flops(), "CardX " + cardx.flops() + " FLOPs > XceptionTime " + xception.flops());
        assertTrue(xception.flops() > 10_000_000, "FLOPs are counted");
    }
}
