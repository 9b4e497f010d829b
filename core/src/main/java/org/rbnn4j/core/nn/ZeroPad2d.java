package org.rbnn4j.core.nn;

import org.rbnn4j.core.compute.Backends;
import java.util.Arrays;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Zero-pads the borders of an NCHW input ({@code torch.nn.ZeroPad2d((left, right, top, bottom))}), for example
 * 28x28 Fashion-MNIST images to the 32x32 the CIFAR models expect ({@link #to32From28()}).
 */
public final class ZeroPad2d implements Layer {
    private final int left;
    private final int right;
    private final int top;
    private final int bottom;
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    public ZeroPad2d(int left, int right, int top, int bottom) {
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException("padding must be >= 0: " + left + "," + right + "," + top + "," + bottom);
        }
        this.left = left;
        this.right = right;
        this.top = top;
        this.bottom = bottom;
    }

    public ZeroPad2d(int padding) {
        this(padding, padding, padding, padding);
    }

    /** Two zero rows and columns on every side: 28x28 to 32x32. */
    public static ZeroPad2d to32From28() {
        return new ZeroPad2d(2);
    }

    public int left() {
        return left;
    }

    public int right() {
        return right;
    }

    public int top() {
        return top;
    }

    public int bottom() {
        return bottom;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Shapes.requireImages(x, -1, toString());
        int planes = x.dim(0) * x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = h + top + bottom;
        int ow = w + left + right;
        Tensor y = output.get(x.dim(0), x.dim(1), oh, ow);
        float[] ys = y.data();
        float[] xs = x.data();
        Backends.current().syncToHost(xs);
        Arrays.fill(ys, 0f);
        for (int p = 0; p < planes; p++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(xs, (p * h + r) * w, ys, (p * oh + r + top) * ow + left, w);
            }
        }
        Backends.current().markHostWritten(ys);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        int planes = input.dim(0) * input.dim(1);
        int h = input.dim(2);
        int w = input.dim(3);
        int oh = lastOutput.dim(2);
        int ow = lastOutput.dim(3);
        Tensor dx = inputGrad.get(input.shape());
        float[] d = dx.data();
        float[] dy = gradOutput.data();
        Backends.current().syncToHost(dy);
        for (int p = 0; p < planes; p++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(dy, (p * oh + r + top) * ow + left, d, (p * h + r) * w, w);
            }
        }
        Backends.current().markHostWritten(d);
        return dx;
    }

    @Override
    public String toString() {
        return "ZeroPad2d(" + left + "," + right + "," + top + "," + bottom + ")";
    }
}
