package org.exchangeai.core.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.exchangeai.core.onnx.proto.Onnx.AttributeProto;
import org.exchangeai.core.onnx.proto.Onnx.GraphProto;
import org.exchangeai.core.onnx.proto.Onnx.ModelProto;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;
import org.exchangeai.core.onnx.proto.Onnx.OperatorSetIdProto;
import org.exchangeai.core.onnx.proto.Onnx.StringStringEntryProto;
import org.exchangeai.core.onnx.proto.Onnx.TensorProto;
import org.exchangeai.core.onnx.proto.Onnx.TensorShapeProto;
import org.exchangeai.core.onnx.proto.Onnx.TypeProto;
import org.exchangeai.core.onnx.proto.Onnx.ValueInfoProto;

/**
 * An ONNX model file: graph, initializers, metadata and declared inputs/outputs.
 *
 * <p>Immutable: every {@code with...} method returns a changed copy. Fields this class does not model
 * (training info, local functions, ...) survive a read/write round trip untouched because protobuf keeps
 * them as unknown fields.
 */
public final class OnnxGraph {

    /** The default (empty) ONNX operator domain. */
    public static final String DEFAULT_DOMAIN = "";

    private final ModelProto model;
    private final Map<String, Integer> initializerIndex;

    private OnnxGraph(ModelProto model) {
        this.model = model;
        Map<String, Integer> index = new LinkedHashMap<>();
        List<TensorProto> inits = model.getGraph().getInitializerList();
        for (int i = 0; i < inits.size(); i++) {
            index.put(inits.get(i).getName(), i);
        }
        this.initializerIndex = index;
    }

    /** Wraps a parsed protobuf model. */
    public static OnnxGraph of(ModelProto model) {
        if (!model.hasGraph()) {
            throw new IllegalArgumentException("ONNX model has no graph");
        }
        return new OnnxGraph(model);
    }

    /** Parses the bytes of an .onnx file. */
    public static OnnxGraph parse(byte[] bytes) {
        try {
            return of(ModelProto.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model (protobuf does not parse): " + e.getMessage(), e);
        }
    }

    /** Reads an .onnx file. */
    public static OnnxGraph read(Path file) throws IOException {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the model atomically (temp file in the same folder, then rename). */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        try {
            Files.write(tmp, toBytes());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public byte[] toBytes() {
        return model.toByteArray();
    }

    /** Lower-case hex SHA-256 of the serialised model. */
    public String sha256() {
        return sha256(toBytes());
    }

    /** Lower-case hex SHA-256 of bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public ModelProto proto() {
        return model;
    }

    public GraphProto graph() {
        return model.getGraph();
    }

    public List<NodeProto> nodes() {
        return model.getGraph().getNodeList();
    }

    // ---- opset --------------------------------------------------------------------------------

    /** Version of the default ONNX operator set the model imports; 0 when it declares none. */
    public long opsetVersion() {
        for (OperatorSetIdProto op : model.getOpsetImportList()) {
            if (op.getDomain().isEmpty() || op.getDomain().equals("ai.onnx")) {
                return op.getVersion();
            }
        }
        return 0;
    }

    /** Sets the default-domain opset version (adding the import if missing). */
    public OnnxGraph withOpsetVersion(long version) {
        ModelProto.Builder b = model.toBuilder();
        boolean found = false;
        for (int i = 0; i < b.getOpsetImportCount(); i++) {
            OperatorSetIdProto op = b.getOpsetImport(i);
            if (op.getDomain().isEmpty() || op.getDomain().equals("ai.onnx")) {
                b.setOpsetImport(i, op.toBuilder().setVersion(version));
                found = true;
            }
        }
        if (!found) {
            b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(DEFAULT_DOMAIN).setVersion(version));
        }
        return new OnnxGraph(b.build());
    }

    // ---- metadata -----------------------------------------------------------------------------

    /** Metadata entries exactly as stored, in file order, duplicates kept. */
    public List<Map.Entry<String, String>> metadataEntries() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            out.add(Map.entry(e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * Metadata as a map in first-appearance key order. When a key repeats, the <em>last</em> value wins,
     * which is what ONNX Runtime's custom metadata map reports for such files.
     */
    public Map<String, String> metadata() {
        Map<String, String> out = new LinkedHashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    public Optional<String> metadata(String key) {
        return Optional.ofNullable(metadata().get(key));
    }

    /** Replaces all metadata with the given entries (in the map's order, one entry per key). */
    public OnnxGraph withMetadata(Map<String, String> entries) {
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        entries.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return new OnnxGraph(b.build());
    }

    /** Sets one key: every existing entry of that key is removed, then one entry is appended. */
    public OnnxGraph withMetadata(String key, String value) {
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (!e.getKey().equals(key)) {
                b.addMetadataProps(e);
            }
        }
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
        return new OnnxGraph(b.build());
    }

    // ---- initializers -------------------------------------------------------------------------

    /** Initializer names in file order. */
    public List<String> initializerNames() {
        return List.copyOf(initializerIndex.keySet());
    }

    public boolean hasInitializer(String name) {
        return initializerIndex.containsKey(name);
    }

    public TensorProto initializerProto(String name) {
        Integer i = initializerIndex.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no initializer named '" + name + "'");
        }
        return model.getGraph().getInitializer(i);
    }

    /** Decodes an initializer (float32 or int64). */
    public Tensor initializer(String name) {
        return Tensor.fromProto(initializerProto(name));
    }

    /** All float32 initializers, decoded, in file order. */
    public Map<String, Tensor> floatInitializers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                out.put(t.getName(), Tensor.fromProto(t));
            }
        }
        return out;
    }

