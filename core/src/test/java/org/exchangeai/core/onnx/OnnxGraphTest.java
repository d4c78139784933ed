package org.exchangeai.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.onnx.proto.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads and writes the two reference models of the original platform. Expected values (metadata,
 * opset, shapes, parameter counts) are those documented in {@code ../shared/models/README.md} and
 * printed by an independent protobuf dump of the files.
 */
class OnnxGraphTest {

    static final Path XC = TestData.model("xc_super_pretrained.onnx");
    static final Path IT = TestData.model("InceptionTime_untrained.onnx");

    @Test
    void readsXceptionTimeHeader() throws Exception {
        OnnxGraph g = OnnxGraph.read(XC);
        assertEquals(17, g.opsetVersion());
        List<Map.Entry<String, String>> entries = g.metadataEntries();
        assertEquals(4, entries.size(), "the key 'scale' is stored twice");
        assertEquals(2, entries.stream().filter(e -> e.getKey().equals("scale")).count());
        Map<String, String> meta = g.metadata();
        assertEquals("['CD', 'HYP', 'MI', 'STTC']", meta.get("target_keys"));
        assertEquals("None", meta.get("standardizer"));
        assertEquals("mikroVolt", meta.get("scale"));
        assertEquals(3, meta.size());

        OnnxGraph.ValueInfo in = g.inputs().get(0);
        assertEquals("arg0", in.name());
        assertEquals("FLOAT", in.elemTypeName());
        assertFalse(in.shape().get(0).isFixed());
        assertEquals(12, in.shape().get(1).size());
        assertEquals(1000, in.shape().get(2).size());
        assertEquals("self_1_1", g.outputs().get(0).name());
    }

    @Test
    void decodesInitializers() throws Exception {
        OnnxGraph g = OnnxGraph.read(IT);
        assertEquals(19, g.opsetVersion());
        Tensor fcBias = g.initializer("fc.bias");
        assertArrayEquals(new long[] {2}, fcBias.dims());
        Tensor fcWeight = g.initializer("fc.weight");
        assertArrayEquals(new long[] {2, 128}, fcWeight.dims());
        long floats = g.floatInitializers().values().stream().mapToLong(Tensor::size).sum();
        // 457 k parameters documented; the rest are BatchNormalization running statistics (8 x 2 x 128)
        assertEquals(459_266, floats);

        OnnxGraph xc = OnnxGraph.read(XC);
        Tensor shapeConst = xc.initializer("head/head/4/flatten/Constant.value");
        assertEquals(Tensor.Type.INT64, shapeConst.type());
        assertEquals(0, shapeConst.rank());
    }

    @Test
    void roundTripKeepsEveryByte() throws Exception {
        byte[] original = Files.readAllBytes(XC);
        assertArrayEquals(original, OnnxGraph.parse(original).toBytes());
        byte[] it = Files.readAllBytes(IT);
        assertArrayEquals(it, OnnxGraph.parse(it).toBytes());
    }

    @Test
    void tensorEncodingRoundTrips() {
        Tensor t = Tensor.ofFloats("w", new long[] {2, 3}, new float[] {1, -2, 3.5f, 0, Float.MIN_VALUE, 7});
        TensorProto p = t.toProto();
        assertEquals(24, p.getRawData().size());
        assertEquals(3.5f, Float.intBitsToFloat((p.getRawData().byteAt(8) & 0xff)
                | (p.getRawData().byteAt(9) & 0xff) << 8 | (p.getRawData().byteAt(10) & 0xff) << 16
                | (p.getRawData().byteAt(11) & 0xff) << 24), "little-endian raw_data");
        assertArrayEquals(t.floats(), Tensor.fromProto(p).floats());
        TensorProto typed = TensorProto.newBuilder().setName("s").setDataType(7).addDims(2)
                .addInt64Data(-1).addInt64Data(1000).build();
        assertArrayEquals(new long[] {-1, 1000}, Tensor.fromProto(typed).longs());
        TensorProto bad = TensorProto.newBuilder().setName("b").setDataType(1).addDims(3).addFloatData(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.fromProto(bad));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }

    @Test
    void writesChangedInitializersMetadataAndBatch(@TempDir Path dir) throws Exception {
        OnnxGraph g = OnnxGraph.read(IT);
        float[] bias = {0.25f, -0.5f};
        OnnxGraph changed = g.withInitializers(List.of(Tensor.ofFloats("fc.bias", new long[] {2}, bias)))
                .withMetadata("sampling_rate", "100")
                .withMetadata("target_keys", "['A', 'B']")
                .withDynamicBatch("batch")
                .withNodeAttribute("BatchNormalization", "training_mode", 0);
        Path out = dir.resolve("m.onnx");
        changed.write(out);
        OnnxGraph back = OnnxGraph.read(out);
        assertArrayEquals(bias, back.initializer("fc.bias").floats());
        assertEquals(g.initializerNames(), back.initializerNames(), "initializer order kept");
        assertEquals("['A', 'B']", back.metadata().get("target_keys"));
        assertEquals("100", back.metadata().get("sampling_rate"));
        assertEquals("batch", back.inputs().get(0).shape().get(0).param());
        assertEquals("batch", back.outputs().get(0).shape().get(0).param());
        assertTrue(back.nodes().stream().filter(n -> n.getOpType().equals("BatchNormalization"))
                .allMatch(n -> n.getAttributeList().stream()
                        .anyMatch(a -> a.getName().equals("training_mode") && a.getI() == 0)));
        assertEquals(64, g.sha256().length());
    }
}
