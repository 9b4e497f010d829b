package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Max pooling over {@code kernel x kernel} windows with the given stride, no padding, floor rounding
 * ({@code torch.nn.MaxPool2d(kernel, stride)}). Ties go to the first maximum in window order and a NaN
 * wins (the last one), as in PyTorch's CPU kernel; the gradient goes to that one element.
 */
public final class MaxPool2d implements Layer {
    private final int kernel;
    private final int stride;
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private int[] argmax = new int[0];
    private Tensor input;
    private Tensor lastOutput;

    public MaxPool2d(int kernel, int stride) {
        Shapes.requirePositive(kernel, "kernel");
        Shapes.requirePositive(stride, "stride");
        this.kernel = kernel;
        this.stride = stride;
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
        int oh = (h - kernel) / stride + 1;
        int ow = (w - kernel) / stride + 1;
        Tensor y = output.get(n, c, oh, ow);
        if (argmax.length != y.size()) {
            argmax = new int[y.size()];
        }
        float[] xs = x.data();
        float[] ys = y.data();
        int o = 0;
        for (int plane = 0; plane < n * c; plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = base + oy * stride * w + ox * stride;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < kernel; ky++) {
                        int row = base + (oy * stride + ky) * w + ox * stride;
                        for (int kx = 0; kx < kernel; kx++) {
                            float v = xs[row + kx];
                            if (v > max || Float.isNaN(v)) {
                                max = v;
                                best = row + kx;
                            }
                        }
                    }
                    ys[o] = max;
                    argmax[o] = best;
                    o++;
                }
            }
        }
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        Tensor dx = inputGrad.get(input.shape());
        float[] d = dx.data();
        Arrays.fill(d, 0f);
        float[] dy = gradOutput.data();
        for (int o = 0; o < dy.length; o++) {
            d[argmax[o]] += dy[o];
        }
        return dx;
    }

    @Override
    public String toString() {
        return "MaxPool2d(k" + kernel + ", s" + stride + ")";
    }
}
