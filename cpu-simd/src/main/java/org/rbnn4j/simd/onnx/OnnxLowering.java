package org.rbnn4j.simd.onnx;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.AvgPool2d;
import org.rbnn4j.core.nn.BasicBlock;
import org.rbnn4j.core.nn.BatchNorm;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.Flatten;
import org.rbnn4j.core.nn.GlobalAvgPool;
import org.rbnn4j.core.nn.Hardtanh;
import org.rbnn4j.core.nn.Identity;
import org.rbnn4j.core.nn.Layer;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.MaxPool2d;
import org.rbnn4j.core.nn.ReLU;
import org.rbnn4j.core.nn.ResidualAdd;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.nn.ShortcutA;
import org.rbnn4j.core.nn.ZeroPad2d;
import org.rbnn4j.core.rbnn.BinaryConv2d;
import org.rbnn4j.core.tensor.Tensor;

import static org.rbnn4j.simd.onnx.OnnxGraph.floatAttribute;
import static org.rbnn4j.simd.onnx.OnnxGraph.intAttribute;
import static org.rbnn4j.simd.onnx.OnnxGraph.intsAttribute;

/**
 * Lowers a network's layer graph to ONNX nodes for a fixed image size, walking it as the packed engine's graph
 * compiler does ({@link Sequential}, {@link BasicBlock} in both wirings, {@link ResidualAdd}, leaves) and tracking
 * the per-image shape of every value. Each layer becomes the standard ops that compute its EVAL-mode forward pass:
 *
 * <ul>
 *   <li>binary convolution: {@code Where(Less(x, ReduceMean(x, axes=[1,2,3])), -1, +1)} (the sign of the
 *       standardised activation with {@code sign(0) = +1}; ONNX {@code Sign} maps 0 to 0, and the division by the
 *       positive standard deviation cannot change a sign, so comparing against the per-sample mean is exact, as in
 *       the packed engine), then {@code Conv} with the constant {@code sign(w3)} weights, then {@code Mul} by
 *       {@code alpha}; one-padding becomes an explicit {@code Pad} with value 1 before an unpadded {@code Conv};
 *       1W/32A layers skip the sign;</li>
 *   <li>BatchNorm (1d and 2d): {@code BatchNormalization} with the running statistics; Hardtanh: {@code Clip};</li>
 *   <li>option-A shortcut: {@code Slice} with step {@code stride} on H and W, then {@code Pad} of the channels;</li>
 *   <li>pools: {@code MaxPool}, {@code AveragePool}, {@code GlobalAveragePool} + {@code Flatten}; linear: {@code Gemm}
 *       with {@code transB = 1}.</li>
 * </ul>
 * Layers it does not know are rejected with their type.
 */
final class OnnxLowering {
    private static final String BATCH = "N";

    private final OnnxGraph graph;
    private final Map<Object, String> tensorNames = new IdentityHashMap<>();
    private final Map<Layer, String> binaryNames = new IdentityHashMap<>();

    /** A value of the graph and its per-image shape ({@code [C, H, W]} or {@code [features]}). */
    private record Value(String name, int[] shape) {
        int size() {
            int s = 1;
            for (int d : shape) {
                s *= d;
            }
            return s;
        }
    }

    private OnnxLowering(OnnxGraph graph, Network network) {
        this.graph = graph;
        network.parameters().forEach((name, p) -> tensorNames.put(p.value(), name));
        network.buffers().forEach((name, t) -> tensorNames.put(t, name));
        network.binaryLayers().forEach((name, layer) -> binaryNames.put(layer, name));
    }

