package org.rbnn4j.simd.packed;

import java.util.SplittableRandom;
import org.rbnn4j.core.compute.ConvGeometry;

/**
 * A packed 3x3 binary convolution (stride 1, padding 1, zero padding) with uniform random weights and a random input
 * already packed with a border of 1: what the convolution benchmarks time ({@link BinaryConvBenchmark},
 * {@code rbnn4j-bench}'s {@code PopcountFloorBenchmark} and {@code ReferenceKernelRatio}).
 *
 * @param geometry the float convolution of the same shape
 * @param input    the float input {@code [batch, cin, hw, hw]}, uniform in {@code [-1, 1)}
 * @param weights  the float weights {@code [cout, cin, 3, 3]}, uniform in {@code [-1, 1)}
 * @param conv     {@code sign(weights)} packed
 * @param packed   {@code sign(input)} packed
 */
public record BinaryConvWorkload(ConvGeometry geometry, float[] input, float[] weights, PackedConv2d conv,
                                 PackedActivations packed) {

    /** Input then weights drawn from {@code new SplittableRandom(seed)}. */
    public static BinaryConvWorkload random(int batch, int cin, int cout, int hw, long seed) {
        ConvGeometry g = ConvGeometry.of(batch, cin, hw, hw, cout, 3, 1, 1);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[g.inputSize()];
        float[] w = new float[g.weightSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        PackedActivations in = PackedActivations.allocate(batch, cin, hw, hw, 1);
        ActivationPacker.packNchw(x, 0, in);
        return new BinaryConvWorkload(g, x, w, PackedConv2d.of(g, w), in);
    }

    /** A new array for the whole batch's output. */
    public float[] newOutput() {
        return new float[geometry.outputSize()];
    }
}
