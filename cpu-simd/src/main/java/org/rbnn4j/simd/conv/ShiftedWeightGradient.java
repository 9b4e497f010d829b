package org.rbnn4j.simd.conv;

import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import java.util.Arrays;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.concurrent.ScratchArrays;
import org.rbnn4j.simd.concurrent.ScratchArrays.Slot;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.gemm.Sgemm;

/**
 * The weight gradient of a stride-1 convolution without im2col: one small GEMM per kernel tap over shifted views of
 * the padded input.
 *
 * <p>Lay the output pixels out at the padded input's width {@code wp} ({@code p' = oy * wp + ox}, the columns
 * {@code ox >= outW} being padding). Then tap {@code (ky, kx)} of output pixel {@code p'} reads padded input element
 * {@code p' + ky * wp + kx} of each channel plane: for every tap the window values form a contiguous run of each
 * plane, shifted by {@code ky * wp + kx}. So, per image,
 * <pre>
 *   dW[:, :, ky, kx]^T (Cin x Cout) += Xpad[:, shift .. shift + P'] (Cin x P') * dY'^T (P' x Cout)
 * </pre>
 * where {@code dY'} is {@code dY} at the padded width with zeros in the extra columns (so that whatever the shifted
 * view holds there contributes nothing), packed once per image and shared by all taps, and the input planes are
 * read in place as A. Compared with im2col ({@code Cin*kh*kw} rows of {@code P} values per image), only the padded
 * image and {@code dY} are copied; the GEMMs do {@code wp / outW} times the useful work (1.06x at 32x32, 1.25x at
 * 8x8, where im2col stays faster: see {@link #supports}).
 *
 * <p>The padded copy has {@code roundUp(Cin, MR)} zeroed-if-unused planes (the GEMM reads whole slivers of rows) and a
 * zeroed tail (the last taps read {@code kw - 1} values past the last plane, in padding columns). As in
 * {@link Convolution#backwardWeights}, each chunk of images sums into its own partial and the partials are added in
 * chunk order: deterministic for a given thread count.
 */
final class ShiftedWeightGradient {
    private ShiftedWeightGradient() {
    }

    /**
     * Stride 1 only (at stride 2 the window values of a tap are not contiguous), and only where the padding columns
     * waste at most 15% of the GEMM work: measured against im2col, 32x32 and 16x16 layers (3x3, padding 1) gain about
     * 20%, 8x8 layers (25% waste) lose about 8%.
     */
    static boolean supports(ConvGeometry g) {
        int wp = g.inW() + 2 * g.padding();
        return g.stride() == 1 && g.outW() >= 0.85 * wp;
    }

