package org.rbnn4j.core.nn;

import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Mean over the spatial positions of each channel: {@code [N, C, H, W] -> [N, C]}. This is the reference
 * ResNet's {@code F.avg_pool2d(out, out.size()[3])} followed by {@code view(N, -1)} for square maps.
 */
public final class GlobalAvgPool implements Layer {
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Shapes.requireImages(x, -1, toString());
        int planes = x.dim(0) * x.dim(1);
        int hw = x.dim(2) * x.dim(3);
        Tensor y = output.get(x.dim(0), x.dim(1));
        Backends.current().globalAvgPoolForward(x.data(), planes, hw, y.data());
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        int planes = input.dim(0) * input.dim(1);
        int hw = input.dim(2) * input.dim(3);
        Tensor dx = inputGrad.get(input.shape());
        Backends.current().globalAvgPoolBackward(gradOutput.data(), planes, hw, dx.data());
        return dx;
    }

    @Override
    public String toString() {
        return "GlobalAvgPool";
    }
}
