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
 *
 * <p>The {@code ...At} functions define each element; the row-oriented drivers below them ({@link #rightMultiply},
 * {@link #transposedLeftMultiply}, ...) compute whole matrices with unit-stride inner loops that the JIT
 * vectorises, adding the same terms in the same order, so they agree with the definitions bit for bit (tested).
 */
public final class RotationKernels {
    private RotationKernels() {
    }

    /** {@code (X R2)[p, c]} for the {@code a x b} matrix {@code X} at {@code xOff}. */
    public static float rightMultiplyAt(float[] x, int xOff, float[] r2, int b, int p, int c) {
        return rightMultiplyAt(x, xOff, r2, 0, b, p, c);
    }

    /** {@link #rightMultiplyAt(float[], int, float[], int, int, int)} with {@code R2} starting at {@code r2Off}. */
    public static float rightMultiplyAt(float[] x, int xOff, float[] r2, int r2Off, int b, int p, int c) {
        int row = xOff + p * b;
        float sum = 0f;
        for (int q = 0; q < b; q++) {
            sum += x[row + q] * r2[r2Off + q * b + c];
        }
        return sum;
    }

    /** {@code (R1^T Y)[p, c]} for the {@code a x b} matrix {@code Y} at {@code yOff}. */
    public static float transposedLeftMultiplyAt(float[] r1, int a, float[] y, int yOff, int b, int p, int c) {
        return transposedLeftMultiplyAt(r1, 0, a, y, yOff, b, p, c);
    }

    /** {@link #transposedLeftMultiplyAt(float[], int, float[], int, int, int, int)} with {@code R1} at {@code r1Off}. */
    public static float transposedLeftMultiplyAt(float[] r1, int r1Off, int a, float[] y, int yOff, int b, int p,
                                                 int c) {
        float sum = 0f;
        for (int q = 0; q < a; q++) {
            sum += r1[r1Off + q * a + p] * y[yOff + q * b + c];
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
        rightMultiply(x, xOff, r2, a, b, tmp, tmpOff);
        transposedLeftMultiply(r1, a, tmp, tmpOff, b, out, outOff);
    }

    /** {@code out = X R2} for the {@code a x b} matrix {@code X} at {@code xOff}; equals {@link #rightMultiplyAt}. */
    public static void rightMultiply(float[] x, int xOff, float[] r2, int a, int b, float[] out, int outOff) {
        for (int p = 0; p < a; p++) {
            int row = outOff + p * b;
            for (int c = 0; c < b; c++) {
                out[row + c] = 0f;
            }
            for (int q = 0; q < b; q++) {
                float xv = x[xOff + p * b + q];
                int r2Row = q * b;
                for (int c = 0; c < b; c++) {
                    out[row + c] += xv * r2[r2Row + c];
                }
            }
        }
    }

    /** {@code out = R1^T Y} for the {@code a x b} matrix {@code Y} at {@code yOff}; equals {@link #transposedLeftMultiplyAt}. */
    public static void transposedLeftMultiply(float[] r1, int a, float[] y, int yOff, int b, float[] out, int outOff) {
        for (int i = 0; i < a * b; i++) {
            out[outOff + i] = 0f;
        }
        for (int q = 0; q < a; q++) {
            int yRow = yOff + q * b;
            for (int p = 0; p < a; p++) {
                float rv = r1[q * a + p];
                int row = outOff + p * b;
                for (int c = 0; c < b; c++) {
                    out[row + c] += rv * y[yRow + c];
                }
            }
        }
    }

    /** {@code out = R1 M} for the {@code a x b} matrix {@code M} at {@code mOff}; equals {@link #leftMultiplyAt}. */
    public static void leftMultiply(float[] r1, int a, float[] m, int mOff, int b, float[] out, int outOff) {
        for (int p = 0; p < a; p++) {
            int row = outOff + p * b;
            for (int c = 0; c < b; c++) {
                out[row + c] = 0f;
            }
            for (int q = 0; q < a; q++) {
                float rv = r1[p * a + q];
                int mRow = mOff + q * b;
                for (int c = 0; c < b; c++) {
                    out[row + c] += rv * m[mRow + c];
                }
            }
        }
    }

    /**
     * The first half of an alternating bi-rotation step over {@code filters} matrices {@code X_j} ({@code a x b},
     * consecutive in {@code x}): {@code B_j = sign(R1^T X_j R2)} into {@code signs} and
     * {@code D1 = sum_j B_j (X_j R2)^T} ({@code a x a}) into {@code d1}. {@code projected} is a scratch of
     * {@code filters * a * b} floats (it ends holding {@code X_j R2}).
     */
    public static void signsAndLeftCorrelation(float[] x, float[] r1, float[] r2, int filters, int a, int b,
                                               float[] projected, float[] signs, double[] d1) {
        rotateFilters(x, r1, r2, filters, a, b, projected, signs);
        SignKernels.sign(signs, 0, signs, 0, filters * a * b);
        leftCorrelation(signs, projected, filters, a, b, d1);
    }

    /**
     * The second half of an alternating step, with the new {@code R1}: {@code D2 = sum_j X_j^T (R1 B_j)}
     * ({@code b x b}) into {@code d2}. Scratch: {@code projected} ({@code filters * a * b} floats, ends holding
     * {@code R1 B_j}) and {@code partial} ({@code b * b}).
     */
    public static void rightCorrelationOfSigns(float[] x, float[] r1, float[] signs, int filters, int a, int b,
                                               float[] projected, float[] partial, double[] d2) {
        int n = a * b;
        for (int j = 0; j < filters; j++) {
            int off = j * n;
            leftMultiply(r1, a, signs, off, b, projected, off);
        }
        rightCorrelation(x, projected, filters, a, b, partial, d2);
    }

    /** {@code out_j = R1^T X_j R2} for every filter; {@code projected} is a scratch of {@code filters * a * b} floats. */
    public static void rotateFilters(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] projected,
                                     float[] out) {
        int n = a * b;
        for (int j = 0; j < filters; j++) {
            rotateFilter(r1, r2, a, b, x, j * n, projected, j * n, out, j * n);
        }
    }

    /** The whole {@code a x a} matrix of {@link #leftCorrelationAt} into {@code d1} (row-major, overwritten). */
    public static void leftCorrelation(float[] signs, float[] y, int filters, int a, int b, double[] d1) {
        int n = a * b;
        for (int i = 0; i < a * a; i++) {
            d1[i] = 0;
        }
        for (int j = 0; j < filters; j++) {
            for (int p = 0; p < a; p++) {
                int bRow = j * n + p * b;
                for (int q = 0; q < a; q++) {
                    int yRow = j * n + q * b;
                    float partial = 0f;
                    for (int c = 0; c < b; c++) {
                        partial += signs[bRow + c] * y[yRow + c];
                    }
                    d1[p * a + q] += partial;
                }
            }
        }
    }

    /**
     * The whole {@code b x b} matrix of {@link #rightCorrelationAt} into {@code d2} (overwritten), with
     * {@code partial} a scratch of {@code b*b} floats for one filter's {@code X_j^T Z_j}.
     */
    public static void rightCorrelation(float[] x, float[] z, int filters, int a, int b, float[] partial, double[] d2) {
        int n = a * b;
        for (int i = 0; i < b * b; i++) {
            d2[i] = 0;
        }
        for (int j = 0; j < filters; j++) {
            int base = j * n;
            for (int i = 0; i < b * b; i++) {
                partial[i] = 0f;
            }
            for (int r = 0; r < a; r++) {
                int row = base + r * b;
                for (int p = 0; p < b; p++) {
                    float xv = x[row + p];
                    int out = p * b;
                    for (int q = 0; q < b; q++) {
                        partial[out + q] += xv * z[row + q];
                    }
                }
            }
            for (int i = 0; i < b * b; i++) {
                d2[i] += partial[i];
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

    /** {@code out = R^T w} for the filter {@code w} at {@code wOff}; equals {@link #fullRotateAt}. */
    public static void fullRotate(float[] r, int n, float[] w, int wOff, float[] out, int outOff) {
        for (int p = 0; p < n; p++) {
            out[outOff + p] = 0f;
        }
        for (int q = 0; q < n; q++) {
            float wv = w[wOff + q];
            int row = q * n;
            for (int p = 0; p < n; p++) {
                out[outOff + p] += r[row + p] * wv;
            }
        }
    }

    /** The whole {@code n x n} matrix of {@link #fullCorrelationAt} into {@code m} (overwritten). */
    public static void fullCorrelation(float[] w, float[] signs, int filters, int n, double[] m) {
        for (int i = 0; i < n * n; i++) {
            m[i] = 0;
        }
        for (int j = 0; j < filters; j++) {
            int base = j * n;
            for (int p = 0; p < n; p++) {
                float wv = w[base + p];
                int row = p * n;
                for (int q = 0; q < n; q++) {
                    m[row + q] += wv * signs[base + q];
                }
            }
        }
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
