package org.rbnn4j.tornado;

import java.util.function.BiConsumer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.rbnn4j.core.rbnn.FilterMatrixShape;
import org.rbnn4j.core.rbnn.FilterRotation;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The bi-rotation of {@code org.rbnn4j.core.rbnn.BiRotation} with its batched products on a TornadoVM device: per
 * alternating step, {@code B_j = sign(R1^T X_j R2)} for all filters and {@code D1 = sum_j B_j R2^T X_j^T} run on the
 * device, the {@code a x a} SVD and {@code R1 = V1 U1^T} on the host (EJML), then {@code D2 = sum_j X_j^T R1 B_j} on
 * the device and the {@code b x b} SVD on the host. The device kernels wrap the per-element definitions of
 * {@code RotationKernels}, so (with fused multiply-adds off) the result equals {@code BiRotation}'s bit for bit.
 *
 * <p>The Procrustes products {@code V U^T} are written out instead of calling EJML's {@code multTransB}, whose return
 * type changed between EJML 0.38 (which TornadoVM's SDK ships) and 0.46, so this class links against either.
 *
 * <p>Not wired into {@code BinaryConv2d} (which builds its rotation itself, and {@code core} must not depend on this
 * module); a layer would use it through a rotation factory in {@code core}.
 */
public final class DeviceBiRotation implements FilterRotation {
    private final TornadoBackend device;
    private final int a;
    private final int b;
    private final Tensor r1;
    private final Tensor r2;
    private final DMatrixRMaj d1;
    private final DMatrixRMaj d2;
    private final DMatrixRMaj u1;
    private final DMatrixRMaj v1;
    private final DMatrixRMaj u2;
    private final DMatrixRMaj v2;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd1;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd2;
    private float[] signs = new float[0];

    /** Starts from the given orthogonal matrices (copied), {@code a x a} and {@code b x b} row-major. */
    public DeviceBiRotation(TornadoBackend device, FilterMatrixShape shape, float[] r1Initial, float[] r2Initial) {
        this.device = device;
        this.a = shape.rows();
        this.b = shape.cols();
        if (r1Initial.length != a * a || r2Initial.length != b * b) {
            throw new IllegalArgumentException("R1 must be " + a + "x" + a + " and R2 " + b + "x" + b);
        }
        this.r1 = Tensor.of(r1Initial.clone(), a, a);
        this.r2 = Tensor.of(r2Initial.clone(), b, b);
        this.d1 = new DMatrixRMaj(a, a);
        this.d2 = new DMatrixRMaj(b, b);
        this.u1 = new DMatrixRMaj(a, a);
        this.v1 = new DMatrixRMaj(a, a);
        this.u2 = new DMatrixRMaj(b, b);
        this.v2 = new DMatrixRMaj(b, b);
        this.svd1 = DecompositionFactory_DDRM.svd(a, a, true, true, false);
        this.svd2 = DecompositionFactory_DDRM.svd(b, b, true, true, false);
    }

    /** The left rotation {@code R1} ({@code a x a}), live. */
    public Tensor r1() {
        return r1;
    }

    /** The right rotation {@code R2} ({@code b x b}), live. */
    public Tensor r2() {
        return r2;
    }

    @Override
    public int filterSize() {
        return a * b;
    }

    @Override
    public void update(float[] w2, int filters, int steps) {
        int size = filters * a * b;
        if (signs.length < size) {
            signs = new float[size];
        }
        float[] rot1 = r1.data();
        float[] rot2 = r2.data();
        for (int step = 0; step < steps; step++) {
            device.rotationSigns(w2, rot1, rot2, filters, a, b, signs, d1.data);
            procrustes(svd1, d1, u1, v1, true, rot1);
            device.rotationRightCorrelation(w2, rot1, signs, filters, a, b, d2.data);
            procrustes(svd2, d2, u2, v2, false, rot2);
        }
    }

    /** SVD {@code d = U S V^T}, then {@code out = V U^T} ({@code vTimesUt}) or {@code U V^T}, rounded to float. */
    private static void procrustes(SingularValueDecomposition_F64<DMatrixRMaj> svd, DMatrixRMaj d, DMatrixRMaj u,
                                   DMatrixRMaj v, boolean vTimesUt, float[] out) {
        if (!svd.decompose(d)) {
            throw new IllegalStateException("SVD of the " + d.numRows + "x" + d.numCols
                    + " rotation correlation matrix failed (non-finite weights?)");
        }
        svd.getU(u, false);
        svd.getV(v, false);
        DMatrixRMaj left = vTimesUt ? v : u;
        DMatrixRMaj right = vTimesUt ? u : v;
        int n = d.numRows;
        double[] l = left.data;
        double[] r = right.data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += l[i * n + k] * r[j * n + k];
                }
                out[i * n + j] = (float) sum;
            }
        }
    }

    @Override
    public void rotate(float[] w2, int filters, float[] out) {
        device.rotateFilters(w2, r1.data(), r2.data(), filters, a, b, out);
    }

    @Override
    public double objective(float[] w2, int filters) {
        float[] rotated = new float[filters * a * b];
        rotate(w2, filters, rotated);
        double sum = 0;
        for (float v : rotated) {
            sum += Math.abs(v);
        }
        return sum;
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        visitor.accept(prefix + "R1", r1);
        visitor.accept(prefix + "R2", r2);
    }

    @Override
    public float[] toFullMatrix() {
        int n = a * b;
        float[] full = new float[n * n];
        float[] rot1 = r1.data();
        float[] rot2 = r2.data();
        for (int q = 0; q < a; q++) {
            for (int r = 0; r < b; r++) {
                int row = q * b + r;
                for (int p = 0; p < a; p++) {
                    for (int c = 0; c < b; c++) {
                        full[row * n + p * b + c] = rot1[q * a + p] * rot2[r * b + c];
                    }
                }
            }
        }
        return full;
    }
}