    /** The finished graph of {@code network} for images {@code [N, C, H, W]} with {@code inputShape = [C, H, W]}. */
    static ProtoMessage lower(Network network, int[] inputShape, String inputName, String outputName) {
        OnnxGraph graph = new OnnxGraph();
        OnnxLowering l = new OnnxLowering(graph, network);
        graph.reserve(inputName);
        graph.reserve(outputName);
        Value out = l.lower(network.root(), new Value(inputName, inputShape.clone()));
        if (out.shape().length != 1) {
            throw new IllegalArgumentException("the network ends in a " + Arrays.toString(out.shape())
                    + " tensor, not a vector of logits");
        }
        // The graph output is an Identity of the last value, so that it has the reserved name.
        graph.nodeWithOutput("Identity", outputName, List.of(out.name()));
        long[] in = Arrays.stream(inputShape).asLongStream().toArray();
        return graph.toProto(network.name(), OnnxGraph.floatValueInfo(inputName, BATCH, in),
                OnnxGraph.floatValueInfo(outputName, BATCH, out.shape()[0]));
    }

    private Value lower(Layer layer, Value x) {
        return switch (layer) {
            case Network n -> lower(n.root(), x);
            case Sequential s -> {
                Value v = x;
                for (Layer child : s.children().values()) {
                    v = lower(child, v);
                }
                yield v;
            }
            case BasicBlock b -> lowerBlock(b, x);
            case ResidualAdd r -> add(lower(r.body(), x), lower(r.shortcut(), x), r.toString());
            case Identity i -> x;
            case Flatten f -> flatten(x);
            case BinaryConv2d b -> binaryConv(b, x);
            case Conv2d c -> floatConv(c, x);
            case BatchNorm bn -> batchNorm(bn, x);
            case Hardtanh h -> new Value(graph.node("Clip", "hardtanh",
                    List.of(x.name(), graph.floatScalar(-1f), graph.floatScalar(1f))), x.shape());
            case ReLU r -> new Value(graph.node("Relu", "relu", List.of(x.name())), x.shape());
            case ShortcutA s -> shortcutA(s, x);
            case MaxPool2d m -> maxPool(m, x);
            case AvgPool2d a -> avgPool(a, x);
            case GlobalAvgPool g -> {
                int[] s = image(x, g);
                String pooled = graph.node("GlobalAveragePool", "global_avgpool", List.of(x.name()));
                yield new Value(graph.node("Flatten", "flatten", List.of(pooled), intAttribute("axis", 1)),
                        new int[] {s[0]});
            }
            case ZeroPad2d z -> {
                int[] s = image(x, z);
                String pads = graph.int64Vector(0, 0, z.top(), z.left(), 0, 0, z.bottom(), z.right());
                yield new Value(graph.node("Pad", "zeropad", List.of(x.name(), pads, graph.floatScalar(0f))),
                        new int[] {s[0], s[1] + z.top() + z.bottom(), s[2] + z.left() + z.right()});
            }
            case Linear l -> linear(l, x);
            default -> throw new IllegalArgumentException("ONNX export does not support layer type "
                    + layer.getClass().getName() + " (" + layer + ")");
        };
    }

    private Value lowerBlock(BasicBlock b, Value x) {
        Value a = lower(b.bn1(), lower(b.conv1(), x));
        Value h;
        if (b.wiring() == BasicBlock.Wiring.STANDARD) {
            h = lower(b.activation1(), a);
        } else {
            h = lower(b.activation1(), add(a, lower(b.shortcut(), x), b.toString()));
        }
        Value c = lower(b.bn2(), lower(b.conv2(), h));
        Value s = b.wiring() == BasicBlock.Wiring.STANDARD ? lower(b.shortcut(), x) : h;
        return lower(b.activation2(), add(c, s, b.toString()));
    }

