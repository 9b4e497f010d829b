package org.rbnn4j.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;

/**
 * The three convolution passes as implicit GEMMs tiled through local memory ({@link KernelContext}): a work group of
 * {@link #TILE} x {@link #TILE} work items computes a {@code TILE x TILE} block of the result; per step of the
 * reduction it loads one tile of each operand into local memory (each work item one element of each, gathered on the
 * fly from the NCHW tensors, so no im2col buffer exists), synchronises, and accumulates {@code TILE} products from
 * local memory. Each element of a tile is read from global memory once per work group instead of once per work item,
 * which is what makes a GPU convolution compute-bound instead of bandwidth-bound.
 *
 * <p>Exactness: every work item keeps one running sum over the reduction index in ascending order, which is the
 * nesting order of {@code ConvReference.forwardAt} ({@code ci, ky, kx}), {@code backwardDataAt} ({@code co, ky, kx})
 * and {@code ConvKernels.backwardWeightsPerSample} ({@code oy, ox}); taps the reference skips contribute an exact
 * {@code +-0}, and the last tile stops at the reduction's end. So on a device that does not fuse multiply-adds the
 * results equal the reference bit for bit (tested against it on PoCL).
 *
 * <p>Grids (dimension 0 runs along the contiguous output index, so that neighbouring work items write neighbouring
 * addresses): {@link #forward} {@code roundUp(batch*oh*ow) x roundUp(Cout)}; {@link #backwardData}
 * {@code roundUp(batch*h*w) x roundUp(Cin)}; {@link #backwardWeightsPerSample}
 * {@code roundUp(Cin*kh*kw) x (roundUp(Cout) * batch)}; {@code roundUp} to a multiple of {@link #TILE}, local work
 * {@code TILE x TILE}. Shapes travel in {@code dims} as for {@link ConvKernels}.
 */
public final class TiledConvKernels {
    /** Tile edge: 16 x 16 = 256 work items per group, two tiles of 1 KiB each in local memory. */
    public static final int TILE = 16;

    private TiledConvKernels() {
    }

    /** {@code x} rounded up to a multiple of {@link #TILE}. */
    public static long roundUp(long x) {
        return (x + TILE - 1) / TILE * TILE;
    }

    /**
     * {@code im2col(x)[n, k, oy, ox]}: the input value that tap {@code k = (ci, ky, kx)} of output pixel
     * {@code (oy, ox)} reads, or {@code padValue} outside the image (the operand gathered by {@link #forward} and
     * {@link #backwardWeightsPerSample}); {@code x} starts at {@code xOff}.
     */
    static float inputTap(float[] x, int xOff, int cin, int h, int wd, int kh, int kw, int stride, int pad,
                          float padValue, int n, int k, int oy, int ox) {
        int khw = kh * kw;
        int ci = k / khw;
        int r = k - ci * khw;
        int ky = r / kw;
        int kx = r - ky * kw;
        int iy = oy * stride - pad + ky;
        int ix = ox * stride - pad + kx;
        return (iy >= 0 && iy < h && ix >= 0 && ix < wd) ? x[xOff + ((n * cin + ci) * h + iy) * wd + ix] : padValue;
    }

    /**
     * {@code y[n, co, oy, ox] = sum_k w[co, k] * im2col(x)[n, k, oy, ox]}, {@code k = (ci, ky, kx)}: rows {@code co},
     * columns the output pixels {@code (n, oy, ox)}.
     */
    public static void forward(KernelContext ctx, float[] x, float[] w, float[] y, int[] dims, float[] padValue) {
        int batch = dims[ConvKernels.BATCH];
        int cin = dims[ConvKernels.IN_CHANNELS];
        int h = dims[ConvKernels.IN_H];
        int wd = dims[ConvKernels.IN_W];
        int cout = dims[ConvKernels.OUT_CHANNELS];
        int kh = dims[ConvKernels.KERNEL_H];
        int kw = dims[ConvKernels.KERNEL_W];
        int stride = dims[ConvKernels.STRIDE];
        int pad = dims[ConvKernels.PADDING];
        int oh = dims[ConvKernels.OUT_H];
        int ow = dims[ConvKernels.OUT_W];
        float pv = padValue[0];
        int xOff = dims[ConvKernels.X_OFFSET];
        int wOff = dims[ConvKernels.W_OFFSET];
        int yOff = dims[ConvKernels.Y_OFFSET];
        int khw = kh * kw;
        int reduction = cin * khw;
        int ohw = oh * ow;
        int pixels = batch * ohw;

        int lc = ctx.localIdx;
        int lr = ctx.localIdy;
        int col = ctx.groupIdx * TILE + lc;
        int row = ctx.groupIdy * TILE + lr;
        float[] wTile = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] xTile = ctx.allocateFloatLocalArray(TILE * TILE);

