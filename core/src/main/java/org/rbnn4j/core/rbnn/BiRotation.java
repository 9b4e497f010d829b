package org.rbnn4j.core.rbnn;

import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The paper's bi-rotation: each filter viewed as {@code X_j} ({@code a x b}) is rotated to {@code R1^T X_j R2},
 * which equals the full rotation by the Kronecker product {@code R1 (x) R2} of the flattened filter with only
 * {@code a^2 + b^2} numbers (DESIGN.md §1 steps 3-5).
 *
 * <p>One alternating step, exactly as the reference:
 * <pre>
 *   B_j = sign(R1^T X_j R2)
 *   D1  = sum_j B_j R2^T X_j^T ;  D1 = U1 S1 V1^T ;  R1 = V1 U1^T
 *   D2  = sum_j X_j^T R1 B_j   ;  D2 = U2 S2 V2^T ;  R2 = U2 V2^T
 * </pre>
 * The batched small products are operations of the current {@link ComputeBackend} ({@code rotationSigns},
 * {@code rotationRightCorrelation}, {@code rotateFilters}; the reference is {@link RotationKernels}), so a device
 * backend runs them where the filters are; the two SVDs are EJML's, in double, on the host, on matrices and
 * decompositions allocated once.
 */
public final class BiRotation implements FilterRotation {
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
    private final DMatrixRMaj product1;
    private final DMatrixRMaj product2;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd1;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd2;

    /** The signs {@code B_j} of the current step, kept between its two halves. */
    private float[] signs = new float[0];

    /** Haar-random {@code R1}, {@code R2} drawn from {@code random} (first {@code R1}, then {@code R2}). */
    public BiRotation(FilterMatrixShape shape, RandomGenerator random) {
        this(shape, RandomOrthogonal.haar(shape.rows(), random), RandomOrthogonal.haar(shape.cols(), random));
    }

    /** Starts from the given orthogonal matrices (copied), {@code a x a} and {@code b x b} row-major. */
    public BiRotation(FilterMatrixShape shape, float[] r1Initial, float[] r2Initial) {
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
        this.product1 = new DMatrixRMaj(a, a);
        this.product2 = new DMatrixRMaj(b, b);
        this.svd1 = DecompositionFactory_DDRM.svd(a, a, true, true, false);
        this.svd2 = DecompositionFactory_DDRM.svd(b, b, true, true, false);
    }

    public FilterMatrixShape shape() {
        return new FilterMatrixShape(a, b);
    }

    /** The left rotation {@code R1} ({@code a x a}), live: writes change the state. */
    public Tensor r1() {
        return r1;
    }

    /** The right rotation {@code R2} ({@code b x b}), live: writes change the state. */
    public Tensor r2() {
        return r2;
    }

    @Override
    public int filterSize() {
        return a * b;
    }

    private void ensureWork(int filters) {
        int size = filters * a * b;
        if (signs.length < size) {
            signs = new float[size];
        }
    }

    @Override
    public void update(float[] w2, int filters, int steps) {
        ensureWork(filters);
        ComputeBackend backend = Backends.current();
        float[] rot1 = r1.data();
        float[] rot2 = r2.data();
        for (int step = 0; step < steps; step++) {
            // B_j = sign(R1^T X_j R2) and D1 = sum_j B_j (X_j R2)^T = U1 S1 V1^T, then R1 = V1 U1^T.
            backend.rotationSigns(w2, rot1, rot2, filters, a, b, signs, d1.data);
            procrustes(svd1, d1, u1, v1, product1, true, rot1);
            backend.markHostWritten(rot1);
            // D2 = sum_j X_j^T (R1 B_j) = U2 S2 V2^T with the new R1, then R2 = U2 V2^T.
            backend.rotationRightCorrelation(w2, rot1, signs, filters, a, b, d2.data);
            procrustes(svd2, d2, u2, v2, product2, false, rot2);
            backend.markHostWritten(rot2);
        }
    }

    /**
     * SVD {@code d = U S V^T}, then writes {@code V U^T} ({@code vTimesUt}) or {@code U V^T} into {@code out}
     * (float, row-major).
     */
    static void procrustes(SingularValueDecomposition_F64<DMatrixRMaj> svd, DMatrixRMaj d, DMatrixRMaj u,
                           DMatrixRMaj v, DMatrixRMaj product, boolean vTimesUt, float[] out) {
        if (!svd.decompose(d)) {
            throw new IllegalStateException("SVD of the " + d.numRows + "x" + d.numCols
                    + " rotation correlation matrix failed (non-finite weights?)");
        }
        svd.getU(u, false);
        svd.getV(v, false);
        if (vTimesUt) {
            CommonOps_DDRM.multTransB(v, u, product);
        } else {
            CommonOps_DDRM.multTransB(u, v, product);
        }
        double[] src = product.data;
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) src[i];
        }
    }

    @Override
    public void rotate(float[] w2, int filters, float[] out) {
        Backends.current().rotateFilters(w2, r1.data(), r2.data(), filters, a, b, out);
    }

    @Override
    public double objective(float[] w2, int filters) {
        float[] rotated = new float[filters * a * b];
        rotate(w2, filters, rotated);
        Backends.current().syncToHost(rotated);
        return RotationKernels.absSum(rotated, 0, rotated.length);
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        visitor.accept(prefix + "R1", r1);
        visitor.accept(prefix + "R2", r2);
    }

    @Override
    public float[] toFullMatrix() {
        // (R1 (x) R2)[(q, r), (p, c)] = R1[q, p] * R2[r, c]: vec(R1^T X R2) = (R1 (x) R2)^T vec(X), row-major vec.
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
