package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Average pooling over {@code kernel x kernel} windows with the given stride, no padding, floor rounding
 * ({@code torch.nn.AvgPool2d(kernel, stride)}).
 */
public final class AvgPool2d implements Layer {
    private final int kernel;
    private final int stride;
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    public AvgPool2d(int kernel, int stride) {
        Shapes.requirePositive(kernel, "kernel");
        Shapes.requirePositive(stride, "stride");
        this.kernel = kernel;
        this.stride = stride;
    }

    /** Stride equal to the kernel, PyTorch's default ({@code F.avg_pool2d(x, 4)}). */
    public AvgPool2d(int kernel) {
        this(kernel, kernel);
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Shapes.requireImages(x, -1, toString());
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        if (h < kernel || w < kernel) {
            throw new IllegalArgumentException(this + " input " + Arrays.toString(x.shape()) + " is smaller than its window");
        }
        int oh = PoolingReference.outputSize(h, kernel, stride, 0);
        int ow = PoolingReference.outputSize(w, kernel, stride, 0);
        Tensor y = output.get(n, c, oh, ow);
        Backends.current().avgPool2dForward(x.data(), n * c, h, w, kernel, stride, y.data());
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        Tensor dx = inputGrad.get(input.shape());
        Backends.current().avgPool2dBackward(gradOutput.data(), input.dim(0) * input.dim(1), input.dim(2), input.dim(3),
                kernel, stride, dx.data());
        return dx;
    }

    @Override
    public String toString() {
        return "AvgPool2d(k" + kernel + ", s" + stride + ")";
    }
}