        int n = col / ohw;
        int p = col - n * ohw;
        int oy = p / ow;
        int ox = p - oy * ow;
        float sum = 0f;
        int tiles = (reduction + TILE - 1) / TILE;
        for (int t = 0; t < tiles; t++) {
            int k0 = t * TILE;
            int kw0 = k0 + lc;
            wTile[lr * TILE + lc] = (row < cout && kw0 < reduction) ? w[wOff + row * reduction + kw0] : 0f;
            int k = k0 + lr;
            xTile[lr * TILE + lc] = (k < reduction && col < pixels)
                    ? inputTap(x, xOff, cin, h, wd, kh, kw, stride, pad, pv, n, k, oy, ox) : 0f;
            ctx.localBarrier();
            int steps = reduction - k0 < TILE ? reduction - k0 : TILE;
            for (int kk = 0; kk < steps; kk++) {
                sum += xTile[kk * TILE + lc] * wTile[lr * TILE + kk];
            }
            ctx.localBarrier();
        }
        if (row < cout && col < pixels) {
            y[yOff + (n * cout + row) * ohw + p] = sum;
        }
    }

    /**
     * {@code dx[n, ci, iy, ix] = sum_k dy[n, co, oy, ox] * w[co, ci, ky, kx]}, {@code k = (co, ky, kx)} over the taps
     * with {@code oy * stride = iy + pad - ky} (and likewise for {@code x}) inside the output: rows {@code ci}, columns
     * the input pixels {@code (n, iy, ix)}.
     */
    public static void backwardData(KernelContext ctx, float[] dy, float[] w, float[] dx, int[] dims) {
        int batch = dims[ConvKernels.BATCH];
        int cin = dims[ConvKernels.IN_CHANNELS];
        int h = dims[ConvKernels.IN_H];
        int wd = dims[ConvKernels.IN_W];
        int cout = dims[ConvKernels.OUT_CHANNELS];
        int kh = dims[ConvKernels.KERNEL_H];
        int kw = dims[ConvKernels.KERNEL_W];
        int stride = dims[ConvKernels.STRIDE];
        int pad = dims[ConvKernels.PADDING];
        int oh = dims[ConvKernels.OUT_H];
        int ow = dims[ConvKernels.OUT_W];
        int khw = kh * kw;
        int reduction = cout * khw;
        int hw = h * wd;
        int pixels = batch * hw;
        int dyOff = dims[ConvKernels.X_OFFSET];
        int wOff = dims[ConvKernels.W_OFFSET];
        int dxOff = dims[ConvKernels.Y_OFFSET];

        int lc = ctx.localIdx;
        int lr = ctx.localIdy;
        int col = ctx.groupIdx * TILE + lc;
        int row = ctx.groupIdy * TILE + lr;
        float[] wTile = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] dyTile = ctx.allocateFloatLocalArray(TILE * TILE);

        int n = col / hw;
        int p = col - n * hw;
        int iy = p / wd;
        int ix = p - iy * wd;
        float sum = 0f;
        int tiles = (reduction + TILE - 1) / TILE;
        for (int t = 0; t < tiles; t++) {
            int k0 = t * TILE;
            // w tile: row ci, column k = (co, ky, kx) -> w[((co * cin + ci) * kh + ky) * kw + kx]
            int kA = k0 + lc;
            float wv = 0f;
            if (row < cin && kA < reduction) {
                int co = kA / khw;
                int r = kA - co * khw;
                wv = w[wOff + (co * cin + row) * khw + r];
            }
            wTile[lr * TILE + lc] = wv;
            // dy tile: row k, column (n, iy, ix) -> the output pixel that tap k of this input pixel feeds, if any
            int k = k0 + lr;
            float v = 0f;
            if (k < reduction && col < pixels) {
                int co = k / khw;
                int r = k - co * khw;
                int ky = r / kw;
                int kx = r - ky * kw;
                int ty = iy + pad - ky;
                int tx = ix + pad - kx;
                if (ty >= 0 && tx >= 0 && ty % stride == 0 && tx % stride == 0) {
                    int oy = ty / stride;
                    int ox = tx / stride;
                    if (oy < oh && ox < ow) {
                        v = dy[dyOff + ((n * cout + co) * oh + oy) * ow + ox];
                    }
                }
            }
            dyTile[lr * TILE + lc] = v;
            ctx.localBarrier();
            int steps = reduction - k0 < TILE ? reduction - k0 : TILE;
            for (int kk = 0; kk < steps; kk++) {
                sum += dyTile[kk * TILE + lc] * wTile[lr * TILE + kk];
            }
            ctx.localBarrier();
        }
        if (row < cin && col < pixels) {
            dx[dxOff + (n * cin + row) * hw + p] = sum;
        }
    }

    /**
     * The weight gradient of each sample, {@code partial[n * W + co * K + k] = sum_q dy[n, co, q] * im2col(x)[n, k, q]}
     * over the output pixels {@code q = (oy, ox)} in order ({@code W = Cout * K}, {@code K = Cin*kh*kw}): rows
     * {@code co} (of sample {@code n = groupIdy / roundUp(Cout)/TILE}), columns {@code k}. {@code ConvKernels.sumSamples}
     * then adds the samples into {@code dw}.
     */
    public static void backwardWeightsPerSample(KernelContext ctx, float[] x, float[] dy, float[] partial, int[] dims,
                                                float[] padValue) {
        int cin = dims[ConvKernels.IN_CHANNELS];
        int h = dims[ConvKernels.IN_H];
        int wd = dims[ConvKernels.IN_W];
        int cout = dims[ConvKernels.OUT_CHANNELS];
        int kh = dims[ConvKernels.KERNEL_H];
        int kw = dims[ConvKernels.KERNEL_W];
        int stride = dims[ConvKernels.STRIDE];
        int pad = dims[ConvKernels.PADDING];
        int oh = dims[ConvKernels.OUT_H];
        int ow = dims[ConvKernels.OUT_W];
        float pv = padValue[0];
        int khw = kh * kw;
        int columns = cin * khw;
        int ohw = oh * ow;
        int rowGroups = (cout + TILE - 1) / TILE;
        int xOff = dims[ConvKernels.X_OFFSET];
        int dyOff = dims[ConvKernels.Y_OFFSET];
        int partialOff = dims[ConvKernels.PARTIAL_OFFSET];

        int lc = ctx.localIdx;
        int lr = ctx.localIdy;
        int col = ctx.groupIdx * TILE + lc;
        int n = ctx.groupIdy / rowGroups;
        int row = (ctx.groupIdy - n * rowGroups) * TILE + lr;
        float[] dyTile = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] xTile = ctx.allocateFloatLocalArray(TILE * TILE);

        float sum = 0f;
        int tiles = (ohw + TILE - 1) / TILE;
        for (int t = 0; t < tiles; t++) {
            int q0 = t * TILE;
            // dy tile: row co, column q
            int qA = q0 + lc;
            dyTile[lr * TILE + lc] = (row < cout && qA < ohw) ? dy[dyOff + (n * cout + row) * ohw + qA] : 0f;
            // x tile: row q, column k = (ci, ky, kx)
            int q = q0 + lr;
            float v = 0f;
            if (q < ohw && col < columns) {
                int oy = q / ow;
                v = inputTap(x, xOff, cin, h, wd, kh, kw, stride, pad, pv, n, col, oy, q - oy * ow);
            }
            xTile[lr * TILE + lc] = v;
            ctx.localBarrier();
            int steps = ohw - q0 < TILE ? ohw - q0 : TILE;
            for (int qq = 0; qq < steps; qq++) {
                sum += xTile[qq * TILE + lc] * dyTile[lr * TILE + qq];
            }
            ctx.localBarrier();
        }
        if (row < cout && col < columns) {
            partial[partialOff + n * cout * columns + row * columns + col] = sum;
        }
    }
}
