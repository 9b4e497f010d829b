package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Batch normalisation over the features of {@code [N, C]} (or, as PyTorch, {@code [N, C, L]}) input
 * (see {@link BatchNorm}).
 */
public final class BatchNorm1d extends BatchNorm {

    /** gamma 1, beta 0, eps 1e-5, momentum 0.1: PyTorch's defaults. */
    public BatchNorm1d(int features) {
        this(features, 1.0);
    }

    public BatchNorm1d(int features, double gammaInit) {
        this(features, gammaInit, DEFAULT_EPS, DEFAULT_MOMENTUM);
    }

    public BatchNorm1d(int features, double gammaInit, double eps, double momentum) {
        super(features, gammaInit, eps, momentum);
    }

    @Override
    protected int valuesPerChannel(Tensor x) {
        boolean ok = (x.rank() == 2 || x.rank() == 3) && x.dim(1) == channels() && x.dim(0) >= 1;
        if (!ok) {
            throw new IllegalArgumentException(this + " expects an input [N, " + channels() + "] or [N, "
                    + channels() + ", L], got " + Arrays.toString(x.shape()));
        }
        return x.rank() == 3 ? x.dim(2) : 1;
    }
}
