package org.rbnn4j.core.nn;

import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.tensor.Tensor;

/** {@code y = max(x, 0)}; the gradient passes where {@code x > 0} (PyTorch's convention at 0). Any input shape. */
public final class ReLU implements Layer {
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Tensor y = output.get(x.shape());
        float[] xs = x.data();
        float[] ys = y.data();
        Backends.current().syncToHost(xs);
        for (int i = 0; i < xs.length; i++) {
            // Written so that NaN propagates, as torch.relu does.
            ys[i] = xs[i] <= 0f ? 0f : xs[i];
        }
        Backends.current().markHostWritten(ys);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        Tensor dx = inputGrad.get(gradOutput.shape());
        float[] xs = input.data();
        float[] dy = gradOutput.data();
        float[] d = dx.data();
        Backends.current().syncToHost(xs, dy);
        for (int i = 0; i < d.length; i++) {
            d[i] = xs[i] > 0f ? dy[i] : 0f;
        }
        Backends.current().markHostWritten(d);
        return dx;
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
