package org.rbnn4j.simd.conv;

import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.concurrent.ScratchArrays;
import org.rbnn4j.simd.concurrent.ScratchArrays.Slot;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.gemm.Packing;
import org.rbnn4j.simd.gemm.Sgemm;

/**
 * 2-D convolution as GEMM over im2col panels, with the semantics of the {@code conv2d*} methods of
 * {@link org.rbnn4j.core.compute.ComputeBackend}; {@code P = outH * outW}, {@code K = inChannels * kh * kw}.
 *
 * <ul>
 *   <li>forward, per image: {@code Y[Cout, P] = W[Cout, K] * col[K, P]}; W read in place (packed once per call when
 *       Cout is not a multiple of the register tile), im2col written straight into packed-B panels;</li>
 *   <li>backward data, per image: {@code dcol[K, P] = W^T * dY[Cout, P]}, then col2im (at stride 1
 *       {@link ShiftedDataGradient} adds each tap's product straight into the padded gradient instead);</li>
 *   <li>backward weights: {@code dW^T[K, Cout] = sum_n col_n[K, P] * dY_n^T}, with the row-major col read in place
 *       as A (cheap vector im2col; the transposed layout {@code dY * col^T} would need a scalar transpose of the
 *       much larger col) and dY^T packed as B; each chunk of images sums into its own partial, and the partials are
 *       added, transposed, to {@code dW} in a fixed order. At stride 1 {@link ShiftedWeightGradient} does it
 *       without im2col instead.</li>
 * </ul>
 * Work is split over images, and within an image over output pixels (forward), input channels (backward data) or
 * tap rows (backward weights) when there are fewer images than threads; the nested GEMMs then run serially. Results
 * do not depend on the thread count, except the weight gradient's summation order over images (fixed chunks of
 * images, {@link #imageChunks}: the same for up to 8 threads).
 */
public final class Convolution {
    /** Image chunks of the weight gradient, at least (see {@link #imageChunks}). */
    static final int IMAGE_CHUNKS = 8;

    private Convolution() {
    }

    public static void forward(WorkerPool pool, ConvGeometry g, float[] x, float[] w, float[] y) {
        int cout = g.outChannels();
        int k = g.patchSize();
        int pixels = g.outH() * g.outW();
        // Weights as A: read in place when every sliver is complete, else packed (zero rows pad the last sliver).
        float[] a = w;
        int aRowStride = k;
        int aColStride = 1;
        if (cout % MR != 0) {
            a = ScratchArrays.get(Slot.CONV_WEIGHTS, roundUp(cout, MR) * k);
            Packing.packA(false, w, 0, k, 0, 0, cout, k, a, 0, k * MR);
            aRowStride = 1;
            aColStride = MR;
        }
        float[] wa = a;
        int rs = aRowStride;
        int cs = aColStride;
        int panels = (pixels + NR - 1) / NR;
        int chunks = chunksPerImage(pool, g.batch(), panels);
        pool.parallelFor(g.batch() * chunks, task -> {
            int image = task / chunks;
            int part = task % chunks;
            int q0 = WorkerPool.splitPoint(pixels, chunks, part, NR);
            int q1 = WorkerPool.splitPoint(pixels, chunks, part + 1, NR);
            if (q0 >= q1) {
                return;
            }
            float[] col = ScratchArrays.get(Slot.CONV_COLUMNS, roundUp(q1 - q0, NR) * k);
            Im2col.forwardPanels(g, PaddedInput.of(g, x, image), q0, q1, col, 0);
            Sgemm.multiplyPacked(cout, q1 - q0, k, 1f, wa, 0, rs, cs, MR * k,
                    col, 0, k * NR, 0f, y, image * cout * pixels + q0, pixels);
        });
    }

    /**
     * The weights as the B operand of {@link #forwardNhwc}: {@code W^T[K, Cout]} in packed-B panels of {@code NR}
     * filters ({@code K * NR} floats per panel, ragged last panel zero-padded). Pack once per layer.
     */
    public static float[] packWeightsForNhwc(ConvGeometry g, float[] w) {
        int k = g.patchSize();
        int cout = g.outChannels();
        float[] packed = new float[roundUp(cout, NR) * k];
        Packing.packB(true, w, 0, k, 0, 0, k, cout, packed, 0, k * NR);
        return packed;
    }

