package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Max pooling over {@code kernel x kernel} windows with the given stride, floor rounding
 * ({@code torch.nn.MaxPool2d(kernel, stride, padding)}). Padding is implicit negative infinity, as in
 * PyTorch: padded taps never win, so the ImageNet stem's {@code MaxPool2d(3, 2, 1)} sees only real values.
 * Ties go to the first maximum in window order and a NaN wins (the last one), as in PyTorch's CPU kernel;
 * the gradient goes to that one element.
 */
public final class MaxPool2d implements Layer {
    private final int kernel;
    private final int stride;
    private final int padding;
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private int[] argmax = new int[0];
    private Tensor input;
    private Tensor lastOutput;

    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /**
     * With {@code padding} implicit negative-infinity rows and columns on every side; at most {@code kernel / 2}
     * (PyTorch's limit), so that every window holds at least one real value.
     */
    public MaxPool2d(int kernel, int stride, int padding) {
        Shapes.requirePositive(kernel, "kernel");
        Shapes.requirePositive(stride, "stride");
        if (padding < 0 || padding > kernel / 2) {
            throw new IllegalArgumentException("max-pool padding must lie in [0, kernel/2] = [0, " + kernel / 2 + "], got "
                    + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** Stride equal to the kernel, PyTorch's default. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel);
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Shapes.requireImages(x, -1, toString());
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        if (h + 2 * padding < kernel || w + 2 * padding < kernel) {
            throw new IllegalArgumentException(this + " input " + Arrays.toString(x.shape()) + " is smaller than its window");
        }
        int oh = PoolingReference.outputSize(h, kernel, stride, padding);
        int ow = PoolingReference.outputSize(w, kernel, stride, padding);
        Tensor y = output.get(n, c, oh, ow);
        if (argmax.length != y.size()) {
            argmax = new int[y.size()];
        }
        Backends.current().maxPool2dForward(x.data(), n * c, h, w, kernel, stride, padding, y.data(), argmax);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        Tensor dx = inputGrad.get(input.shape());
        Backends.current().maxPool2dBackward(gradOutput.data(), argmax, input.dim(0) * input.dim(1), input.dim(2),
                input.dim(3), kernel, stride, padding, dx.data());
        return dx;
    }

    @Override
    public String toString() {
        return "MaxPool2d(k" + kernel + ", s" + stride + (padding > 0 ? ", p" + padding : "") + ")";
    }
}
