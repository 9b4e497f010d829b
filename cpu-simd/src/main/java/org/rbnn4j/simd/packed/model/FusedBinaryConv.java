package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.simd.packed.ActivationPacker;
import org.rbnn4j.simd.packed.OutputLayout;
import org.rbnn4j.simd.packed.PackedActivations;
import org.rbnn4j.simd.packed.PackedConv2d;

/**
 * A packed binary convolution and the float layers after it, in one pass over its NHWC output:
 * {@code y = act(affine(pool(conv * alpha)) + other)}, each stage optional, in that order
 * ({@link Planner} decides what to fuse). The convolution's exact integer sums go to scratch a few images at a
 * time (so they are still in cache), and the epilogue finishes them along channel vectors into an NHWC value.
 *
 * <p>Every stage repeats the float layer's arithmetic on the same operands in the same order, so the result equals the
 * unfused ops bit for bit: {@code conv * alpha[c]} (one rounding), max pooling as {@link Ops.MaxPool} (first maximum
 * wins, NaN propagates), BatchNorm as {@code x * scale[c] + shift[c]} (a multiply then an add: never an FMA),
 * the residual add, hardtanh / ReLU with their NaN behaviour.
 *
 * <p>A 2 x 2, stride 2 max pool over positive {@code alpha} (vgg_small_1w1a's three pooled binary layers) is done by
 * the kernel itself, on the integer sums as it computes them ({@link PackedConv2d#forwardMaxPool2x2}): a quarter of
 * the results are stored and no pooling pass reads them back. Same JVM, alternating with the separate pass:
 * vgg_small_1w1a x1.035 and x1.057 whole, its 128-channel 32x32 layer 178 -> 151 us per image.
 */