    /**
     * One image's convolution written channels-last, {@code y[yOff + p * Cout + co]}: the GEMM of {@link #forward}
     * with its operands swapped, {@code Y^T[P, Cout] = col^T[P, K] * W^T[K, Cout]}, one panel of {@code NR} pixels at a
     * time (the im2col panel is read in place as A). Every output is the same sum of the same products in the same
     * order as in {@link #forward} (one fused multiply-add per tap, depth blocks in order), so the same float: a layer
     * whose readers want NHWC gets it without a transpose. Serial; {@code x} holds image {@code image} of a batch of
     * images of {@code g}'s shape (only {@code g.batch()} is ignored); {@code wt} from {@link #packWeightsForNhwc}.
     */
    public static void forwardNhwc(ConvGeometry g, float[] x, int image, float[] wt, float[] y, int yOff) {
        forwardNhwc(g, x, image, wt, y, yOff, ChannelMap.identity(g.outChannels()));
    }

    /**
     * {@link #forwardNhwc(ConvGeometry, float[], int, float[], float[], int)} with {@code map} applied to every output
     * as it is stored (the same floats as the convolution followed by the map): a first layer's BatchNorm and
     * activation without a pass of their own over the output. ({@code 1 * s + 0 = s} for the sums, which are never
     * -0, so the identity map gives the plain convolution.)
     */
    public static void forwardNhwc(ConvGeometry g, float[] x, int image, float[] wt, float[] y, int yOff,
                                   ChannelMap map) {
        map.checkCovers(g.outChannels());
        if (DirectConvolution.supports(g)) {
            DirectConvolution.forwardNhwc(g, x, image, wt, y, yOff, map); // stride 1, few taps: no im2col
            return;
        }
        int cout = g.outChannels();
        int k = g.patchSize();
        int pixels = g.outH() * g.outW();
        PaddedInput in = PaddedInput.of(g, x, image);
        float[] panel = ScratchArrays.get(Slot.CONV_COLUMNS, k * NR);
        for (int q0 = 0; q0 < pixels; q0 += NR) {
            int q1 = Math.min(q0 + NR, pixels);
            Im2col.forwardPanels(g, in, q0, q1, panel, 0);
            // A = the panel: element (pixel i, tap p) at p * NR + i, i.e. row stride 1, column stride NR, sliver MR.
            Sgemm.multiplyPacked(q1 - q0, cout, k, 1f, panel, 0, 1, NR, MR, wt, 0, k * NR, 0f, y, yOff + q0 * cout,
                    cout);
        }
        for (int p = 0; p < pixels; p++) {
            for (int co = 0; co < cout; co++) {
                int i = yOff + p * cout + co;
                y[i] = map.apply(y[i], co);
            }
        }
    }

    public static void backwardData(WorkerPool pool, ConvGeometry g, float[] dy, float[] w, float[] dx) {
        if (ShiftedDataGradient.supports(g)) {
            ShiftedDataGradient.compute(pool, g, dy, w, dx); // stride 1: no col2im
            return;
        }
        int cout = g.outChannels();
        int k = g.patchSize();
        int taps = g.kernelH() * g.kernelW();
        int pixels = g.outH() * g.outW();
        // A = W^T (K x Cout), packed once over its whole depth Cout.
        float[] wt = ScratchArrays.get(Slot.CONV_WEIGHTS, roundUp(k, MR) * cout);
        Packing.packA(true, w, 0, k, 0, 0, k, cout, wt, 0, cout * MR);
        // Split channels only at sliver boundaries of W^T: channel groups of a multiple of MR / gcd(taps, MR).
        int channelAlign = MR / gcd(taps, MR);
        int channelUnits = (g.inChannels() + channelAlign - 1) / channelAlign;
        int chunks = chunksPerImage(pool, g.batch(), channelUnits);
        pool.parallelFor(g.batch() * chunks, task -> {
            int image = task / chunks;
            int part = task % chunks;
            int c0 = WorkerPool.splitPoint(g.inChannels(), chunks, part, channelAlign);
            int c1 = WorkerPool.splitPoint(g.inChannels(), chunks, part + 1, channelAlign);
            if (c0 >= c1) {
                return;
            }
            int r0 = c0 * taps;
            int rows = (c1 - c0) * taps;
            float[] pb = ScratchArrays.get(Slot.CONV_COLUMNS, roundUp(pixels, NR) * cout);
            Packing.packB(false, dy, image * cout * pixels, pixels, 0, 0, cout, pixels, pb, 0, cout * NR);
            float[] dcol = ScratchArrays.get(Slot.CONV_GEMM_OUT, rows * pixels);
            Sgemm.multiplyPacked(rows, pixels, cout, 1f, wt, (r0 / MR) * cout * MR, 1, MR, cout * MR,
                    pb, 0, cout * NR, 0f, dcol, 0, pixels);
            Col2im.fold(g, dcol, 0, dx, image, c0, c1);
        });
    }

