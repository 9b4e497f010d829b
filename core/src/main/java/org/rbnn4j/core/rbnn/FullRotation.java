package org.rbnn4j.core.rbnn;

import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The full {@code n x n} rotation of the flattened filters, the ablation the bi-rotation is compared with: the
 * same alternating idea with one SVD per step,
 * <pre>
 *   B_j = sign(R^T w_j) ;  M = sum_j w_j B_j^T = U S V^T ;  R = U V^T
 * </pre>
 * which maximises {@code tr(B^T R^T w)} for fixed {@code B}. It holds {@code n^2} numbers and costs
 * {@code O(n^3)} per step (an {@code n = 576} layer needs an SVD of a 576 x 576 matrix): use it on small layers.
 */
public final class FullRotation implements FilterRotation {
    private final int n;
    private final Tensor r;
    private final DMatrixRMaj m;
    private final DMatrixRMaj u;
    private final DMatrixRMaj v;
    private final DMatrixRMaj product;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd;
    private float[] signs = new float[0];

    /** A Haar-random {@code R} drawn from {@code random}. */
    public FullRotation(int n, RandomGenerator random) {
        this(n, RandomOrthogonal.haar(n, random));
    }

    /** Starts from the given orthogonal {@code n x n} matrix (copied). */
    public FullRotation(int n, float[] initial) {
        if (initial.length != n * n) {
            throw new IllegalArgumentException("R must be " + n + "x" + n);
        }
        this.n = n;
        this.r = Tensor.of(initial.clone(), n, n);
        this.m = new DMatrixRMaj(n, n);
        this.u = new DMatrixRMaj(n, n);
        this.v = new DMatrixRMaj(n, n);
        this.product = new DMatrixRMaj(n, n);
        this.svd = DecompositionFactory_DDRM.svd(n, n, true, true, false);
    }

    /** The rotation {@code R} ({@code n x n}), live. */
    public Tensor matrix() {
        return r;
    }

    @Override
    public int filterSize() {
        return n;
    }

    @Override
    public void update(float[] w2, int filters, int steps) {
        // Host code: the filters may have been written by a device backend (the SPI's residency protocol).
        Backends.current().syncToHost(w2);
        if (signs.length < filters * n) {
            signs = new float[filters * n];
        }
        float[] rot = r.data();
        for (int step = 0; step < steps; step++) {
            for (int j = 0; j < filters; j++) {
                RotationKernels.fullRotate(rot, n, w2, j * n, signs, j * n);
            }
            SignKernels.sign(signs, 0, signs, 0, filters * n);
            RotationKernels.fullCorrelation(w2, signs, filters, n, m.data);
            BiRotation.procrustes(svd, m, u, v, product, false, rot);
        }
    }

    @Override
    public void rotate(float[] w2, int filters, float[] out) {
        ComputeBackend backend = Backends.current();
        backend.syncToHost(w2);
        float[] rot = r.data();
        for (int j = 0; j < filters; j++) {
            RotationKernels.fullRotate(rot, n, w2, j * n, out, j * n);
        }
        backend.markHostWritten(out);
    }

    @Override
    public double objective(float[] w2, int filters) {
        float[] rotated = new float[filters * n];
        rotate(w2, filters, rotated);
        return RotationKernels.absSum(rotated, 0, rotated.length);
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        visitor.accept(prefix + "R", r);
    }

    @Override
    public float[] toFullMatrix() {
        return r.data().clone();
    }
}
