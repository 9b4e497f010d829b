package org.rbnn4j.core.nn;

import java.util.function.BiConsumer;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Float 2-D convolution (cross-correlation, as {@code torch.nn.Conv2d}) with a square kernel, zero padding
 * and an optional bias. Weight {@code [Cout, Cin, k, k]}; the parameters are named {@code weight} and
 * {@code bias}. The weights start at zero: models initialise them (see {@code org.rbnn4j.core.init}).
 *
 * <p>The returned output and input gradient are owned by the layer and overwritten by its next
 * forward / backward call.
 */
public final class Conv2d implements Layer {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Parameter weight;
    private final Parameter bias;

    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private ConvGeometry geometry;
    private Tensor input;
    private Tensor lastOutput;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean withBias) {
        Shapes.requirePositive(inChannels, "inChannels");
        Shapes.requirePositive(outChannels, "outChannels");
        Shapes.requirePositive(kernel, "kernel");
        Shapes.requirePositive(stride, "stride");
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weight = new Parameter(Tensor.zeros(outChannels, inChannels, kernel, kernel));
        this.bias = withBias ? new Parameter(Tensor.zeros(outChannels)) : null;
    }

    /** A convolution without bias, as every convolution of the RBNN models. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, stride, padding, false);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
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

    /** The geometry for an input {@code [n, inChannels, h, w]}; cached while the input shape repeats. */
    private ConvGeometry geometryFor(Tensor x) {
        ConvGeometry g = geometry;
        int n = x.dim(0);
        int h = x.dim(2);
        int w = x.dim(3);
        if (g == null || g.batch() != n || g.inH() != h || g.inW() != w) {
            if (h + 2 * padding < kernel || w + 2 * padding < kernel) {
                throw new IllegalArgumentException(this + " input " + h + "x" + w + " is smaller than its kernel");
            }
            g = ConvGeometry.of(n, inChannels, h, w, outChannels, kernel, stride, padding);
            geometry = g;
        }
        return g;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Shapes.requireImages(x, inChannels, toString());
        ConvGeometry g = geometryFor(x);
        Tensor y = output.get(g.batch(), outChannels, g.outH(), g.outW());
        Backends.current().conv2dForward(g, x.data(), weight.value().data(), y.data());
        if (bias != null) {
            Backends.current().addChannelBias(y.data(), g.batch(), outChannels, g.outH() * g.outW(), bias.value().data());
        }
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        ConvGeometry g = geometry;
        ComputeBackend backend = Backends.current();
        float[] dy = gradOutput.data();
        backend.conv2dBackwardWeights(g, input.data(), dy, weight.grad().data());
        if (bias != null) {
            backend.accumulateChannelSums(dy, g.batch(), outChannels, g.outH() * g.outW(), bias.grad().data());
        }
        Tensor dx = inputGrad.get(g.batch(), inChannels, g.inH(), g.inW());
        backend.conv2dBackwardData(g, dy, weight.value().data(), dx.data());
        return dx;
    }

    @Override
    public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        visitor.accept(prefix + "weight", weight);
        if (bias != null) {
            visitor.accept(prefix + "bias", bias);
        }
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + "->" + outChannels + ", k" + kernel + ", s" + stride + ", p" + padding
                + (bias != null ? ", bias" : "") + ")";
    }
}
