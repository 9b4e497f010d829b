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
 * The input gradient of a stride-1 convolution without col2im: one small GEMM per kernel tap, each adding straight
 * into a shifted view of the padded input gradient.
 *
 * <p>With the output pixels laid out at the padded input's width {@code wp} ({@code p' = oy * wp + ox}, columns
 * {@code ox >= outW} holding zeros), tap {@code (ky, kx)} of output pixel {@code p'} reads padded input element
 * {@code p' + ky * wp + kx}, so its share of the input gradient is
 * <pre>
 *   dXpad[:, shift .. shift + P'] (Cin x P') += W[:, :, ky, kx]^T (Cin x Cout) * dY' (Cout x P')
 * </pre>
 * with {@code shift = ky * wp + kx}: the GEMM accumulates into the padded gradient in place (C read with the plane
 * stride as leading dimension), {@code dY'} is packed once per image and shared by all taps, and the zero columns of
 * {@code dY'} add nothing wherever they land. The interior of the padded gradient is then copied out; what landed on
 * the border belongs to padded taps and is dropped, as the SPI requires. Compared with {@code col2im} this writes no
 * {@code (Cin*kh*kw) x P} column matrix and needs no separate folding pass.
 *
 * <p>Work is split over images, and over channel slivers of an image when there are fewer images than threads.
 * Every input gradient value sums its taps in the same order whatever the split.
 */
final class ShiftedDataGradient {
    private ShiftedDataGradient() {
    }

    /**
     * Stride 1 only: at stride 2 the taps of neighbouring outputs do not land on a contiguous run. Measured against
     * col2im (3x3, padding 1, 16 to 64 channels), 11-14% faster even at 8x8, where the padding columns waste 25%.
     */
    static boolean supports(ConvGeometry g) {
        return g.stride() == 1;
    }

    /** Overwrites {@code dx} with {@code dL/dx} ({@code ComputeBackend.conv2dBackwardData}). */
    static void compute(WorkerPool pool, ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int kw = g.kernelW();
        int taps = g.kernelH() * kw;
        int wp = g.inW() + 2 * g.padding();
        int hp = g.inH() + 2 * g.padding();
        int plane = hp * wp % 256 == 0 ? hp * wp + 16 : hp * wp; // slack against 4 KiB set aliasing
        int rows = roundUp(cin, MR);
        int span = g.outH() * wp;
        int spanPanels = (span + NR - 1) / NR;
        // A per tap: W_t^T, [rows x Cout] row-major, zero rows completing the last sliver.
        float[] wt = ScratchArrays.get(Slot.CONV_WEIGHTS, taps * rows * cout);
        for (int t = 0; t < taps; t++) {
            int base = t * rows * cout;
            for (int ci = 0; ci < rows; ci++) {
                for (int co = 0; co < cout; co++) {
                    wt[base + ci * cout + co] = ci < cin ? w[(co * cin + ci) * taps + t] : 0f;
                }
            }
        }
        int slivers = rows / MR;
        int chunks = chunksPerImage(pool, g.batch(), slivers);
        pool.parallelFor(g.batch() * chunks, task -> {
            int image = task / chunks;
            int part = task % chunks;
            int c0 = WorkerPool.splitPoint(cin, chunks, part, MR);
            int c1 = WorkerPool.splitPoint(cin, chunks, part + 1, MR);
            if (c0 >= c1) {
                return;
            }
            int channels = c1 - c0;
            // The last taps write kw - 1 values past the last plane (zero columns): room for them.
            float[] acc = ScratchArrays.get(Slot.CONV_PADDED_INPUT, channels * plane + kw);
            Arrays.fill(acc, 0, channels * plane + kw, 0f);
            float[] pb = ScratchArrays.get(Slot.CONV_GEMM_OUT, spanPanels * cout * NR);
            packGradient(g, dy, image, pb, span);
            for (int t = 0; t < taps; t++) {
                int shift = (t / kw) * wp + t % kw;
                Sgemm.multiplyPacked(channels, span, cout, 1f, wt, t * rows * cout + c0 * cout, cout, 1, MR * cout,
                        pb, 0, cout * NR, 1f, acc, shift, plane);
            }
            crop(g, acc, plane, dx, image, c0, c1);
        });
    }

    /**
     * {@code dY'} of image {@code n} as packed B panels over the padded-width pixels: element {@code (co, p')} at
     * {@code pb[(p' / NR) * Cout * NR + co * NR + p' % NR]}, zero in the padding columns and past {@code P'}.
     */
    private static void packGradient(ConvGeometry g, float[] dy, int n, float[] pb, int span) {
        int cout = g.outChannels();
        int oh = g.outH();
        int ow = g.outW();
        int wp = span / oh;
        int pixels = oh * ow;
        int panels = (span + NR - 1) / NR;
        Arrays.fill(pb, 0, panels * cout * NR, 0f);
        for (int co = 0; co < cout; co++) {
            int src = (n * cout + co) * pixels;
            for (int oy = 0; oy < oh; oy++, src += ow) {
                // Output row oy occupies p' = oy * wp .. + ow: split where it crosses panel boundaries.
                int p = oy * wp;
                int done = 0;
                while (done < ow) {
                    int inPanel = p % NR;
                    int run = Math.min(ow - done, NR - inPanel);
                    Im2col.copy(dy, src + done, pb, (p / NR) * cout * NR + co * NR + inPanel, run);
                    done += run;
                    p += run;
                }
            }
        }
    }

    /** Channels {@code [c0, c1)} of {@code dx[image]} from the interior of the padded gradient. */
    private static void crop(ConvGeometry g, float[] acc, int plane, float[] dx, int image, int c0, int c1) {
        int h = g.inH();
        int w = g.inW();
        int pad = g.padding();
        int wp = w + 2 * pad;
        for (int c = c0; c < c1; c++) {
            int dst = ((image * g.inChannels()) + c) * h * w;
            int src = (c - c0) * plane + pad * wp + pad;
            for (int y = 0; y < h; y++) {
                Im2col.copy(acc, src + y * wp, dx, dst + y * w, w);
            }
        }
    }

    /** Chunks each image is cut into so that at least {@code threads} tasks exist when the batch is small. */
    private static int chunksPerImage(WorkerPool pool, int batch, int units) {
        int threads = pool.effectiveThreads();
        if (batch >= threads) {
            return 1;
        }
        return Math.max(1, Math.min(units, (threads + batch - 1) / batch));
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
