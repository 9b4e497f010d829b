package org.rbnn4j.simd.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX {@code GraphProto} under construction: nodes in topological order (the order they are added), constant
 * tensors as initializers, and unique value names. Small constants that many nodes share (the {@code +-1} of the
 * sign, the bounds of {@code Clip}, axes and pads) are stored once.
 */
final class OnnxGraph {
    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final List<ProtoMessage> initializers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> sharedConstants = new HashMap<>();
    private int nodeCount;

    /** A name not used yet, {@code base} itself if free, else {@code base_2}, {@code base_3}... */
    String uniqueName(String base) {
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** Adds a float initializer of shape {@code dims} (row-major data) and returns its (unique) name. */
    String floatTensor(String name, float[] data, long... dims) {
        checkCount(data.length, dims, name);
        ByteBuffer raw = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        return tensor(name, OnnxProto.Tensor.FLOAT, raw.array(), dims);
    }

    /** Adds an int64 initializer of shape {@code dims} and returns its (unique) name. */
    String int64Tensor(String name, long[] data, long... dims) {
        checkCount(data.length, dims, name);
        ByteBuffer raw = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(data);
        return tensor(name, OnnxProto.Tensor.INT64, raw.array(), dims);
    }

    /** A shared float scalar (rank 0) constant. */
    String floatScalar(float value) {
        String key = "f:" + Float.floatToRawIntBits(value);
        return sharedConstants.computeIfAbsent(key, k -> floatTensor("const_" + format(value), new float[] {value}));
    }

    /** A shared 1-D int64 constant (axes, pads, starts...). */
    String int64Vector(long... values) {
        StringBuilder key = new StringBuilder("i:");
        for (long v : values) {
            key.append(v).append(',');
        }
        return sharedConstants.computeIfAbsent(key.toString(),
                k -> int64Tensor("const_i64_" + nameOf(values), values, values.length));
    }

    private String tensor(String name, int dataType, byte[] raw, long[] dims) {
        String unique = uniqueName(name);
        ProtoMessage t = new ProtoMessage();
        for (long d : dims) {
            t.int64(OnnxProto.Tensor.DIMS, d);
        }
        t.int32(OnnxProto.Tensor.DATA_TYPE, dataType);
        t.string(OnnxProto.Tensor.NAME, unique);
        t.bytes(OnnxProto.Tensor.RAW_DATA, raw);
        initializers.add(t);
        return unique;
    }

    /**
     * Adds a node with one output and returns the output's name.
     *
     * @param opType     the ONNX operator
     * @param nodeName   a readable name (made unique); also the base of the output value's name
     * @param inputs     input value names, {@code ""} for an omitted optional input
     * @param attributes made by the {@code *Attribute} factories below
     */
    String node(String opType, String nodeName, List<String> inputs, ProtoMessage... attributes) {
        return nodeWithOutput(opType, uniqueName(nodeName), inputs, attributes);
    }

    /** Adds a node whose single output has the given name (reserved by the caller, see {@link #reserve}). */
    String nodeWithOutput(String opType, String output, List<String> inputs, ProtoMessage... attributes) {
        ProtoMessage n = new ProtoMessage();
        for (String in : inputs) {
            n.string(OnnxProto.Node.INPUT, in);
        }
        n.string(OnnxProto.Node.OUTPUT, output);
        n.string(OnnxProto.Node.NAME, output + "/" + opType + "_" + nodeCount++);
        n.string(OnnxProto.Node.OP_TYPE, opType);
        for (ProtoMessage a : attributes) {
            n.message(OnnxProto.Node.ATTRIBUTE, a);
        }
        nodes.add(n);
        return output;
    }

    /** Reserves a name for a graph input or output. */
    String reserve(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("name '" + name + "' already used");
        }
        return name;
    }

    /** The finished {@code GraphProto}. */
    ProtoMessage toProto(String graphName, ProtoMessage input, ProtoMessage output) {
        ProtoMessage g = new ProtoMessage();
        for (ProtoMessage n : nodes) {
            g.message(OnnxProto.Graph.NODE, n);
        }
        g.string(OnnxProto.Graph.NAME, graphName);
        for (ProtoMessage t : initializers) {
            g.message(OnnxProto.Graph.INITIALIZER, t);
        }
        g.message(OnnxProto.Graph.INPUT, input);
        g.message(OnnxProto.Graph.OUTPUT, output);
        return g;
    }

    int nodeCount() {
        return nodes.size();
    }

    // ------------------------------------------------------------------------------------------- attributes

    static ProtoMessage intAttribute(String name, long value) {
        return new ProtoMessage()
                .string(OnnxProto.Attribute.NAME, name)
                .int32(OnnxProto.Attribute.TYPE, OnnxProto.Attribute.TYPE_INT)
                .int64(OnnxProto.Attribute.I, value);
    }

    static ProtoMessage floatAttribute(String name, float value) {
        return new ProtoMessage()
                .string(OnnxProto.Attribute.NAME, name)
                .int32(OnnxProto.Attribute.TYPE, OnnxProto.Attribute.TYPE_FLOAT)
                .float32(OnnxProto.Attribute.F, value);
    }

    static ProtoMessage intsAttribute(String name, long... values) {
        ProtoMessage a = new ProtoMessage()
                .string(OnnxProto.Attribute.NAME, name)
                .int32(OnnxProto.Attribute.TYPE, OnnxProto.Attribute.TYPE_INTS);
        for (long v : values) {
            a.int64(OnnxProto.Attribute.INTS, v);
        }
        return a;
    }

    // ------------------------------------------------------------------------------------------- value infos

    /**
     * A {@code ValueInfoProto} for a float tensor {@code [batchParam, dims...]}: the leading (batch) dimension is
     * the symbolic {@code dim_param} {@code batchParam}, so that the model takes any batch size.
     */
    static ProtoMessage floatValueInfo(String name, String batchParam, long... dims) {
        ProtoMessage shape = new ProtoMessage();
        shape.message(OnnxProto.Shape.DIM, new ProtoMessage().string(OnnxProto.Shape.DIM_PARAM, batchParam));
        for (long d : dims) {
            shape.message(OnnxProto.Shape.DIM, new ProtoMessage().int64(OnnxProto.Shape.DIM_VALUE, d));
        }
        ProtoMessage tensorType = new ProtoMessage()
                .int32(OnnxProto.Type.TENSOR_ELEM_TYPE, OnnxProto.Tensor.FLOAT)
                .message(OnnxProto.Type.TENSOR_SHAPE, shape);
        ProtoMessage type = new ProtoMessage().message(OnnxProto.Type.TENSOR_TYPE, tensorType);
        return new ProtoMessage().string(OnnxProto.ValueInfo.NAME, name).message(OnnxProto.ValueInfo.TYPE, type);
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static void checkCount(int count, long[] dims, String name) {
        long expected = 1;
        for (long d : dims) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException("tensor " + name + ": " + count + " values for shape "
                    + java.util.Arrays.toString(dims));
        }
    }

    private static String format(float v) {
        return (v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Float.toString(v))
                .replace('-', 'm').replace('.', 'p');
    }

    private static String nameOf(long[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append('_');
            }
            b.append(values[i] < 0 ? "m" + -values[i] : Long.toString(values[i]));
        }
        return b.toString();
    }
}
