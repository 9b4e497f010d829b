package org.rbnn4j.core.nn;

import org.rbnn4j.core.tensor.Tensor;

/** A smooth activation for gradient checks of containers, where hardtanh's kinks would make differences jump. */
final class Tanh implements Layer {
    private Tensor output;

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Tensor y = Tensor.zerosLike(x);
        for (int i = 0; i < x.size(); i++) {
            y.data()[i] = (float) Math.tanh(x.data()[i]);
        }
        output = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor dx = Tensor.zerosLike(gradOutput);
        for (int i = 0; i < dx.size(); i++) {
            float y = output.data()[i];
            dx.data()[i] = gradOutput.data()[i] * (1 - y * y);
        }
        return dx;
    }
}
