package org.rbnn4j.core.nn;

import java.util.function.BiConsumer;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Fully connected layer {@code y = x W^T + b} on {@code [N, in]} input, {@code W} of shape {@code [out, in]}
 * as {@code torch.nn.Linear}. Parameters {@code weight} and {@code bias} start at zero: models initialise them.
 */
public final class Linear implements Layer {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    public Linear(int inFeatures, int outFeatures, boolean withBias) {
        Shapes.requirePositive(inFeatures, "inFeatures");
        Shapes.requirePositive(outFeatures, "outFeatures");
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter(Tensor.zeros(outFeatures, inFeatures));
        this.bias = withBias ? new Parameter(Tensor.zeros(outFeatures)) : null;
    }

    /** With bias, as PyTorch's default. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Shapes.requireMatrix(x, inFeatures, toString());
        int n = x.dim(0);
        Tensor y = output.get(n, outFeatures);
        Backends.current().sgemm(false, true, n, outFeatures, inFeatures,
                1f, x.data(), 0, inFeatures, weight.value().data(), 0, inFeatures, 0f, y.data(), 0, outFeatures);
        if (bias != null) {
            Backends.current().addChannelBias(y.data(), n, outFeatures, 1, bias.value().data());
        }
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        int n = input.dim(0);
        float[] dy = gradOutput.data();
        ComputeBackend backend = Backends.current();
        // dW += dy^T x  ([out, n] x [n, in])
        backend.sgemm(true, false, outFeatures, inFeatures, n,
                1f, dy, 0, outFeatures, input.data(), 0, inFeatures, 1f, weight.grad().data(), 0, inFeatures);
        if (bias != null) {
            backend.accumulateChannelSums(dy, n, outFeatures, 1, bias.grad().data());
        }
        // dx = dy W  ([n, out] x [out, in])
        Tensor dx = inputGrad.get(n, inFeatures);
        backend.sgemm(false, false, n, inFeatures, outFeatures,
                1f, dy, 0, outFeatures, weight.value().data(), 0, inFeatures, 0f, dx.data(), 0, inFeatures);
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
        return "Linear(" + inFeatures + "->" + outFeatures + (bias != null ? ", bias" : "") + ")";
    }
}
