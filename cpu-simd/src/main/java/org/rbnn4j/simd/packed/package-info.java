/**
 * Bit-packed binary convolution for inference (DESIGN.md §4): XNOR/popcount kernels over +-1 tensors packed 1 bit
 * each: weights in 64-bit words, activations in 32-bit channel words.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>{@code sign(0) = +1}; a <b>set bit means -1</b>, a clear bit +1. Bits past the channel count are 0 in both
 *       operands, so they never count as disagreements.</li>
 *   <li>Activations ({@link org.rbnn4j.simd.packed.PackedActivations}): NHWC-words, {@code ceil(C/32)} words per
 *       pixel, with a built-in border of all-zero (= +1) pixels. Packed by
 *       {@link org.rbnn4j.simd.packed.ActivationPacker} from NCHW or NHWC floats as {@code sign(x - threshold)}
 *       (threshold per image, e.g. the per-sample mean; 0 by default).</li>
 *   <li>Weights ({@link org.rbnn4j.simd.packed.PackedFilters}): {@code sign(w)} of {@code [Cout, Cin, kh, kw]},
 *       the same channel words per tap, two to a 64-bit word, in panels of 16, 32 or 64 filters (1, 2 or 4 vectors of int
 *       lanes with AVX-512) for the register-blocked kernel.</li>
 *   <li>Result ({@link org.rbnn4j.simd.packed.PackedConv2d}): the exact integer
 *       {@code sum(sign(x) * sign(w))} of the float model's convolution with zero padding
 *       ({@link org.rbnn4j.simd.packed.BorderMode#ZERO}, via a cached per-position-class correction) or one padding
 *       ({@link org.rbnn4j.simd.packed.BorderMode#ONE}), as floats in NCHW or NHWC
 *       ({@link org.rbnn4j.simd.packed.OutputLayout}); {@code alpha}, BatchNorm and the rest are the caller's.</li>
 * </ul>
 *
 * <h2>Use</h2>
 * <pre>{@code
 * PackedConv2d conv = PackedConv2d.of(ConvGeometry.of(1, cin, h, w, cout, 3, 1, 1), weights); // once per layer
 * PackedActivations in = PackedActivations.allocate(batch, cin, h, w, 1);                    // reusable buffer
 * ActivationPacker.packNchw(x, 0, sampleMeans, in);                                           // sign(x - mean_n)
 * try (BinaryConvExecutor exec = new BinaryConvExecutor(threads)) {
 *     float[] y = new float[batch * conv.outputSizePerImage()];
 *     exec.forward(conv, in, y, OutputLayout.NHWC);       // or forwardImage(conv, in, n, y1, layout)
 * }
 * }</pre>
 *
 * <p>Kernels: {@link org.rbnn4j.simd.packed.PopcountKernel#VECTOR} (filter words loaded as {@code LongVector}s and
 * read as int lanes, one filter per lane, XOR with the broadcast activation word and {@code BIT_COUNT}; 2x4, 4x2 or
 * 8x1 register blocks of 8 accumulators) and {@link org.rbnn4j.simd.packed.PopcountKernel#SCALAR}
 * ({@link java.lang.Long#bitCount} over 64 channels at a time, the definition and fallback); {@code PopcountKernel.best()} chooses, the system
 * property {@code rbnn.binary.kernel} overrides. {@link org.rbnn4j.simd.packed.BinaryConvBenchmark} measures the
 * packed 3x3 convolution against the float one of the same shape.
 */
package org.rbnn4j.simd.packed;