    private Value add(Value a, Value b, String where) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(where + ": the residual branch gives " + Arrays.toString(a.shape())
                    + " but the shortcut gives " + Arrays.toString(b.shape()));
        }
        return new Value(graph.node("Add", "add", List.of(a.name(), b.name())), a.shape());
    }

    private Value binaryConv(BinaryConv2d b, Value x) {
        int[] s = image(x, b);
        checkChannels(s, b.inChannels(), b);
        String name = binaryNames.getOrDefault(b, "binary_conv");
        ConvGeometry g = b.geometry(1, s[1], s[2]);
        String in = x.name();
        if (b.options().binaryActivations()) {
            String mean = graph.node("ReduceMean", name + ".input_mean", List.of(in),
                    intsAttribute("axes", 1, 2, 3), intAttribute("keepdims", 1));
            String below = graph.node("Less", name + ".input_below_mean", List.of(in, mean));
            in = graph.node("Where", name + ".input_sign", List.of(below, graph.floatScalar(-1f), graph.floatScalar(1f)));
        }
        Tensor w = b.binaryWeights();
        String weights = graph.floatTensor(name + ".sign_weight", w.data(), longs(w.shape()));
        String conv = conv(in, weights, null, g, name);
        float[] alpha = b.alpha().value().data();
        String scale = graph.floatTensor(name + ".alpha", alpha.clone(), 1, alpha.length, 1, 1);
        String out = graph.node("Mul", name + ".scaled", List.of(conv, scale));
        return new Value(out, new int[] {g.outChannels(), g.outH(), g.outW()});
    }

    private Value floatConv(Conv2d c, Value x) {
        int[] s = image(x, c);
        checkChannels(s, c.inChannels(), c);
        ConvGeometry g = ConvGeometry.of(1, c.inChannels(), s[1], s[2], c.outChannels(), c.kernel(), c.stride(),
                c.padding());
        String weights = initializer(c.weight().value());
        String bias = c.bias() == null ? null : initializer(c.bias().value());
        return new Value(conv(x.name(), weights, bias, g, baseName(c.weight().value(), "conv")),
                new int[] {g.outChannels(), g.outH(), g.outW()});
    }

    /** {@code Conv}; a non-zero border value becomes an explicit constant {@code Pad} (ONNX pads with zeros). */
    private String conv(String x, String weights, String bias, ConvGeometry g, String name) {
        int p = g.padding();
        String in = x;
        if (p > 0 && g.padValue() != 0f) {
            String pads = graph.int64Vector(0, 0, p, p, 0, 0, p, p);
            in = graph.node("Pad", name + ".padded", List.of(x, pads, graph.floatScalar(g.padValue())));
            p = 0;
        }
        List<String> inputs = bias == null ? List.of(in, weights) : List.of(in, weights, bias);
        return graph.node("Conv", name, inputs,
                intsAttribute("kernel_shape", g.kernelH(), g.kernelW()),
                intsAttribute("strides", g.stride(), g.stride()),
                intsAttribute("pads", p, p, p, p),
                intsAttribute("dilations", 1, 1),
                intAttribute("group", 1));
    }

    private Value batchNorm(BatchNorm bn, Value x) {
        if (x.shape()[0] != bn.channels()) {
            throw new IllegalArgumentException(bn + " gets " + Arrays.toString(x.shape()) + " input");
        }
        List<String> inputs = List.of(x.name(), initializer(bn.weight().value()), initializer(bn.bias().value()),
                initializer(bn.runningMean()), initializer(bn.runningVar()));
        String out = graph.node("BatchNormalization", baseName(bn.weight().value(), "batchnorm"), inputs,
                floatAttribute("epsilon", (float) bn.eps()));
        return new Value(out, x.shape());
    }

    private Value shortcutA(ShortcutA a, Value x) {
        int[] s = image(x, a);
        checkChannels(s, a.inChannels(), a);
        int st = a.stride();
        String v = x.name();
        int oh = s[1];
        int ow = s[2];
        if (st > 1) {
            v = graph.node("Slice", "shortcut_subsample", List.of(v, graph.int64Vector(0, 0),
                    graph.int64Vector(s[1], s[2]), graph.int64Vector(2, 3), graph.int64Vector(st, st)));
            oh = (s[1] + st - 1) / st;
            ow = (s[2] + st - 1) / st;
        }
        int front = (a.outChannels() - a.inChannels()) / 2;
        int back = a.outChannels() - a.inChannels() - front;
        if (front > 0 || back > 0) {
            String pads = graph.int64Vector(0, front, 0, 0, 0, back, 0, 0);
            v = graph.node("Pad", "shortcut_pad", List.of(v, pads, graph.floatScalar(0f)));
        }
        return new Value(v, new int[] {a.outChannels(), oh, ow});
    }

    private Value maxPool(MaxPool2d m, Value x) {
        int[] s = image(x, m);
        if (s[1] + 2 * m.padding() < m.kernel() || s[2] + 2 * m.padding() < m.kernel()) {
            throw new IllegalArgumentException(m + " input " + Arrays.toString(s) + " is smaller than its window");
        }
        int oh = (s[1] + 2 * m.padding() - m.kernel()) / m.stride() + 1;
        int ow = (s[2] + 2 * m.padding() - m.kernel()) / m.stride() + 1;
        int p = m.padding();
        String out = graph.node("MaxPool", "maxpool", List.of(x.name()),
                intsAttribute("kernel_shape", m.kernel(), m.kernel()),
                intsAttribute("strides", m.stride(), m.stride()),
                intsAttribute("pads", p, p, p, p));
        return new Value(out, new int[] {s[0], oh, ow});
    }

    private Value avgPool(AvgPool2d a, Value x) {
        int[] s = image(x, a);
        if (s[1] < a.kernel() || s[2] < a.kernel()) {
            throw new IllegalArgumentException(a + " input " + Arrays.toString(s) + " is smaller than its window");
        }
        int oh = (s[1] - a.kernel()) / a.stride() + 1;
        int ow = (s[2] - a.kernel()) / a.stride() + 1;
        String out = graph.node("AveragePool", "avgpool", List.of(x.name()),
                intsAttribute("kernel_shape", a.kernel(), a.kernel()),
                intsAttribute("strides", a.stride(), a.stride()));
        return new Value(out, new int[] {s[0], oh, ow});
    }

    private Value flatten(Value x) {
        if (x.shape().length == 1) {
            return x;
        }
        return new Value(graph.node("Flatten", "flatten", List.of(x.name()), intAttribute("axis", 1)),
                new int[] {x.size()});
    }

    private Value linear(Linear l, Value x) {
        Value v = flatten(x);
        if (v.shape()[0] != l.inFeatures()) {
            throw new IllegalArgumentException(l + " expects " + l.inFeatures() + " features, gets "
                    + Arrays.toString(x.shape()));
        }
        String weights = initializer(l.weight().value());
        List<String> inputs = l.bias() == null ? List.of(v.name(), weights)
                : List.of(v.name(), weights, initializer(l.bias().value()));
        String out = graph.node("Gemm", baseName(l.weight().value(), "linear"), inputs, intAttribute("transB", 1));
        return new Value(out, new int[] {l.outFeatures()});
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** A layer tensor as an initializer named as in the checkpoint ({@code layer1.0.bn1.running_mean}). */
    private String initializer(Tensor t) {
        String name = tensorNames.getOrDefault(t, "tensor");
        return graph.floatTensor(name, t.data().clone(), longs(t.shape()));
    }

    /** The layer's name from one of its tensors' names ({@code conv1.weight} gives {@code conv1}). */
    private String baseName(Tensor t, String fallback) {
        String name = tensorNames.get(t);
        if (name == null) {
            return fallback;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static long[] longs(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    private static int[] image(Value x, Layer layer) {
        if (x.shape().length != 3) {
            throw new IllegalArgumentException(layer + " needs an image input, gets " + Arrays.toString(x.shape()));
        }
        return x.shape();
    }

    private static void checkChannels(int[] s, int expected, Layer layer) {
        if (s[0] != expected) {
            throw new IllegalArgumentException(layer + " expects " + expected + " channels, gets "
                    + Arrays.toString(s));
        }
    }
}
