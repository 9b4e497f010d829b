package org.rbnn4j.core.rbnn;

/**
 * The arithmetic of the rotations of DESIGN.md §1 steps 3-5, as static allocation-free functions over primitive
 * arrays: one output element per call ({@code ...At}), in the style of {@code ConvReference}, so that a device
 * backend can wrap the same bodies in parallel loops. Filters are stored one after another, filter {@code j}
 * at offset {@code j * a * b}, each an {@code a x b} row-major matrix {@code X_j}; {@code R1} is {@code a x a},
 * {@code R2} is {@code b x b}, the full rotation {@code R} is {@code n x n}, all row-major.
 *
 * <p>Products of a few dozen terms are summed in float (as the reference's float32 matmuls); the correlation
 * matrices {@code D1}, {@code D2}, {@code M} that feed the SVDs sum over every filter and are summed in double.
 */
public final class RotationKernels {
    private RotationKernels() {
    }

    /** {@code (X R2)[p, c]} for the {@code a x b} matrix {@code X} at {@code xOff}. */
    public static float rightMultiplyAt(float[] x, int xOff, float[] r2, int b, int p, int c) {
        int row = xOff + p * b;
        float sum = 0f;
        for (int q = 0; q < b; q++) {
            sum += x[row + q] * r2[q * b + c];
        }
        return sum;
    }

    /** {@code (R1^T Y)[p, c]} for the {@code a x b} matrix {@code Y} at {@code yOff}. */
    public static float transposedLeftMultiplyAt(float[] r1, int a, float[] y, int yOff, int b, int p, int c) {
        float sum = 0f;
        for (int q = 0; q < a; q++) {
            sum += r1[q * a + p] * y[yOff + q * b + c];
        }
        return sum;
    }

    /** {@code (R1 M)[p, c]} for the {@code a x b} matrix {@code M} at {@code mOff}. */
    public static float leftMultiplyAt(float[] r1, int a, float[] m, int mOff, int b, int p, int c) {
        float sum = 0f;
        int row = p * a;
        for (int q = 0; q < a; q++) {
            sum += r1[row + q] * m[mOff + q * b + c];
        }
        return sum;
    }

    /**
     * One filter's rotation {@code out = R1^T X R2} (DESIGN.md §1 step 5), through {@code tmp = X R2}; {@code tmp}
     * and {@code out} hold {@code a*b} values from their offsets and must not overlap {@code x} or each other.
     */
    public static void rotateFilter(float[] r1, float[] r2, int a, int b, float[] x, int xOff,
                                    float[] tmp, int tmpOff, float[] out, int outOff) {
        for (int p = 0; p < a; p++) {
            for (int c = 0; c < b; c++) {
                tmp[tmpOff + p * b + c] = rightMultiplyAt(x, xOff, r2, b, p, c);
            }
        }
        for (int p = 0; p < a; p++) {
            for (int c = 0; c < b; c++) {
                out[outOff + p * b + c] = transposedLeftMultiplyAt(r1, a, tmp, tmpOff, b, p, c);
            }
        }
    }

    /**
     * {@code D1[p, q] = sum_j (B_j Y_j^T)[p, q] = sum_j sum_c B_j[p, c] Y_j[q, c]} with {@code Y_j = X_j R2}:
     * the matrix {@code sum_j B_j R2^T X_j^T} whose SVD gives the new {@code R1}.
     */
    public static double leftCorrelationAt(float[] signs, float[] y, int filters, int a, int b, int p, int q) {
        int n = a * b;
        double sum = 0;
        for (int j = 0; j < filters; j++) {
            int bRow = j * n + p * b;
            int yRow = j * n + q * b;
            float partial = 0f;
            for (int c = 0; c < b; c++) {
                partial += signs[bRow + c] * y[yRow + c];
            }
            sum += partial;
        }
        return sum;
    }

    /**
     * {@code D2[p, q] = sum_j (X_j^T Z_j)[p, q] = sum_j sum_r X_j[r, p] Z_j[r, q]} with {@code Z_j = R1 B_j}:
     * the matrix {@code sum_j X_j^T R1 B_j} whose SVD gives the new {@code R2}.
     */
    public static double rightCorrelationAt(float[] x, float[] z, int filters, int a, int b, int p, int q) {
        int n = a * b;
        double sum = 0;
        for (int j = 0; j < filters; j++) {
            int base = j * n;
            float partial = 0f;
            for (int r = 0; r < a; r++) {
                partial += x[base + r * b + p] * z[base + r * b + q];
            }
            sum += partial;
        }
        return sum;
    }

    /** {@code (R^T w)[p]} for the full {@code n x n} rotation {@code R} and the filter {@code w} at {@code wOff}. */
    public static float fullRotateAt(float[] r, int n, float[] w, int wOff, int p) {
        float sum = 0f;
        for (int q = 0; q < n; q++) {
            sum += r[q * n + p] * w[wOff + q];
        }
        return sum;
    }

    /** {@code M[p, q] = sum_j w_j[p] B_j[q]}: the matrix whose SVD {@code U S V^T} gives the full rotation {@code U V^T}. */
    public static double fullCorrelationAt(float[] w, float[] signs, int filters, int n, int p, int q) {
        double sum = 0;
        for (int j = 0; j < filters; j++) {
            sum += w[j * n + p] * signs[j * n + q];
        }
        return sum;
    }

    /** {@code sum |v_i|} over {@code length} values: {@code tr(B^T v)} with {@code B = sign(v)}. */
    public static double absSum(float[] v, int off, int length) {
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += Math.abs(v[off + i]);
        }
        return sum;
    }
}
