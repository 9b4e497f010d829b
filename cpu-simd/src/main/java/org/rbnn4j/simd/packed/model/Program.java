package org.rbnn4j.simd.packed.model;

import java.util.List;

/**
 * A compiled network: the logical op list (one op per float layer or binary convolution, over numbered values;
 * value 0 is the input batch) and two ways to run it:
 * <ul>
 *   <li>{@link #fused()}: the {@link Planner}'s schedule, which inference uses (fused binary layers, NHWC values);</li>
 *   <li>{@link #reference()}: the logical ops one by one in NCHW, each repeating its float layer, kept as the
 *       plain version the fused one is tested against (bit for bit).</li>
 * </ul>
 * Immutable and thread-safe; the mutable buffers live in a {@link Workspace}.
 */
final class Program {
    private final List<Op> ops;
    private final int[] inputShape;
    private final Schedule reference;
    private final Schedule fused;

    /**
     * @param shapes      per-image shape of each value ({@code [C, H, W]} or {@code [features]})
     * @param outputValue the value holding the logits
     */
    Program(List<Op> ops, List<int[]> shapes, int outputValue) {
        this.ops = List.copyOf(ops);
        this.inputShape = shapes.getFirst().clone();
        int[] sizes = shapes.stream().mapToInt(s -> {
            int n = 1;
            for (int d : s) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }).toArray();
        this.reference = new Schedule(this.ops, sizes, 0, outputValue, List.of(), 0, 0);
        this.fused = Planner.plan(this.ops, shapes, outputValue);
    }

    List<Op> ops() {
        return ops;
    }

    /** The schedule inference runs. */
    Schedule fused() {
        return fused;
    }

    /** The logical ops one by one (unfused, NCHW): the reference for tests. */
    Schedule reference() {
        return reference;
    }

    int[] inputShape() {
        return inputShape.clone();
    }

    int inputSizePerImage() {
        return reference.inputSizePerImage();
    }

    int outputSizePerImage() {
        return reference.outputSizePerImage();
    }

    /** The logical op list, one line each: stored in model files and compared on load. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("input ").append(inputShape[0]).append('x').append(inputShape[1]).append('x').append(inputShape[2])
                .append('\n');
        for (Op op : ops) {
            sb.append(op.describe()).append('\n');
        }
        return sb.toString();
    }
}
