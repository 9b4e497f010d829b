package org.rbnn4j.simd.packed.model;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
import org.rbnn4j.simd.packed.PackedConv2d;

/**
 * Lowers a network's layer graph to a {@link Program} for a fixed input size: walks containers
 * ({@link Sequential}, {@link BasicBlock} in both wirings, {@link ResidualAdd}) and turns every leaf into an op,
 * tracking the per-image shape of each value. Layers it does not know are rejected with their type and name.
 */
final class GraphCompiler {
    private final Function<BinaryConv2d, float[]> binaryWeights;
    private final Map<Layer, String> names;
    private final List<Op> ops = new ArrayList<>();
    /** Per-image shape of each value: {@code [C, H, W]} or {@code [features]}. */
    private final List<int[]> shapes = new ArrayList<>();

    private GraphCompiler(Function<BinaryConv2d, float[]> binaryWeights, Map<Layer, String> names) {
        this.binaryWeights = binaryWeights;
        this.names = names;
    }

    /**
     * Compiles {@code network} for inputs of {@code inputShape = [C, H, W]}; {@code binaryWeights} gives the
     * {@code +-1} weights {@code [Cout, Cin, k, k]} of each binary convolution.
     */
    static Program compile(Network network, int[] inputShape, Function<BinaryConv2d, float[]> binaryWeights) {
        Map<Layer, String> names = new IdentityHashMap<>();
        network.binaryLayers().forEach((name, layer) -> names.put(layer, name));
        GraphCompiler c = new GraphCompiler(binaryWeights, names);
        int input = c.newValue(inputShape.clone());
        int out = c.lower(network.root(), input);
        if (c.shapes.get(out).length != 1) {
            throw new IllegalArgumentException("the network ends in a " + describeShape(c.shapes.get(out))
                    + " tensor, not a vector of logits");
        }
        return new Program(c.ops, c.shapes, out);
    }

    private int newValue(int[] shape) {
        shapes.add(shape);
        return shapes.size() - 1;
    }

    private int emit(Op op) {
        ops.add(op);
        return op.output();
    }

    private int lower(Layer layer, int x) {
        return switch (layer) {
            case Network n -> lower(n.root(), x);
            case Sequential s -> {
                int v = x;
                for (Layer child : s.children().values()) {
                    v = lower(child, v);
                }
                yield v;
            }
            case BasicBlock b -> lowerBlock(b, x);
            case ResidualAdd r -> add(lower(r.body(), x), lower(r.shortcut(), x), r.toString());
            case Identity i -> x;
            case Flatten f -> x;
            case BinaryConv2d b -> binaryConv(b, x);
            case Conv2d c -> floatConv(c, x);
            case BatchNorm bn -> batchNorm(bn, x);
            case Hardtanh h -> emit(new Ops.Hardtanh(x, newValue(shapes.get(x).clone()), size(shapes.get(x))));
            case ReLU r -> emit(new Ops.Relu(x, newValue(shapes.get(x).clone()), size(shapes.get(x))));
            case ShortcutA s -> shortcutA(s, x);
            case MaxPool2d m -> maxPool(m, x);
            case AvgPool2d a -> avgPool(a, x);
            case GlobalAvgPool g -> {
                int[] s = image(x, g);
                yield emit(new Ops.GlobalAvgPool(x, newValue(new int[] {s[0]}), s[0], s[1] * s[2]));
            }
            case ZeroPad2d z -> {
                int[] s = image(x, z);
                int oh = s[1] + z.top() + z.bottom();
                int ow = s[2] + z.left() + z.right();
                yield emit(new Ops.ZeroPad(x, newValue(new int[] {s[0], oh, ow}), s[0], s[1], s[2], z.left(), z.top(),
                        oh, ow));
            }
            case Linear l -> linear(l, x);
            default -> throw new IllegalArgumentException("packed inference does not support layer type "
                    + layer.getClass().getName() + " (" + layer + ")");
        };
    }

    private int lowerBlock(BasicBlock b, int x) {
        int a = lower(b.bn1(), lower(b.conv1(), x));
        int h;
        if (b.wiring() == BasicBlock.Wiring.STANDARD) {
            h = lower(b.activation1(), a);
        } else {
            h = lower(b.activation1(), add(a, lower(b.shortcut(), x), b.toString()));
        }
        int c = lower(b.bn2(), lower(b.conv2(), h));
        int s = b.wiring() == BasicBlock.Wiring.STANDARD ? lower(b.shortcut(), x) : h;
        return lower(b.activation2(), add(c, s, b.toString()));
    }

    private int add(int a, int b, String where) {
        int[] sa = shapes.get(a);
        int[] sb = shapes.get(b);
        if (!java.util.Arrays.equals(sa, sb)) {
            throw new IllegalArgumentException(where + ": the residual branch gives " + describeShape(sa)
                    + " but the shortcut gives " + describeShape(sb));
        }
        return emit(new Ops.Add(a, b, newValue(sa.clone()), size(sa)));
    }

