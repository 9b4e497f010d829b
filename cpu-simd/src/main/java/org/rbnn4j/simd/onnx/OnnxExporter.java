package org.rbnn4j.simd.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.Network;

/**
 * Writes a trained network as an ONNX model (protobuf wire format through protobuf-java, opset
 * {@value #OPSET}, IR version {@value #IR_VERSION}) made of standard operators only, so that any ONNX runtime can
 * run rbnn4j models. The model computes the float simulation of the network in EVAL mode, i.e. what
 * {@code network.forward(x, Mode.EVAL)} and the packed engine compute: binary convolutions run as float
 * convolutions of {@code +-1} activations with constant {@code +-1} weights (see {@link OnnxLowering} for the ops
 * each layer becomes).
 *
 * <p>Input {@value #INPUT} is {@code float[N, C, H, W]} with a symbolic batch size {@code N} and the spec's
 * channels and size; output {@value #OUTPUT} is {@code float[N, classes]}. The model's {@code metadata_props} hold
 * the zoo spec ({@code model.*}) and any extra entries given.
 *
 * <pre>{@code
 * OnnxExporter.export(network, Path.of("resnet20.onnx"));
 * }</pre>
 */
public final class OnnxExporter {
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the graph output. */
    public static final String OUTPUT = "logits";
    /** The default-domain opset the model imports. */
    public static final int OPSET = 13;
    /** The ONNX IR version that goes with opset 13 (ONNX 1.8). */
    public static final int IR_VERSION = 7;
    private static final String PRODUCER = "rbnn4j";

    private OnnxExporter() {
    }

    /** Writes {@code network} to {@code file} (atomically: a temporary file beside it, then a move). */
    public static void export(Network network, Path file) throws IOException {
        export(network, file, Map.of());
    }

    /** As {@link #export(Network, Path)}, with extra {@code metadata_props} entries. */
    public static void export(Network network, Path file, Map<String, String> metadata) throws IOException {
        byte[] bytes = toBytes(network, metadata);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The serialised {@code ModelProto} of {@code network}. */
    public static byte[] toBytes(Network network) {
        return toBytes(network, Map.of());
    }

    /**
     * The serialised {@code ModelProto} of {@code network}, with extra {@code metadata_props} entries.
     *
     * @throws IllegalArgumentException for networks without a zoo spec or with layers the exporter does not know
     */
    public static byte[] toBytes(Network network, Map<String, String> metadata) {
        Objects.requireNonNull(network, "network");
        ModelSpec spec = network.spec();
        if (spec == null) {
            throw new IllegalArgumentException("network " + network.name() + " has no model spec: only zoo models "
                    + "(ModelZoo.create) can be exported, since the input size comes from the spec");
        }
        network.syncToHost(); // the lowering reads the layers' tensors; a device backend may hold their newest values
        int[] inputShape = {spec.inChannels(), spec.inputSize(), spec.inputSize()};
        ProtoMessage graph = OnnxLowering.lower(network, inputShape, INPUT, OUTPUT);

        ProtoMessage model = new ProtoMessage()
                .int64(OnnxProto.Model.IR_VERSION, IR_VERSION)
                .string(OnnxProto.Model.PRODUCER_NAME, PRODUCER)
                .string(OnnxProto.Model.PRODUCER_VERSION, producerVersion())
                .string(OnnxProto.Model.DOMAIN, "org.rbnn4j")
                .int64(OnnxProto.Model.MODEL_VERSION, 1)
                .string(OnnxProto.Model.DOC_STRING, spec.architecture() + " exported by rbnn4j: the float simulation "
                        + "of the network in evaluation mode (binary convolutions as +-1 float convolutions)")
                .message(OnnxProto.Model.GRAPH, graph)
                .message(OnnxProto.Model.OPSET_IMPORT, new ProtoMessage()
                        .string(OnnxProto.OperatorSetId.DOMAIN, "")
                        .int64(OnnxProto.OperatorSetId.VERSION, OPSET));
        Map<String, String> props = new LinkedHashMap<>(spec.toMetadata());
        metadata.forEach((k, v) -> {
            if (!k.startsWith("model.")) {
                props.put(k, v);
            }
        });
        props.forEach((k, v) -> model.message(OnnxProto.Model.METADATA_PROPS, new ProtoMessage()
                .string(OnnxProto.StringStringEntry.KEY, k)
                .string(OnnxProto.StringStringEntry.VALUE, v)));
        return model.toByteArray();
    }

    private static String producerVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
