package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.tensor.Tensor;

/** {@code [N, d1, d2, ...] -> [N, d1*d2*...]}, as {@code x.view(x.size(0), -1)}: a free reshape of the same data. */
public final class Flatten implements Layer {
    private int[] inputShape;
    private int[] outputShape;

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        if (x.rank() < 2 || x.dim(0) < 1) {
            throw new IllegalArgumentException("Flatten expects an input [N, ...] of rank >= 2, got " + Arrays.toString(x.shape()));
        }
        inputShape = x.shape();
        Tensor y = x.reshape(x.dim(0), x.size() / x.dim(0));
        outputShape = y.shape();
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        if (inputShape == null) {
            throw new IllegalStateException("Flatten.backward called before forward");
        }
        if (!ReusableTensor.hasShape(gradOutput, outputShape)) {
            throw new IllegalArgumentException("Flatten.backward expects a gradient of shape " + Arrays.toString(outputShape)
                    + ", got " + Arrays.toString(gradOutput.shape()));
        }
        return gradOutput.reshape(inputShape);
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
