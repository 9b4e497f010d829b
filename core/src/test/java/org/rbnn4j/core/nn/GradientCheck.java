package org.rbnn4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Finite-difference check of a layer's backward pass. The scalar loss is {@code L = sum(forward(x) * G)} with
 * a fixed random {@code G}, accumulated in double; every input and parameter value (or a seeded sample of
 * them for large tensors) is perturbed by {@code +-eps} and the central difference compared with the
 * analytic gradient, relative to the largest analytic value of that tensor.
 */
public final class GradientCheck {
    private static final int MAX_CHECKS_PER_TENSOR = 300;

    private final Layer layer;
    private final Mode mode;
    private double eps = 1e-2;
    private double rtol = 1e-2;

    public GradientCheck(Layer layer, Mode mode) {
        this.layer = layer;
        this.mode = mode;
    }

    public GradientCheck eps(double value) {
        this.eps = value;
        return this;
    }

    public GradientCheck rtol(double value) {
        this.rtol = value;
        return this;
    }

    public static Tensor randn(Random rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return t;
    }

    /** Runs the check on input {@code x} (modified during the check, restored afterwards). */
    public void assertGradientsMatch(String what, Tensor x, Random rng) {
        Tensor y = layer.forward(x, mode);
        Tensor g = randn(rng, y.shape());
        Map<String, Parameter> params = new LinkedHashMap<>();
        layer.visitParameters("", params::put);
        params.values().forEach(Parameter::zeroGrad);

        layer.forward(x, mode);
        Tensor dx = layer.backward(g).copy();
        assertThat(dx.shape()).as(what + " dx shape").isEqualTo(x.shape());
        compare(what + " dL/dx", x.data(), dx.data(), x, g, rng);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            float[] analytic = e.getValue().grad().data().clone();
            compare(what + " dL/d" + e.getKey(), e.getValue().value().data(), analytic, x, g, rng);
        }
    }

    private double loss(Tensor x, Tensor g) {
        Tensor y = layer.forward(x, mode);
        float[] ys = y.data();
        float[] gs = g.data();
        double sum = 0;
        for (int i = 0; i < ys.length; i++) {
            sum += (double) ys[i] * gs[i];
        }
        return sum;
    }

    private void compare(String what, float[] target, float[] analytic, Tensor x, Tensor g, Random rng) {
        double maxAbs = 0;
        for (float a : analytic) {
            maxAbs = Math.max(maxAbs, Math.abs(a));
        }
        assertThat(maxAbs).as(what + " is not identically zero (otherwise the check proves nothing)").isGreaterThan(1e-4);
        int n = target.length;
        int checks = Math.min(n, MAX_CHECKS_PER_TENSOR);
        for (int c = 0; c < checks; c++) {
            int i = n <= MAX_CHECKS_PER_TENSOR ? c : rng.nextInt(n);
            float saved = target[i];
            target[i] = (float) (saved + eps);
            double plus = loss(x, g);
            target[i] = (float) (saved - eps);
            double minus = loss(x, g);
            target[i] = saved;
            // Divide by the step actually taken in float.
            double step = (double) (float) (saved + eps) - (double) (float) (saved - eps);
            double numeric = (plus - minus) / step;
            double err = Math.abs(numeric - analytic[i]);
            if (err > rtol * maxAbs + 1e-4) {
                fail(what + "[" + i + "]: analytic " + analytic[i] + " vs numeric " + numeric
                        + " (max |grad| " + maxAbs + ")");
            }
        }
    }
}