    private int binaryConv(BinaryConv2d b, int x) {
        int[] s = image(x, b);
        checkChannels(s, b.inChannels(), b);
        ConvGeometry g = b.geometry(1, s[1], s[2]);
        float[] w = binaryWeights.apply(b);
        float[] alpha = b.alpha().value().data().clone();
        int out = newValue(new int[] {g.outChannels(), g.outH(), g.outW()});
        if (!b.options().binaryActivations()) {
            return emit(new Ops.FloatConv(x, out, g, w, null, alpha));
        }
        PackedConv2d conv = PackedConv2d.of(g, w);
        return emit(new Ops.BinaryConv(x, out, conv, alpha, ops.size()));
    }

    private int floatConv(Conv2d c, int x) {
        int[] s = image(x, c);
        checkChannels(s, c.inChannels(), c);
        ConvGeometry g = ConvGeometry.of(1, c.inChannels(), s[1], s[2], c.outChannels(), c.kernel(), c.stride(),
                c.padding());
        float[] bias = c.bias() == null ? null : c.bias().value().data().clone();
        int out = newValue(new int[] {g.outChannels(), g.outH(), g.outW()});
        return emit(new Ops.FloatConv(x, out, g, c.weight().value().data().clone(), bias, null));
    }

    /** The evaluation affine map, computed exactly as {@link BatchNorm#forward} does in EVAL mode. */
    private int batchNorm(BatchNorm bn, int x) {
        int[] s = shapes.get(x);
        if (s[0] != bn.channels()) {
            throw new IllegalArgumentException(bn + " gets " + describeShape(s) + " input");
        }
        int c = bn.channels();
        float[] g = bn.weight().value().data();
        float[] b = bn.bias().value().data();
        float[] rm = bn.runningMean().data();
        float[] rv = bn.runningVar().data();
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int i = 0; i < c; i++) {
            float invStd = (float) (1.0 / Math.sqrt(rv[i] + bn.eps()));
            scale[i] = g[i] * invStd;
            shift[i] = b[i] - rm[i] * scale[i];
        }
        int hw = size(s) / c;
        return emit(new Ops.ChannelAffine(x, newValue(s.clone()), scale, shift, hw));
    }

    private int shortcutA(ShortcutA a, int x) {
        int[] s = image(x, a);
        checkChannels(s, a.inChannels(), a);
        int st = a.stride();
        int oh = (s[1] + st - 1) / st;
        int ow = (s[2] + st - 1) / st;
        return emit(new Ops.ShortcutA(x, newValue(new int[] {a.outChannels(), oh, ow}), s[0], a.outChannels(), s[1],
                s[2], st));
    }

    private int maxPool(MaxPool2d m, int x) {
        int[] s = image(x, m);
        int oh = (s[1] + 2 * m.padding() - m.kernel()) / m.stride() + 1;
        int ow = (s[2] + 2 * m.padding() - m.kernel()) / m.stride() + 1;
        if (s[1] + 2 * m.padding() < m.kernel() || s[2] + 2 * m.padding() < m.kernel()) {
            throw new IllegalArgumentException(m + " input " + describeShape(s) + " is smaller than its window");
        }
        return emit(new Ops.MaxPool(x, newValue(new int[] {s[0], oh, ow}), s[0], s[1], s[2], m.kernel(), m.stride(),
                m.padding(), oh, ow));
    }

    private int avgPool(AvgPool2d a, int x) {
        int[] s = image(x, a);
        if (s[1] < a.kernel() || s[2] < a.kernel()) {
            throw new IllegalArgumentException(a + " input " + describeShape(s) + " is smaller than its window");
        }
        int oh = (s[1] - a.kernel()) / a.stride() + 1;
        int ow = (s[2] - a.kernel()) / a.stride() + 1;
        return emit(new Ops.AvgPool(x, newValue(new int[] {s[0], oh, ow}), s[0], s[1], s[2], a.kernel(), a.stride(),
                oh, ow));
    }

    private int linear(Linear l, int x) {
        int features = size(shapes.get(x));
        if (features != l.inFeatures()) {
            throw new IllegalArgumentException(l + " expects " + l.inFeatures() + " features, gets "
                    + describeShape(shapes.get(x)));
        }
        float[] bias = l.bias() == null ? null : l.bias().value().data().clone();
        return emit(new Ops.Linear(x, newValue(new int[] {l.outFeatures()}), l.inFeatures(), l.outFeatures(),
                l.weight().value().data().clone(), bias));
    }

    private int[] image(int x, Layer layer) {
        int[] s = shapes.get(x);
        if (s.length != 3) {
            throw new IllegalArgumentException(name(layer) + " needs an image input, gets " + describeShape(s));
        }
        return s;
    }

    private void checkChannels(int[] s, int expected, Layer layer) {
        if (s[0] != expected) {
            throw new IllegalArgumentException(name(layer) + " expects " + expected + " channels, gets "
                    + describeShape(s));
        }
    }

    private String name(Layer layer) {
        String n = names.get(layer);
        return n == null ? layer.toString() : n + " (" + layer + ")";
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s = Math.multiplyExact(s, d);
        }
        return s;
    }

    private static String describeShape(int[] s) {
        return java.util.Arrays.toString(s);
    }
}