    /** Accumulates {@code dL/dw} into {@code dw} ({@code ComputeBackend.conv2dBackwardWeights}). */
    static void accumulate(WorkerPool pool, ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int kw = g.kernelW();
        int taps = g.kernelH() * kw;
        int wp = g.inW() + 2 * g.padding();
        int hp = g.inH() + 2 * g.padding();
        // Plane stride with slack when it is a multiple of 1 KiB: the kernels stream MR planes at once, and strides
        // that are multiples of 4 KiB put them all in one L1 set.
        int plane = hp * wp % 256 == 0 ? hp * wp + 16 : hp * wp;
        int planes = roundUp(cin, MR);
        int paddedLength = planes * plane + kw;
        int span = g.outH() * wp;
        int coutPanels = (cout + NR - 1) / NR;
        int threads = pool.effectiveThreads();
        int imageChunks = Convolution.imageChunks(g.batch(), threads);
        int tapChunks = Math.max(1, Math.min(taps, threads / imageChunks));
        int size = taps * cin * cout;
        float[] partials = ScratchArrays.get(Slot.CONV_PARTIAL_SUMS, imageChunks * size);
        pool.parallelFor(imageChunks * tapChunks, task -> {
            int chunk = task / tapChunks;
            int part = task % tapChunks;
            int n0 = WorkerPool.splitPoint(g.batch(), imageChunks, chunk, 1);
            int n1 = WorkerPool.splitPoint(g.batch(), imageChunks, chunk + 1, 1);
            int t0 = WorkerPool.splitPoint(taps, tapChunks, part, 1);
            int t1 = WorkerPool.splitPoint(taps, tapChunks, part + 1, 1);
            if (t0 >= t1) {
                return;
            }
            float[] in = ScratchArrays.get(Slot.CONV_PADDED_INPUT, paddedLength);
            // Plane slack, planes completing the last sliver and the tail are read (in padding columns, or as rows
            // whose results are discarded) but are never written by padInput: zero them once.
            for (int ci = 0; ci < cin && plane > hp * wp; ci++) {
                Arrays.fill(in, ci * plane + hp * wp, (ci + 1) * plane, 0f);
            }
            Arrays.fill(in, cin * plane, paddedLength, 0f);
            float[] pb = ScratchArrays.get(Slot.CONV_GEMM_OUT, coutPanels * span * NR);
            for (int n = n0; n < n1; n++) {
                padInput(g, x, n, in, plane);
                packGradient(g, dy, n, pb, span);
                for (int t = t0; t < t1; t++) {
                    int shift = (t / kw) * wp + t % kw;
                    Sgemm.multiplyPacked(cin, cout, span, 1f, in, shift, plane, 1, MR * plane,
                            pb, 0, span * NR, n == n0 ? 0f : 1f, partials, chunk * size + t * cin * cout, cout);
                }
            }
        });
        // dW[co, ci, t] += sum over chunks of partial[t, ci, co], chunks in order.
        pool.parallelFor(Math.min(threads, cout), part -> {
            int coEnd = WorkerPool.splitPoint(cout, Math.min(threads, cout), part + 1, 1);
            for (int co = WorkerPool.splitPoint(cout, Math.min(threads, cout), part, 1); co < coEnd; co++) {
                for (int ci = 0; ci < cin; ci++) {
                    int dst = (co * cin + ci) * taps;
                    for (int t = 0; t < taps; t++) {
                        int src = (t * cin + ci) * cout + co;
                        float sum = 0f;
                        for (int c = 0; c < imageChunks; c++) {
                            sum += partials[c * size + src];
                        }
                        dw[dst + t] += sum;
                    }
                }
            }
        });
    }

    /** Channels {@code [0, Cin)} of image {@code n} with their border of {@code padValue}, planes {@code plane} apart. */
    private static void padInput(ConvGeometry g, float[] x, int n, float[] dst, int plane) {
        int h = g.inH();
        int w = g.inW();
        int pad = g.padding();
        int wp = w + 2 * pad;
        int hp = h + 2 * pad;
        float padValue = g.padValue();
        for (int ci = 0; ci < g.inChannels(); ci++) {
            int base = ci * plane;
            Arrays.fill(dst, base, base + pad * wp, padValue);
            for (int y = 0; y < h; y++) {
                int row = base + (y + pad) * wp;
                for (int p = 0; p < pad; p++) {
                    dst[row + p] = padValue;
                    dst[row + pad + w + p] = padValue;
                }
                Im2col.copy(x, ((n * g.inChannels() + ci) * h + y) * w, dst, row + pad, w);
            }
            Arrays.fill(dst, base + (h + pad) * wp, base + hp * wp, padValue);
        }
    }

    /**
     * {@code dY'^T} of image {@code n} as packed B panels: element {@code (p', co)} at
     * {@code pb[(co / NR) * span * NR + p' * NR + co % NR]}, zero in the padding columns and past {@code Cout}.
     */
    private static void packGradient(ConvGeometry g, float[] dy, int n, float[] pb, int span) {
        int cout = g.outChannels();
        int oh = g.outH();
        int ow = g.outW();
        int wp = span / oh;
        int pixels = oh * ow;
        int panels = (cout + NR - 1) / NR;
        // Zero first (padding columns and filters past Cout), then one output row at a time: the row's destination
        // (wp * NR floats) stays in L1 while every channel's contiguous source row is copied into it.
        Arrays.fill(pb, 0, panels * span * NR, 0f);
        for (int oy = 0; oy < oh; oy++) {
            for (int co = 0; co < cout; co++) {
                int dst = (co / NR) * span * NR + oy * wp * NR + co % NR;
                int src = (n * cout + co) * pixels + oy * ow;
                for (int ox = 0; ox < ow; ox++) {
                    pb[dst + ox * NR] = dy[src + ox];
                }
            }
        }
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
