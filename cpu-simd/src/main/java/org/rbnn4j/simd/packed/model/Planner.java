package org.rbnn4j.simd.packed.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Turns the logical op list of a network (one op per float layer, all NCHW, as {@link GraphCompiler} lowers it) into
 * the {@link Schedule} that inference runs:
 * <ul>
 *   <li>every binary convolution becomes a {@link FusedBinaryConv} that also does the float layers after it
 *       (max pool, BatchNorm, residual add, hardtanh/ReLU) in one pass over its NHWC output, as long as each
 *       intermediate value has no other reader;</li>
 *   <li>each value a binary convolution reads is binarised and packed once ({@link PackStep}), for all its
 *       readers;</li>
 *   <li>values stay NHWC between binary layers; the remaining float ops run where their input is (NCHW, or NHWC for
 *       the layout-free element-wise ops and the option-A shortcut), with a layout conversion only where an op needs
 *       the other layout.</li>
 * </ul>
 * Ops are first put in "as soon as possible" order (a topological order in which each op follows its inputs as
 * closely as possible), so that a shortcut branch is computed before the binary convolution whose epilogue adds it.
 * Fusing moves no arithmetic across values: the fused schedule computes the same numbers as the logical ops.
 */
final class Planner {
    private final List<Op> ops;
    private final List<int[]> shapes;
    private final int logicalOutput;
    /** Logical ops reading each logical value (an op reading a value twice appears twice). */
    private final List<List<Op>> readers;
    private final boolean[] absorbed;
    private final boolean[] computed;
    /** Physical value ids of each logical value's copies, -1 where absent. */
    private final int[] nchw;
    private final int[] nhwc;
    private final int[] packed;

    private final List<Op> steps = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final List<Schedule.PackedShape> packedShapes = new ArrayList<>();
    private int convScratch;
    private int imageScratch;

    private Planner(List<Op> ops, List<int[]> shapes, int output) {
        this.ops = ops;
        this.shapes = shapes;
        this.logicalOutput = output;
        int values = shapes.size();
        readers = new ArrayList<>(values);
        for (int v = 0; v < values; v++) {
            readers.add(new ArrayList<>());
        }
        for (Op op : ops) {
            for (int v : op.inputs()) {
                readers.get(v).add(op);
            }
        }
        absorbed = new boolean[ops.size()];
        computed = new boolean[values];
        nchw = new int[values];
        nhwc = new int[values];
        packed = new int[values];
        Arrays.fill(nchw, -1);
        Arrays.fill(nhwc, -1);
        Arrays.fill(packed, -1);
    }

    /**
     * The fused schedule of {@code ops} over logical values of per-image shapes {@code shapes} ({@code [C, H, W]} or
     * {@code [features]}); value 0 is the NCHW input, {@code output} the logits.
     */
    static Schedule plan(List<Op> ops, List<int[]> shapes, int output) {
        Planner p = new Planner(ops, shapes, output);
        p.nchw[0] = p.newValue(size(shapes.get(0)));
        p.computed[0] = true;
        for (int k : asSoonAsPossible(ops, shapes.size())) {
            if (p.absorbed[k]) {
                continue;
            }
            Op op = ops.get(k);
            if (op instanceof Ops.BinaryConv b) {
                p.binaryConv(k, b);
            } else {
                p.generic(op);
            }
        }
        int out = p.nchwOf(output);
        int[] valueSizes = p.sizes.stream().mapToInt(Integer::intValue).toArray();
        return new Schedule(p.steps, valueSizes, p.nchw[0], out, p.packedShapes, p.convScratch, p.imageScratch);
    }

    /** Op indices sorted by (depth, original index), depth = 1 + the deepest producer of an input. */
    private static int[] asSoonAsPossible(List<Op> ops, int values) {
        int[] valueDepth = new int[values];
        int[] opDepth = new int[ops.size()];
        for (int k = 0; k < ops.size(); k++) {
            int d = 0;
            for (int v : ops.get(k).inputs()) {
                d = Math.max(d, valueDepth[v]);
            }
            opDepth[k] = d + 1;
            valueDepth[ops.get(k).output()] = d + 1;
        }
        return IntStream.range(0, ops.size()).boxed()
                .sorted(Comparator.<Integer>comparingInt(k -> opDepth[k]).thenComparingInt(k -> k))
                .mapToInt(Integer::intValue).toArray();
    }