    /**
     * Replaces initializers by name (keeping their position) and appends those not yet present.
     * Shapes may change; the caller keeps the graph consistent.
     */
    public OnnxGraph withInitializers(Collection<Tensor> tensors) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (Tensor t : tensors) {
            Integer i = initializerIndex.get(t.name());
            if (i != null) {
                g.setInitializer(i, t.toProto());
            } else {
                g.addInitializer(t.toProto());
            }
        }
        return new OnnxGraph(model.toBuilder().setGraph(g).build());
    }

    // ---- inputs / outputs ---------------------------------------------------------------------

    /** Graph inputs that are real inputs (not initializers listed as inputs, as old exporters did). */
    public List<ValueInfo> inputs() {
        List<ValueInfo> out = new ArrayList<>();
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            if (!initializerIndex.containsKey(v.getName())) {
                out.add(ValueInfo.of(v));
            }
        }
        return out;
    }

    public List<ValueInfo> outputs() {
        List<ValueInfo> out = new ArrayList<>();
        for (ValueInfoProto v : model.getGraph().getOutputList()) {
            out.add(ValueInfo.of(v));
        }
        return out;
    }

    /**
     * Makes dimension 0 of every real input and every output symbolic ({@code dimParam}), so any
     * batch size runs. Intermediate {@code value_info} hints are dropped because a fixed batch size
     * recorded there would contradict the new symbolic one.
     */
    public OnnxGraph withDynamicBatch(String dimParam) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInputCount(); i++) {
            if (!initializerIndex.containsKey(g.getInput(i).getName())) {
                g.setInput(i, withFirstDim(g.getInput(i), dimParam));
            }
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            g.setOutput(i, withFirstDim(g.getOutput(i), dimParam));
        }
        g.clearValueInfo();
        return new OnnxGraph(model.toBuilder().setGraph(g).build());
    }

    private static ValueInfoProto withFirstDim(ValueInfoProto v, String dimParam) {
        if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()
                || v.getType().getTensorType().getShape().getDimCount() == 0) {
            return v;
        }
        ValueInfoProto.Builder b = v.toBuilder();
        TensorShapeProto.Builder shape = b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.setDim(0, TensorShapeProto.Dimension.newBuilder().setDimParam(dimParam));
        return b.build();
    }

    /** Sets dimension {@code axis} of the named output to a fixed size (used when the class count changes). */
    public OnnxGraph withOutputDim(String output, int axis, long size) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getOutputCount(); i++) {
            ValueInfoProto v = g.getOutput(i);
            if (v.getName().equals(output) && v.getType().hasTensorType()
                    && v.getType().getTensorType().getShape().getDimCount() > axis) {
                ValueInfoProto.Builder b = v.toBuilder();
                b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                        .setDim(axis, TensorShapeProto.Dimension.newBuilder().setDimValue(size));
                g.setOutput(i, b);
            }
        }
        return new OnnxGraph(model.toBuilder().setGraph(g).build());
    }

    // ---- nodes --------------------------------------------------------------------------------

    /**
     * Sets an integer attribute on every node of an op type (adding it when missing), e.g.
     * {@code BatchNormalization training_mode = 0}.
     */
    public OnnxGraph withNodeAttribute(String opType, String attribute, long value) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (!n.getOpType().equals(opType)) {
                continue;
            }
            NodeProto.Builder nb = n.toBuilder();
            AttributeProto attr = AttributeProto.newBuilder().setName(attribute)
                    .setType(AttributeProto.AttributeType.INT).setI(value).build();
            boolean set = false;
            for (int a = 0; a < nb.getAttributeCount(); a++) {
                if (nb.getAttribute(a).getName().equals(attribute)) {
                    nb.setAttribute(a, attr);
                    set = true;
                }
            }
            if (!set) {
                nb.addAttribute(attr);
            }
            g.setNode(i, nb);
        }
        return new OnnxGraph(model.toBuilder().setGraph(g).build());
    }

    /**
     * Puts every BatchNormalization node into inference form: {@code training_mode = 0} and the optional
     * running-statistics outputs removed (ONNX allows them only in training mode). Outputs that another
     * node or the graph still reads are an error, since removing them would break the graph.
     */
    public OnnxGraph withBatchNormInference() {
        java.util.Set<String> read = new java.util.HashSet<>();
        for (NodeProto n : nodes()) {
            read.addAll(n.getInputList());
        }
        outputs().forEach(o -> read.add(o.name()));
        List<NodeProto> changed = new ArrayList<>();
        for (NodeProto n : withNodeAttribute("BatchNormalization", "training_mode", 0).nodes()) {
            if (n.getOpType().equals("BatchNormalization") && n.getOutputCount() > 1) {
                for (String extra : n.getOutputList().subList(1, n.getOutputCount())) {
                    if (!extra.isEmpty() && read.contains(extra)) {
                        throw new IllegalStateException("BatchNormalization node '" + n.getName()
                                + "': its running-statistics output '" + extra + "' is used downstream");
                    }
                }
                n = n.toBuilder().clearOutput().addOutput(n.getOutput(0)).build();
            }
            changed.add(n);
        }
        return withNodes(changed);
    }

    /** Replaces the graph's nodes (same order semantics: topological). */
    public OnnxGraph withNodes(List<NodeProto> nodes) {
        GraphProto.Builder g = model.getGraph().toBuilder().clearNode().addAllNode(nodes);
        return new OnnxGraph(model.toBuilder().setGraph(g).build());
    }

    /** Applies an arbitrary change to the protobuf (for edits this class has no method for). */
    public OnnxGraph edit(java.util.function.UnaryOperator<ModelProto.Builder> change) {
        return of(change.apply(model.toBuilder()).build());
    }

    /** Name, element type and shape of a graph input or output. */
    public record ValueInfo(String name, int elemType, List<Dim> shape) {

        static ValueInfo of(ValueInfoProto v) {
            List<Dim> dims = new ArrayList<>();
            TypeProto type = v.getType();
            int elem = 0;
            if (type.hasTensorType()) {
                elem = type.getTensorType().getElemType();
                for (TensorShapeProto.Dimension d : type.getTensorType().getShape().getDimList()) {
                    dims.add(d.hasDimValue() ? Dim.fixed(d.getDimValue()) : Dim.symbolic(d.getDimParam()));
                }
            }
            return new ValueInfo(v.getName(), elem, List.copyOf(dims));
        }

        /** Element type name, e.g. FLOAT. */
        public String elemTypeName() {
            return Tensor.dataTypeName(elemType);
        }
    }

    /** A dimension: a fixed size, or a symbolic name (size -1). */
    public record Dim(long size, String param) {

        public static Dim fixed(long size) {
            return new Dim(size, null);
        }

        public static Dim symbolic(String param) {
            return new Dim(-1, param == null ? "" : param);
        }

        public boolean isFixed() {
            return param == null;
        }

        @Override
        public String toString() {
            return isFixed() ? Long.toString(size) : (param.isEmpty() ? "?" : param);
        }
    }
}