    public static void backwardWeights(WorkerPool pool, ConvGeometry g, float[] x, float[] dy, float[] dw) {
        if (ShiftedWeightGradient.supports(g)) {
            ShiftedWeightGradient.accumulate(pool, g, x, dy, dw); // stride 1: no im2col
            return;
        }
        int cout = g.outChannels();
        int k = g.patchSize();
        int pixels = g.outH() * g.outW();
        int threads = pool.effectiveThreads();
        int imageChunks = imageChunks(g.batch(), threads);
        int slivers = (k + MR - 1) / MR;
        int tapChunks = Math.max(1, Math.min(slivers, threads / imageChunks));
        // Each image chunk sums dW^T = sum_n col_n * dY_n^T into its own [roundUp(K, MR) x Cout] partial.
        int size = slivers * MR * cout;
        float[] partials = ScratchArrays.get(Slot.CONV_PARTIAL_SUMS, imageChunks * size);
        // The kernel streams 8 or 16 col rows at once: a row stride that is a multiple of 4 KiB (1024 pixels) would
        // put them all in one L1 set, so rows get 16 floats of slack.
        int ldCol = pixels + 16;
        pool.parallelFor(imageChunks * tapChunks, task -> {
            int chunk = task / tapChunks;
            int part = task % tapChunks;
            int n0 = WorkerPool.splitPoint(g.batch(), imageChunks, chunk, 1);
            int n1 = WorkerPool.splitPoint(g.batch(), imageChunks, chunk + 1, 1);
            int j0 = WorkerPool.splitPoint(k, tapChunks, part, MR);
            int j1 = WorkerPool.splitPoint(k, tapChunks, part + 1, MR);
            if (j0 >= j1) {
                return;
            }
            int rows = j1 - j0;
            int paddedRows = roundUp(rows, MR);
            float[] col = ScratchArrays.get(Slot.CONV_COLUMNS, paddedRows * ldCol);
            // Rows past the last tap complete the final sliver; their results are discarded, zeros keep them tame.
            java.util.Arrays.fill(col, rows * ldCol, paddedRows * ldCol, 0f);
            float[] pb = ScratchArrays.get(Slot.CONV_GEMM_OUT, roundUp(cout, NR) * pixels);
            for (int n = n0; n < n1; n++) {
                Im2col.rows(g, PaddedInput.of(g, x, n), j0, j1, col, 0, ldCol);
                Packing.packB(true, dy, n * cout * pixels, pixels, 0, 0, pixels, cout, pb, 0, pixels * NR);
                Sgemm.multiplyPacked(rows, cout, pixels, 1f, col, 0, ldCol, 1, MR * ldCol,
                        pb, 0, pixels * NR, n == n0 ? 0f : 1f, partials, chunk * size + j0 * cout, cout);
            }
        });
        // dW[co, j] += sum over chunks of partial[j, co], chunks in order (deterministic for a thread count).
        int ranges = Math.min(threads, Math.max(1, k * cout / 65536));
        pool.parallelFor(ranges, r -> {
            int jEnd = WorkerPool.splitPoint(k, ranges, r + 1, 1);
            for (int j = WorkerPool.splitPoint(k, ranges, r, 1); j < jEnd; j++) {
                for (int co = 0; co < cout; co++) {
                    float sum = 0f;
                    for (int c = 0; c < imageChunks; c++) {
                        sum += partials[c * size + j * cout + co];
                    }
                    dw[co * k + j] += sum;
                }
            }
        });
    }

    /** Chunks each image is cut into so that at least {@code threads} tasks exist when the batch is small. */
    private static int chunksPerImage(WorkerPool pool, int batch, int units) {
        int threads = pool.effectiveThreads();
        if (batch >= threads) {
            return 1;
        }
        return Math.max(1, Math.min(units, (threads + batch - 1) / batch));
    }

    /**
     * Chunks of images that sum into partials of their own: a few per thread ({@link #IMAGE_CHUNKS} at least), so
     * that threads take them dynamically and one slow (descheduled) thread does not hold up the loop; the count does
     * not depend on the thread count up to {@link #IMAGE_CHUNKS} threads, nor then do the sums.
     */
    static int imageChunks(int batch, int threads) {
        return Math.min(batch, Math.max(IMAGE_CHUNKS, threads));
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