    private void binaryConv(int index, Ops.BinaryConv b) {
        int x = b.inputs()[0];
        int packedId = packedOf(x);
        int cur = b.output();
        int poolKernel = 0;
        int poolStride = 0;
        Ops.ChannelAffine affine = null;
        int other = -1;
        Activation activation = Activation.NONE;
        StringBuilder what = new StringBuilder("fused ").append(b.describe());
        // Absorb the ops after the convolution, in the epilogue's order, while each value has only that reader.
        while (cur != logicalOutput && readers.get(cur).size() == 1) {
            Op next = readers.get(cur).getFirst();
            boolean nothingYet = affine == null && other < 0 && activation == Activation.NONE;
            if (next instanceof Ops.MaxPool m && poolKernel == 0 && nothingYet && m.padding() == 0) {
                poolKernel = m.kernel();
                poolStride = m.stride();
            } else if (next instanceof Ops.ChannelAffine a && nothingYet) {
                affine = a;
            } else if (next instanceof Ops.Add add && other < 0 && activation == Activation.NONE) {
                int[] in = add.inputs();
                int o = in[0] == cur ? in[1] : in[0];
                if (o == cur || !computed[o]) {
                    break;
                }
                other = nhwcOf(o);
            } else if (next instanceof Ops.Hardtanh && activation == Activation.NONE) {
                activation = Activation.HARDTANH;
            } else if (next instanceof Ops.Relu && activation == Activation.NONE) {
                activation = Activation.RELU;
            } else {
                break;
            }
            absorbed[ops.indexOf(next)] = true;
            what.append(" + ").append(next.describe());
            cur = next.output();
        }
        // Binary layers read the result: binarise and pack it in the same step, each image as soon as it is done.
        int packTo = -1;
        boolean floatReaders = cur == logicalOutput;
        for (Op r : readers.get(cur)) {
            if (r instanceof Ops.BinaryConv && packTo < 0 && cur != logicalOutput) {
                packTo = newPacked(cur);
                what.append(" -> packed ").append(packTo);
            }
            floatReaders |= !(r instanceof Ops.BinaryConv);
        }
        // Read only as packed bits: no float value, the step finishes each image in its scratch.
        int out = floatReaders || other >= 0 || packTo < 0 ? newValue(size(shapes.get(cur))) : -1;
        FusedBinaryConv step = new FusedBinaryConv(packedId, b.conv(), b.alpha(), poolKernel, poolStride,
                affine == null ? null : affine.scale(), affine == null ? null : affine.shift(), other, activation, out,
                packTo, what.toString());
        if (step.outputSizePerImage() != size(shapes.get(cur))) {
            throw new IllegalStateException("fused " + what + " gives " + step.outputSizePerImage()
                    + " floats per image, the graph expects " + size(shapes.get(cur)));
        }
        convScratch = Math.max(convScratch, step.scratchFloats());
        steps.add(step);
        nhwc[cur] = out;
        computed[cur] = true;
        absorbed[index] = true;
    }

    /** The packed buffer of logical value {@code x}, packing it (for every binary reader at once) if not yet done. */
    private int packedOf(int x) {
        if (packed[x] >= 0) {
            return packed[x];
        }
        int[] s = shapes.get(x);
        if (nchw[x] < 0 && nhwc[x] < 0) {
            throw new IllegalStateException("value " + x + " has no float copy to pack from");
        }
        int id = newPacked(x);
        steps.add(new PackStep(nchw[x], nhwc[x], id, s[0], s[1], s[2]));
        return id;
    }

    /** A packed buffer for logical value {@code x}, bordered for the widest padding of its binary readers. */
    private int newPacked(int x) {
        int[] s = shapes.get(x);
        int pad = 0;
        for (Op r : readers.get(x)) {
            if (r instanceof Ops.BinaryConv b) {
                pad = Math.max(pad, b.conv().padding());
            }
        }
        int id = packedShapes.size();
        packedShapes.add(new Schedule.PackedShape(s[0], s[1], s[2], pad));
        packed[x] = id;
        return id;
    }

    /** A float op, on NHWC copies where it has an NHWC form and its inputs are NHWC, else on NCHW ones. */
    private void generic(Op op) {
        if (op instanceof Ops.ChannelAffine a && shapes.get(a.output()).length == 3 && nchw[a.inputs()[0]] >= 0) {
            channelAffine(null, a);
            return;
        }
        if (op instanceof Ops.FloatConv f && f.plain() && op.output() != logicalOutput
                && readers.get(op.output()).size() == 1
                && readers.get(op.output()).getFirst() instanceof Ops.ChannelAffine a && nchw[op.inputs()[0]] >= 0) {
            absorbed[ops.indexOf(a)] = true;
            channelAffine(f, a);
            return;
        }
        int[] in = op.inputs();
        int out = op.output();
        boolean image = shapes.get(out).length == 3;
        boolean allNhwc = image;
        for (int v : in) {
            allNhwc &= shapes.get(v).length == 3 && nhwc[v] >= 0;
        }
        Op step;
        int physicalOut = newValue(size(shapes.get(out)));
        if (allNhwc && (op instanceof Ops.Add || op instanceof Ops.Hardtanh || op instanceof Ops.Relu)) {
            // Element-wise: the same loop over the same positions, whatever the layout.
            step = op.withValues(Arrays.stream(in).map(v -> nhwc[v]).toArray(), physicalOut);
            nhwc[out] = physicalOut;
        } else if (allNhwc && op instanceof Ops.ShortcutA a) {
            int[] s = shapes.get(in[0]);
            step = new LayoutOps.ShortcutANhwc(nhwc[in[0]], physicalOut, a.inChannels(), a.outChannels(), s[1], s[2],
                    a.stride());
            nhwc[out] = physicalOut;
        } else {
            step = op.withValues(Arrays.stream(in).map(this::nchwOf).toArray(), physicalOut);
            nchw[out] = physicalOut;
        }
        steps.add(step);
        computed[out] = true;
    }

