package org.rbnn4j.core.nn;

import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.tensor.Tensor;

/**
 * {@code y = clamp(x, -1, 1)}, the activation between binary convolutions. The gradient passes where
 * {@code -1 <= x <= 1} (PyTorch's convention at the boundaries). Any input shape.
 */
public final class Hardtanh implements Layer {
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Tensor y = output.get(x.shape());
        Backends.current().hardtanhForward(x.data(), y.data(), x.size());
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        Tensor dx = inputGrad.get(gradOutput.shape());
        Backends.current().hardtanhBackward(input.data(), gradOutput.data(), dx.data(), dx.size());
        return dx;
    }

    @Override
    public String toString() {
        return "Hardtanh";
    }
}
