package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.PoolingReference;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Pooling and the residual add around {@code PoolingReference}: one work item per output (forward) or per input
 * element (backward, a gather: no two items write one element). Shapes travel in {@code dims}
 * ({@link #PLANES}, {@link #H}, ...).
 */
public final class PoolingKernels {
    public static final int PLANES = 0;
    public static final int H = 1;
    public static final int W = 2;
    public static final int KERNEL = 3;
    public static final int STRIDE = 4;
    public static final int PADDING = 5;
    public static final int OUT_H = 6;
    public static final int OUT_W = 7;
    public static final int DIMS = 8;

    private PoolingKernels() {
    }

    public static void maxPoolForward(float[] x, float[] y, int[] argmax, int[] dims) {
        int h = dims[H];
        int w = dims[W];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        int total = dims[PLANES] * oh * ow;
        for (@Parallel int o = 0; o < total; o++) {
            int p = o / (oh * ow);
            int r = o - p * oh * ow;
            int oy = r / ow;
            int best = PoolingReference.maxPoolArgmax(x, p * h * w, h, w, dims[KERNEL], dims[STRIDE], dims[PADDING],
                    oy, r - oy * ow);
            y[o] = x[best];
            argmax[o] = best;
        }
    }

    public static void maxPoolBackward(float[] dy, int[] argmax, float[] dx, int[] dims) {
        int h = dims[H];
        int w = dims[W];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        int total = dims[PLANES] * h * w;
        for (@Parallel int i = 0; i < total; i++) {
            int p = i / (h * w);
            int r = i - p * h * w;
            int iy = r / w;
            dx[i] = PoolingReference.maxPoolGradAt(dy, argmax, p * oh * ow, oh, ow, dims[KERNEL], dims[STRIDE],
                    dims[PADDING], i, iy, r - iy * w);
        }
    }

    public static void avgPoolForward(float[] x, float[] y, int[] dims) {
        int h = dims[H];
        int w = dims[W];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        int total = dims[PLANES] * oh * ow;
        for (@Parallel int o = 0; o < total; o++) {
            int p = o / (oh * ow);
            int r = o - p * oh * ow;
            int oy = r / ow;
            y[o] = PoolingReference.avgPoolAt(x, p * h * w, w, dims[KERNEL], dims[STRIDE], oy, r - oy * ow);
        }
    }

    public static void avgPoolBackward(float[] dy, float[] dx, int[] dims) {
        int h = dims[H];
        int w = dims[W];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        int total = dims[PLANES] * h * w;
        for (@Parallel int i = 0; i < total; i++) {
            int p = i / (h * w);
            int r = i - p * h * w;
            int iy = r / w;
            dx[i] = PoolingReference.avgPoolGradAt(dy, p * oh * ow, oh, ow, dims[KERNEL], dims[STRIDE], iy, r - iy * w);
        }
    }

    /** {@code y[p]} = mean of plane {@code p}; {@code dims[H]} holds the plane size. */
    public static void globalAvgPool(float[] x, float[] y, int[] dims) {
        int hw = dims[H];
        int planes = dims[PLANES];
        for (@Parallel int p = 0; p < planes; p++) {
            y[p] = PoolingReference.globalAvgAt(x, p * hw, hw);
        }
    }

    /** {@code dx[i] = dy[plane of i] / hw}; {@code dims[H]} holds the plane size. */
    public static void globalAvgPoolBackward(float[] dy, float[] dx, int[] dims) {
        int hw = dims[H];
        int total = dims[PLANES] * hw;
        for (@Parallel int i = 0; i < total; i++) {
            dx[i] = PoolingReference.globalAvgGradAt(dy[i / hw], hw);
        }
    }

    /** {@code z = x + y}; {@code length[0]} elements. */
    public static void add(float[] x, float[] y, float[] z, int[] length) {
        int len = length[0];
        for (@Parallel int i = 0; i < len; i++) {
            z[i] = x[i] + y[i];
        }
    }
}