final class FusedBinaryConv implements Op {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as {@link #D}: half a float vector, widened to doubles in one conversion. */
    private static final VectorSpecies<Float> HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, D.vectorBitSize() / 2)));
    /**
     * Output pixels per kernel call at least: images of small maps (4x4) are convolved together so that the kernel's
     * pixel blocks fill and each filter panel is read once for several images.
     */
    static final int GROUP_PIXELS = 256;
    /** All lanes: {@code a.blend(v, ALL)} is {@code v} as a vector of known class (see ProfileFreeJitTest). */
    private static final VectorMask<Float> ALL = S.maskAll(true);

    private final int packedId;
    private final PackedConv2d conv;
    private final float[] alpha;
    private final int poolKernel;
    private final int poolStride;
    private final float[] scale;
    private final float[] shift;
    /**
     * {@code alpha}, {@code scale}, {@code shift} repeated over whole pixels for the vector epilogue (see
     * {@link RepeatedChannels}; null on the scalar path or without BatchNorm): its loop runs chunks of their length.
     */
    private final float[] alphaRun;
    private final float[] scaleRun;
    private final float[] shiftRun;
    private final int other;
    private final Activation activation;
    private final float lowBound;
    private final float lowValue;
    private final float highBound;
    private final float highValue;
    private final int out;
    /** Packed buffer this step binarises its output into for the binary layers that read it, or -1. */
    private final int packTo;
    private final int cout;
    private final int outH;
    private final int outW;
    private final int groupImages;
    /**
     * Rows of convolution output per band for maps larger than {@link #GROUP_PIXELS} (0: whole images, in groups):
     * about {@link #GROUP_PIXELS} pixels, a multiple of the pooling stride so that no window straddles two bands.
     */
    private final int bandRows;
    /**
     * Whether every {@code alpha} is a normal float well inside the range where {@code r * alpha} neither overflows
     * nor underflows for the integers {@code r} of this convolution: then pooling can take the max or min of the
     * integers first (see {@link #finishPooled}).
     */
    private final boolean poolIntegers;
    /** Whether some {@code alpha} is negative (then pooling needs the minimum of the integers too). */
    private final boolean anyNegativeAlpha;
    /**
     * Whether the pool is 2 x 2 with stride 2 over integers scaled by positive {@code alpha} only: then the kernel
     * can pool the integers as it computes them ({@link PackedConv2d#forwardMaxPool2x2}) where it supports the shape.
     */
    private final boolean maxPool2x2Integers;
    /** Most additions a value takes part in when {@link #finishRun} sums an image's output (see {@link SampleMean}). */
    private final int sumDepth;
    private final String describe;

    /**
     * @param poolKernel {@code 0} for no pooling, else a max pool of that window and {@code poolStride}, no padding
     * @param scale      BatchNorm scale per channel, or null (then {@code shift} is null too)
     * @param other      the NHWC value added before the activation, or -1
     * @param out        the NHWC output value, or -1 when binary layers are its only readers (then {@code packTo} is
     *                   set, {@code other} is -1, and the output stays in scratch)
     * @param packTo     packed buffer to binarise the output into ({@code sign(y - mean_image(y))}), or -1
     * @param describe   what was fused, for {@link Planner#describe}
     */
    FusedBinaryConv(int packedId, PackedConv2d conv, float[] alpha, int poolKernel, int poolStride, float[] scale,
                    float[] shift, int other, Activation activation, int out, int packTo, String describe) {
        this.packedId = packedId;
        this.conv = conv;
        this.alpha = alpha;
        this.poolKernel = poolKernel;
        this.poolStride = poolStride;
        this.scale = scale;
        this.shift = shift;
        this.other = other;
        this.activation = activation;
        this.lowBound = activation.lowBound;
        this.lowValue = activation.lowValue;
        this.highBound = activation.highBound;
        this.highValue = activation.highValue;
        this.out = out;
        this.packTo = packTo;
        this.cout = conv.outChannels();
        this.outH = poolKernel == 0 ? conv.outH() : (conv.outH() - poolKernel) / poolStride + 1;
        this.outW = poolKernel == 0 ? conv.outW() : (conv.outW() - poolKernel) / poolStride + 1;
        int pixels = conv.outH() * conv.outW();
        this.groupImages = Math.max(1, GROUP_PIXELS / pixels);
        int rows = Math.max(1, GROUP_PIXELS / conv.outW());
        if (poolKernel > 0) {
            rows = Math.max(poolStride, rows / poolStride * poolStride);
        }
        this.bandRows = pixels > GROUP_PIXELS && rows < conv.outH() && poolKernel <= poolStride ? rows : 0;
        boolean safe = true;
        boolean negative = false;
        for (float a : alpha) {
            // |r| <= kBits < 2^24, so |r * alpha| stays in [2^-100, 2^124] for such alpha: no overflow, no underflow,
            // and r = 0 gives +-0 of alpha's sign only.
            safe &= Float.isFinite(a) && Math.abs(a) >= 0x1p-100f && Math.abs(a) <= 0x1p100f;
            negative |= a < 0;
        }
        this.poolIntegers = safe;
        int size = outputSizePerImage();
        int calls = bandRows > 0 ? (conv.outH() + bandRows - 1) / bandRows : 1;
        // Vector path: one term per double lane per vector, s0 + s1, the reduction, one addition per call into sums.
        boolean vectorPath = cout % LANES == 0 && LANES == 2 * HALF.length();
        this.alphaRun = vectorPath ? RepeatedChannels.of(alpha) : null;
        this.scaleRun = vectorPath && scale != null ? RepeatedChannels.of(scale) : null;
        this.shiftRun = vectorPath && scale != null ? RepeatedChannels.of(shift) : null;
        this.sumDepth = vectorPath ? size / LANES + HALF.length() + 1 + calls : size;
        this.anyNegativeAlpha = negative;
        this.maxPool2x2Integers = poolKernel == 2 && poolStride == 2 && safe && !negative;
        this.describe = describe;
    }

    /**
     * Floats of convolution scratch this step needs (bands of an image are stored at their place in the image), plus
     * one pooled image when the output lives in scratch ({@link #scratchOutput}).
     */
    int scratchFloats() {
        return groupImages * conv.outputSizePerImage() + (scratchOutput() && poolKernel > 0 ? outputSizePerImage() : 0);
    }

    /**
     * Whether the output is only packed (no float value: {@code out < 0}): then each image's output is finished in
     * the convolution scratch (in place without pooling, else in one image after the convolution results) and
     * packed from there, while it is in L2, instead of into a batch-sized value that nothing reads again.
     */
    private boolean scratchOutput() {
        return out < 0;
    }

    /** Floats per image of the output value. */
    int outputSizePerImage() {
        return cout * outH * outW;
    }

    int packedId() {
        return packedId;
    }

    PackedConv2d conv() {
        return conv;
    }

    @Override
    public void run(Workspace ws, int n, Execution exec) {
        PackedActivations in = ws.packed(packedId);
        float[] r = ws.convScratch();
        boolean scratch = scratchOutput();
        float[] y = scratch ? r : ws.buffer(out);
        float[] o = other >= 0 ? ws.buffer(other) : null;
        int convSize = conv.outputSizePerImage();
        int outSize = outputSizePerImage();
        // Sum and sum of magnitudes of each image's output, for its mean (see SampleMean), when packing it.
        double[] sums = packTo >= 0 ? new double[2] : null;
        // The kernel pools as it computes, where it supports the shape.
        boolean kernelPools = maxPool2x2Integers && conv.supportsMaxPool2x2(
                exec.intraOp() != null ? exec.intraOp().kernel() : exec.kernel());
        if (bandRows > 0) {
            // Large maps: each image in bands of rows, each band's integer sums finished while still in cache.
            int convW = conv.outW();
            for (int i = 0; i < n; i++) {
                int yOff = scratch ? (poolKernel == 0 ? 0 : convSize) : i * outSize;
                for (int r0 = 0; r0 < conv.outH(); r0 += bandRows) {
                    int r1 = Math.min(conv.outH(), r0 + bandRows);
                    if (kernelPools) {
                        int p0 = r0 / poolStride;
                        int p1 = Math.min(outH, r1 / poolStride);
                        maxPool2x2(exec, in, i, 1, p0, p1, y, yOff);
                        int from = yOff + p0 * outW * cout;
                        finishRun(y, from, true, y, from, o, (p1 - p0) * outW * cout, sums);
                        continue;
                    }
                    if (exec.intraOp() != null) {
                        exec.intraOp().forwardPixels(conv, in, i, r0 * convW, r1 * convW, r, OutputLayout.NHWC);
                    } else {
                        conv.forwardPixels(in, i, r0 * convW, r1 * convW, r, OutputLayout.NHWC, exec.kernel());
                    }
                    if (poolKernel == 0) {
                        finishRun(r, r0 * convW * cout, true, y, yOff + r0 * convW * cout, o,
                                (r1 - r0) * convW * cout, sums);
                    } else {
                        finishPooled(r, 0, y, yOff, o, r0 / poolStride, Math.min(outH, r1 / poolStride), sums);
                    }
                }
                pack(ws, y, yOff, i, sums);
            }
            return;
        }
        for (int i0 = 0; i0 < n; i0 += groupImages) {
            int g = Math.min(groupImages, n - i0);
            if (kernelPools) {
                // Pooled images straight into the output (or the start of scratch, which no convolution uses now).
                int base = scratch ? 0 : i0 * outSize;
                maxPool2x2(exec, in, i0, g, 0, outH, y, base);
                for (int i = 0; i < g; i++) {
                    int yOff = base + i * outSize;
                    finishRun(y, yOff, true, y, yOff, o, outSize, sums);
                    pack(ws, y, yOff, i0 + i, sums);
                }
                continue;
            }
            if (exec.intraOp() != null) {
                exec.intraOp().forwardImages(conv, in, i0, g, r, OutputLayout.NHWC);
            } else {
                conv.forwardImages(in, i0, g, r, OutputLayout.NHWC, exec.kernel());
            }
            for (int i = 0; i < g; i++) {
                int yOff = scratch ? (poolKernel == 0 ? i * convSize : groupImages * convSize) : (i0 + i) * outSize;
                if (poolKernel == 0) {
                    finishRun(r, i * convSize, true, y, yOff, o, outSize, sums);
                } else {
                    finishPooled(r, i * convSize, y, yOff, o, 0, outH, sums);
                }
                pack(ws, y, yOff, i0 + i, sums);
            }
        }
    }

    /** {@link PackedConv2d#forwardMaxPool2x2}, split among the intra-op threads when there are some. */
    private void maxPool2x2(Execution exec, PackedActivations in, int firstImage, int images, int rowFrom, int rowTo,
                            float[] y, int yOff) {
        if (exec.intraOp() != null) {
            exec.intraOp().forwardMaxPool2x2(conv, in, firstImage, images, rowFrom, rowTo, y, yOff);
        } else {
            conv.forwardMaxPool2x2(in, firstImage, images, rowFrom, rowTo, y, yOff, exec.kernel());
        }
    }

    /**
     * Binarises image {@code i} of the output (at {@code y[yOff ..]}) into {@link #packTo} (if packing), its threshold
     * decided from the sums gathered by the epilogue ({@link SampleMean#decide}), else by
     * {@link SampleMean#reference}; resets the sums.
     */
    private void pack(Workspace ws, float[] y, int yOff, int i, double[] sums) {
        if (sums == null) {
            return;
        }
        int size = outputSizePerImage();
        // A bounded activation's epilogue did not sum magnitudes: its bound decides nearly every image (measured
        // +1.8% vgg_small_1w1a, +2.3% resnet20_1w1a whole, same JVM), the rest sum them from the image still in cache.
        float bound = activation.magnitudeBound();
        float t = bound > 0 ? SampleMean.decideBounded(sums[0], bound, y, yOff, size, sumDepth)
                : SampleMean.decide(sums[0], sums[1], size, sumDepth);
        if (Float.isNaN(t)) {
            t = SampleMean.reference(y, yOff, cout, outH * outW);
        }
        ws.thresholds(packTo)[i] = t;
        ActivationPacker.packImageNhwc(y, yOff, t, ws.packed(packTo), i);
        sums[0] = 0;
        sums[1] = 0;
    }

    /**
     * {@code y = act(affine(v) + other)} for {@code count} consecutive floats (whole pixels), {@code v} being
     * {@code src * alpha} ({@code scaled}) or {@code src} itself; {@code src} may be {@code y} at the same offset.
     * With {@code sums}, also adds the values to {@code sums[0]} and, for an activation without a magnitude bound,
     * their magnitudes to {@code sums[1]} (in double: each result computed as two half-width vectors that widen in
     * one conversion each, as {@link SampleMean} reads them).
     *
     * <p>One flat loop over whole vectors, the per-channel constants repeated over whole pixels (a loop per pixel over
     * one or two vectors, for 16 or 32 channels, costs more than the arithmetic), and every vector operation spelled
     * out in it: a helper method per vector can get compiled on its own, then C2 declines to inline it and boxes the
     * vectors. The loop runs in chunks of whole pixels ({@link #finishChunk}).
     */
    private void finishRun(float[] src, int srcOff, boolean scaled, float[] y, int yOff, float[] o, int count,
                           double[] sums) {
        if (cout % LANES != 0 || LANES != 2 * HALF.length()) {
            for (int i = 0; i < count; i++) {
                int c = i % cout;
                float v = scaled ? src[srcOff + i] * alpha[c] : src[srcOff + i];
                y[yOff + i] = finish(v, c, o, yOff + i - c);
                if (sums != null) {
                    sums[0] += y[yOff + i];
                    sums[1] += Math.abs(y[yOff + i]);
                }
            }
            return;
        }
        // The double lanes of the sums carry over from chunk to chunk in acc (same additions as one long loop).
        double[] acc = sums != null ? new double[4 * D.length()] : null;
        boolean magnitudes = activation.magnitudeBound() == 0;
        int chunk = alphaRun.length;
        for (int i = 0; i < count; i += chunk) {
            finishChunk(src, srcOff + i, scaled, y, yOff + i, o, Math.min(chunk, count - i), acc, magnitudes);
        }
        if (acc != null) {
            int n = D.length();
            sums[0] += DoubleVector.fromArray(D, acc, 0).add(DoubleVector.fromArray(D, acc, n))
                    .reduceLanes(VectorOperators.ADD);
            sums[1] += DoubleVector.fromArray(D, acc, 2 * n).add(DoubleVector.fromArray(D, acc, 3 * n))
                    .reduceLanes(VectorOperators.ADD);
        }
    }

    /**
     * The vector loop of {@link #finishRun} over at most {@code alphaRun.length} floats of whole pixels, its four double
     * accumulators (sum and magnitude of the low and high half lanes) loaded from and stored back to {@code acc} (null:
     * no sums). Why chunks: a method whose loop runs long enough gets compiled on-stack (OSR) in the middle of the loop,
     * where C2 knows the accumulators only as {@code DoubleVector}, not their concrete class; it then fails to
     * intrinsify their operations and boxes every vector, and the deoptimisations this causes could leave the
     * method's ordinary compilation in the same state: measured 25x slower (about 1 ms instead of 40 us for
     * 128 x 32 x 32 floats) in some runs and not others. A call per chunk keeps every loop short.
     */
    private void finishChunk(float[] src, int srcOff, boolean scaled, float[] y, int yOff, float[] o, int count,
                             double[] acc, boolean magnitudes) {
        boolean sum = acc != null;
        boolean mag = sum && magnitudes;
        int half = HALF.length();
        int n = D.length();
        DoubleVector s0 = sum ? DoubleVector.fromArray(D, acc, 0) : DoubleVector.zero(D);
        DoubleVector s1 = sum ? DoubleVector.fromArray(D, acc, n) : DoubleVector.zero(D);
        DoubleVector a0 = sum ? DoubleVector.fromArray(D, acc, 2 * n) : DoubleVector.zero(D);
        DoubleVector a1 = sum ? DoubleVector.fromArray(D, acc, 3 * n) : DoubleVector.zero(D);
        boolean affine = scale != null;
        float[] alphaRun = this.alphaRun;
        float[] scaleRun = this.scaleRun;
        float[] shiftRun = this.shiftRun;
        float lb = lowBound;
        float lv = lowValue;
        float hb = highBound;
        float hv = highValue;
        // Each full-width vector as two half-width ones that widen to doubles straight from their registers (as
        // the first layer's map had it: storing it whole and loading its halves back cost 25% more). Every load indexes
        // by i, the constants repeating over the chunk's pixels (see RepeatedChannels), and i derives from a counter
        // stepping by one: with i += LANES as the counter C2 kept this loop uncounted (a range check per load and a
        // safepoint poll per iteration, disassembled); this form is counted, unrolled and free of checks.
        int vectors = count / LANES;
        for (int k = 0; k < vectors; k++) {
            int i = k * LANES;
            FloatVector u = FloatVector.fromArray(HALF, src, srcOff + i);
            FloatVector v = FloatVector.fromArray(HALF, src, srcOff + i + half);
            if (scaled) {
                u = u.mul(FloatVector.fromArray(HALF, alphaRun, i));
                v = v.mul(FloatVector.fromArray(HALF, alphaRun, i + half));
            }
            if (affine) {
                u = u.mul(FloatVector.fromArray(HALF, scaleRun, i)).add(FloatVector.fromArray(HALF, shiftRun, i));
                v = v.mul(FloatVector.fromArray(HALF, scaleRun, i + half))
                        .add(FloatVector.fromArray(HALF, shiftRun, i + half));
            }
            if (o != null) {
                u = u.add(FloatVector.fromArray(HALF, o, yOff + i));
                v = v.add(FloatVector.fromArray(HALF, o, yOff + i + half));
            }
            u = u.blend(lv, u.compare(VectorOperators.LT, lb));
            u = u.blend(hv, u.compare(VectorOperators.GT, hb));
            v = v.blend(lv, v.compare(VectorOperators.LT, lb));
            v = v.blend(hv, v.compare(VectorOperators.GT, hb));
            u.intoArray(y, yOff + i);
            v.intoArray(y, yOff + i + half);
            if (sum) {
                // The new terms receive the running sums, never the other way round (ProfileFreeJitTest).
                DoubleVector lo = (DoubleVector) u.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
                s0 = lo.add(s0);
                s1 = hi.add(s1);
                if (mag) {
                    a0 = lo.abs().add(a0);
                    a1 = hi.abs().add(a1);
                }
            }
        }
        if (sum) {
            s0.intoArray(acc, 0);
            s1.intoArray(acc, n);
            a0.intoArray(acc, 2 * n);
            a1.intoArray(acc, 3 * n);
        }
    }

    /**
     * Epilogue with max pooling (no padding) of the scaled convolution output {@code r * alpha}, output rows
     * {@code [oy0, oy1)} of the image whose sums start at {@code r[rOff]} and whose output starts at {@code y[yOff]}:
     * the pooled {@code r * alpha} into {@code y}, then {@link #finishRun} over those rows in place.
     *
     * <p>When {@link #poolIntegers}: rounding is monotone, so for {@code alpha > 0} the largest of the rounded
     * products {@code fl(r_i * alpha)} is {@code fl(max(r_i) * alpha)}, and for {@code alpha < 0} it is
     * {@code fl(min(r_i) * alpha)}; equal products are equal floats (no NaN, and a zero product has alpha's sign
     * whatever the order), so which of them the float max pool keeps does not matter. Pooling the integers first
     * takes one multiply per output instead of one per input. Otherwise each product is formed and pooled as
     * {@link Ops.MaxPool} does.
     */
    private void finishPooled(float[] r, int rOff, float[] y, int yOff, float[] o, int oy0, int oy1,
                              double[] sums) {
        int bound = S.loopBound(cout);
        int convW = conv.outW();
        for (int oy = oy0; oy < oy1; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                int first = rOff + ((oy * poolStride) * convW + ox * poolStride) * cout;
                int yp = yOff + (oy * outW + ox) * cout;
                int c = 0;
                if (poolIntegers) {
                    for (; c < bound; c += LANES) {
                        FloatVector a = FloatVector.fromArray(S, alpha, c);
                        FloatVector max = FloatVector.fromArray(S, r, first + c);
                        FloatVector min = max;
                        for (int ky = 0; ky < poolKernel; ky++) {
                            for (int kx = ky == 0 ? 1 : 0; kx < poolKernel; kx++) {
                                FloatVector v = FloatVector.fromArray(S, r, first + (ky * convW + kx) * cout + c);
                                // The sums are integers converted to float (no NaN, no -0), so a compare and a
                                // blend pick what Math.max / Math.min would; FloatVector.max / min spend several
                                // instructions each on Java's NaN and signed-zero rules. On the new value, the
                                // running extremes as arguments (ProfileFreeJitTest).
                                max = v.blend(max, v.compare(VectorOperators.LE, max));
                                if (anyNegativeAlpha) {
                                    min = v.blend(min, v.compare(VectorOperators.GE, min));
                                }
                            }
                        }
                        if (anyNegativeAlpha) {
                            max = min.blend(max, a.compare(VectorOperators.LT, 0f).not());
                        }
                        a.mul(max).intoArray(y, yp + c);
                    }
                } else {
                    for (; c < bound; c += LANES) {
                        FloatVector a = FloatVector.fromArray(S, alpha, c);
                        FloatVector max = FloatVector.fromArray(S, r, first + c).mul(a);
                        for (int ky = 0; ky < poolKernel; ky++) {
                            for (int kx = ky == 0 ? 1 : 0; kx < poolKernel; kx++) {
                                FloatVector v = FloatVector.fromArray(S, r, first + (ky * convW + kx) * cout + c)
                                        .mul(a);
                                // As Ops.MaxPool: a later value replaces the maximum if larger, or if it is NaN.
                                VectorMask<Float> take = v.compare(VectorOperators.GT, max)
                                        .or(v.compare(VectorOperators.NE, v));
                                max = v.blend(max, take.not());
                            }
                        }
                        a.blend(max, ALL).intoArray(y, yp + c);
                    }
                }
                for (; c < cout; c++) {
                    float max = r[first + c] * alpha[c];
                    for (int ky = 0; ky < poolKernel; ky++) {
                        for (int kx = ky == 0 ? 1 : 0; kx < poolKernel; kx++) {
                            float v = r[first + (ky * convW + kx) * cout + c] * alpha[c];
                            if (v > max || Float.isNaN(v)) {
                                max = v;
                            }
                        }
                    }
                    y[yp + c] = max;
                }
            }
        }
        int from = yOff + oy0 * outW * cout;
        finishRun(y, from, false, y, from, o, (oy1 - oy0) * outW * cout, sums);
    }

    /** BatchNorm, residual add and activation of channel {@code c} of the pixel at {@code yp} (the slow path). */
    private float finish(float v, int c, float[] o, int yp) {
        if (scale != null) {
            v = v * scale[c] + shift[c];
        }
        if (o != null) {
            v = v + o[yp + c];
        }
        return activation.apply(v);
    }

    @Override
    public int[] inputs() {
        return other >= 0 ? new int[] {other} : new int[0];
    }

    @Override
    public int output() {
        return out;
    }

    @Override
    public String describe() {
        return describe;
    }
}
