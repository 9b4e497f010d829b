package org.rbnn4j.core.rbnn;

import java.util.random.RandomGenerator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Haar-distributed random orthogonal matrices (what the reference gets from {@code scipy.stats.ortho_group}):
 * the {@code Q} of a QR decomposition of a standard Gaussian matrix, with each column multiplied by the sign of
 * the matching diagonal entry of {@code R} so that the distribution is uniform over the orthogonal group
 * (Mezzadri 2007), whatever sign convention the QR routine uses.
 */
public final class RandomOrthogonal {
    private RandomOrthogonal() {
    }

    /** A new {@code n x n} orthogonal matrix, row-major in float, drawn from {@code random}. */
    public static float[] haar(int n, RandomGenerator random) {
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            g.data[i] = random.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, n);
        if (!qr.decompose(g)) {
            throw new IllegalStateException("QR decomposition of a Gaussian " + n + "x" + n + " matrix failed");
        }
        DMatrixRMaj q = qr.getQ(null, false);
        DMatrixRMaj r = qr.getR(null, false);
        float[] out = new float[n * n];
        for (int col = 0; col < n; col++) {
            double s = r.get(col, col) < 0 ? -1.0 : 1.0;
            for (int row = 0; row < n; row++) {
                out[row * n + col] = (float) (q.get(row, col) * s);
            }
        }
        return out;
    }
}
