package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.rbnn.RotationKernels;
import org.rbnn4j.core.rbnn.SignKernels;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The batched small products of the bi-rotation (DESIGN.md §1 steps 4-5) around {@code RotationKernels}' per-element
 * definitions. Filters are stored one after another, filter {@code j} an {@code a x b} row-major matrix {@code X_j}
 * at offset {@code j*a*b}; {@code dims = {filters, a, b}}. Element {@code idx} of a per-filter result is
 * {@code (j, p, c)} with {@code idx = (j*a + p)*b + c}.
 */
public final class RotationDeviceKernels {
    public static final int FILTERS = 0;
    public static final int ROWS = 1;
    public static final int COLS = 2;
    /**
     * Where the multiplied filters ({@code X} of {@link #rightMultiply}, {@code y} of {@link #transposedLeftMultiply}),
     * the rotation matrix ({@code R2}, {@code R1}) and the product start in their arrays: 0 for the staged operations,
     * regions of one device arena for the resident backend.
     */
    public static final int X_OFFSET = 3;
    public static final int R_OFFSET = 4;
    public static final int OUT_OFFSET = 5;
    /** Length of the {@code dims} array. */
    public static final int DIMS = 6;

    private RotationDeviceKernels() {
    }

    /** {@code y_j = X_j R2} for every filter; grid {@code filters*a*b}. */
    public static void rightMultiply(float[] x, float[] r2, float[] y, int[] dims) {
        int a = dims[ROWS];
        int b = dims[COLS];
        int n = a * b;
        int total = dims[FILTERS] * n;
        int xOff = dims[X_OFFSET];
        int rOff = dims[R_OFFSET];
        int yOff = dims[OUT_OFFSET];
        for (@Parallel int idx = 0; idx < total; idx++) {
            int j = idx / n;
            int r = idx % n;
            y[yOff + idx] = RotationKernels.rightMultiplyAt(x, xOff + j * n, r2, rOff, b, r / b, r % b);
        }
    }

    /** {@code out_j = R1^T y_j} for every filter; grid {@code filters*a*b}. */
    public static void transposedLeftMultiply(float[] r1, float[] y, float[] out, int[] dims) {
        int a = dims[ROWS];
        int b = dims[COLS];
        int n = a * b;
        int total = dims[FILTERS] * n;
        int yOff = dims[X_OFFSET];
        int rOff = dims[R_OFFSET];
        int outOff = dims[OUT_OFFSET];
        for (@Parallel int idx = 0; idx < total; idx++) {
            int j = idx / n;
            int r = idx % n;
            out[outOff + idx] = RotationKernels.transposedLeftMultiplyAt(r1, rOff, a, y, yOff + j * n, b, r / b, r % b);
        }
    }

    /** {@code B_j = sign(R1^T y_j)} for every filter; grid {@code filters*a*b}. */
    public static void rotatedSigns(float[] r1, float[] y, float[] signs, int[] dims) {
        int a = dims[ROWS];
        int b = dims[COLS];
        int n = a * b;
        int total = dims[FILTERS] * n;
        for (@Parallel int idx = 0; idx < total; idx++) {
            int j = idx / n;
            int r = idx % n;
            signs[idx] = SignKernels.sign(RotationKernels.transposedLeftMultiplyAt(r1, a, y, j * n, b, r / b, r % b));
        }
    }

    /** {@code z_j = R1 B_j} for every filter; grid {@code filters*a*b}. */
    public static void leftMultiply(float[] r1, float[] signs, float[] z, int[] dims) {
        int a = dims[ROWS];
        int b = dims[COLS];
        int n = a * b;
        int total = dims[FILTERS] * n;
        for (@Parallel int idx = 0; idx < total; idx++) {
            int j = idx / n;
            int r = idx % n;
            z[idx] = RotationKernels.leftMultiplyAt(r1, a, signs, j * n, b, r / b, r % b);
        }
    }

    /** {@code D1[p, q] = sum_j (B_j y_j^T)[p, q]} ({@code a x a}, double); grid {@code a*a}. */
    public static void leftCorrelation(float[] signs, float[] y, double[] d1, int[] dims) {
        int filters = dims[FILTERS];
        int a = dims[ROWS];
        int b = dims[COLS];
        int total = a * a;
        for (@Parallel int idx = 0; idx < total; idx++) {
            d1[idx] = RotationKernels.leftCorrelationAt(signs, y, filters, a, b, idx / a, idx % a);
        }
    }

    /** {@code D2[p, q] = sum_j (X_j^T z_j)[p, q]} ({@code b x b}, double); grid {@code b*b}. */
    public static void rightCorrelation(float[] x, float[] z, double[] d2, int[] dims) {
        int filters = dims[FILTERS];
        int a = dims[ROWS];
        int b = dims[COLS];
        int total = b * b;
        for (@Parallel int idx = 0; idx < total; idx++) {
            d2[idx] = RotationKernels.rightCorrelationAt(x, z, filters, a, b, idx / b, idx % b);
        }
    }
}