    /**
     * BatchNorm of an NCHW image (a float layer's), with the float convolution before it when given, and the
     * activation after it if that is its only reader, in one pass; written NHWC when every reader of the result takes
     * NHWC (binary convolutions, residual adds...).
     */
    private void channelAffine(Ops.FloatConv conv, Ops.ChannelAffine a) {
        int cur = a.output();
        Activation activation = Activation.NONE;
        StringBuilder what = new StringBuilder("fused ");
        if (conv != null) {
            what.append(conv.describe()).append(" + ");
        }
        what.append(a.describe());
        if (cur != logicalOutput && readers.get(cur).size() == 1) {
            Op next = readers.get(cur).getFirst();
            if (next instanceof Ops.Hardtanh || next instanceof Ops.Relu) {
                activation = next instanceof Ops.Hardtanh ? Activation.HARDTANH : Activation.RELU;
                absorbed[ops.indexOf(next)] = true;
                what.append(" + ").append(next.describe());
                cur = next.output();
            }
        }
        boolean nhwcReaders = cur != logicalOutput && !readers.get(cur).isEmpty();
        boolean onlyBinaryReaders = nhwcReaders;
        for (Op r : readers.get(cur)) {
            nhwcReaders &= r instanceof Ops.BinaryConv || r instanceof Ops.Add || r instanceof Ops.Hardtanh
                    || r instanceof Ops.Relu || r instanceof Ops.ShortcutA;
            onlyBinaryReaders &= r instanceof Ops.BinaryConv;
        }
        int in = conv == null ? a.inputs()[0] : conv.inputs()[0];
        if (onlyBinaryReaders && MappedPacking.usable()) {
            // Only binary layers read it: binarise and pack on the fly, the float value is never stored.
            int[] s = shapes.get(cur);
            int id = newPacked(cur);
            what.append(" -> packed ").append(id);
            PackedChannelAffine step = new PackedChannelAffine(nchw[in], conv, id, a.scale(), a.shift(), activation,
                    s[1] * s[2], what.toString());
            convScratch = Math.max(convScratch, step.scratchFloats()[0]);
            imageScratch = Math.max(imageScratch, step.scratchFloats()[1]);
            steps.add(step);
            computed[cur] = true;
            return;
        }
        Layout layout = nhwcReaders ? Layout.NHWC : Layout.NCHW;
        int[] s = shapes.get(cur);
        int id = newValue(size(s));
        (layout == Layout.NHWC ? nhwc : nchw)[cur] = id;
        computed[cur] = true;
        what.append(" -> ").append(layout.name().toLowerCase(Locale.ROOT));
        FusedChannelAffine step = new FusedChannelAffine(nchw[in], id, conv, layout, a.scale(), a.shift(), activation,
                s[1] * s[2], what.toString());
        convScratch = Math.max(convScratch, step.scratchFloats()[0]);
        imageScratch = Math.max(imageScratch, step.scratchFloats()[1]);
        steps.add(step);
    }

    private int nchwOf(int v) {
        if (nchw[v] < 0 && nhwc[v] < 0) {
            throw new IllegalStateException("value " + v + " exists only packed");
        }
        if (nchw[v] < 0) {
            int[] s = shapes.get(v);
            int id = newValue(size(s));
            steps.add(new LayoutOps.Convert(nhwc[v], id, Layout.NCHW, s[0], s[1] * s[2]));
            nchw[v] = id;
        }
        return nchw[v];
    }

    private int nhwcOf(int v) {
        if (nhwc[v] < 0) {
            int[] s = shapes.get(v);
            if (s.length != 3) {
                throw new IllegalStateException("value " + v + " is not an image: " + Arrays.toString(s));
            }
            int id = newValue(size(s));
            steps.add(new LayoutOps.Convert(nchw[v], id, Layout.NHWC, s[0], s[1] * s[2]));
            nhwc[v] = id;
        }
        return nhwc[v];
    }

    private int newValue(int sizePerImage) {
        sizes.add(sizePerImage);
        return sizes.size() - 1;
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s = Math.multiplyExact(s, d);
        }
        return s;
    }

    /** For messages: {@code 16x32x32}. */
    static String shape(int[] s) {
        return String.join("x", Arrays.stream(s).mapToObj(i -> String.format(Locale.ROOT, "%d", i)).toList());
    }
}
