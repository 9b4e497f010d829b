package org.rbnn4j.core.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum and weight decay, {@code torch.optim.SGD} semantics
 * (no dampening, no Nesterov), applied to every parameter alike:
 * {@code g = grad + wd * w; v = momentum * v + g; w -= lr * v}. The first step is the same as PyTorch's
 * (where the buffer starts as {@code g}) because the velocities start at zero.
 *
 * <p>The velocity of each parameter has the parameter's name; {@link #velocities()} returns the live
 * tensors, so that checkpoints can save them and restore them with {@link #loadVelocities}.
 * The step itself runs in {@link ComputeBackend#sgdStep}, where a device backend may keep weights and velocities
 * (the residency protocol of {@link ComputeBackend}).
 */
public final class Sgd {
    /** The RBNN recipe: lr 0.1, momentum 0.9, weight decay 1e-4 (DESIGN.md §1). */
    public static final double DEFAULT_LR = 0.1;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_WEIGHT_DECAY = 1e-4;

    private final LinkedHashMap<String, Parameter> parameters;
    private final LinkedHashMap<String, Tensor> velocities = new LinkedHashMap<>();
    private final double momentum;
    private final double weightDecay;
    private double learningRate;
    private long steps;
    /** The backend that ran the last step (it may keep the velocities on its device), or null before the first. */
    private ComputeBackend stepBackend;

    public Sgd(Map<String, Parameter> parameters, double learningRate, double momentum, double weightDecay) {
        if (!(learningRate >= 0) || !(momentum >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("need lr, momentum, weight decay >= 0, got " + learningRate + ", "
                    + momentum + ", " + weightDecay);
        }
        this.parameters = new LinkedHashMap<>(parameters);
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.parameters.forEach((name, p) -> velocities.put(name, Tensor.zerosLike(p.value())));
    }

    /** lr 0.1, momentum 0.9, weight decay 1e-4. */
    public Sgd(Map<String, Parameter> parameters) {
        this(parameters, DEFAULT_LR, DEFAULT_MOMENTUM, DEFAULT_WEIGHT_DECAY);
    }

    /**
     * One update of every parameter from its current gradient (gradients are left as they are), in one
     * {@link ComputeBackend#sgdStep} of the current backend, which may keep the velocities on its device (then
     * {@link #velocities()} and {@link #loadVelocities} synchronise with it).
     */
    public void step() {
        ComputeBackend backend = Backends.current();
        int count = parameters.size();
        float[][] w = new float[count][];
        float[][] g = new float[count][];
        float[][] v = new float[count][];
        int i = 0;
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            w[i] = p.value().data();
            g[i] = p.grad().data();
            v[i] = velocities.get(e.getKey()).data();
            i++;
        }
        if (stepBackend != null && stepBackend != backend) {
            // The previous backend may hold the newest weights and velocities on its device.
            stepBackend.synchronizeHost();
            backend.markHostWritten(w);
            backend.markHostWritten(v);
        }
        stepBackend = backend;
        backend.sgdStep(w, g, v, (float) learningRate, (float) momentum, (float) weightDecay);
        steps++;
    }

    /** Zeroes the gradients of every parameter this optimiser updates. */
    public void zeroGrad() {
        for (Parameter p : parameters.values()) {
            p.zeroGrad();
        }
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate of the following steps (the trainer sets it per epoch from a schedule). */
    public void setLearningRate(double learningRate) {
        if (!(learningRate >= 0)) {
            throw new IllegalArgumentException("learning rate must be >= 0, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Steps taken since construction. */
    public long steps() {
        return steps;
    }

    /** The parameters by name, in update order (read-only). */
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * The momentum buffers by parameter name (read-only map of the live tensors), brought up to date first from the
     * backend of the last step if it keeps them on its device.
     */
    public Map<String, Tensor> velocities() {
        if (stepBackend != null) {
            stepBackend.synchronizeHost();
        }
        return Collections.unmodifiableMap(velocities);
    }

    /**
     * Copies saved momentum buffers into this optimiser. Every name must be a parameter of this optimiser
     * with the same shape; parameters not in {@code saved} keep their current velocity.
     */
    public void loadVelocities(Map<String, Tensor> saved) {
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            Tensor v = velocities.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("no parameter named '" + e.getKey() + "' in this optimiser");
            }
            if (!v.sameShape(e.getValue())) {
                throw new IllegalArgumentException("velocity '" + e.getKey() + "' has shape " + Arrays.toString(v.shape())
                        + ", saved one " + Arrays.toString(e.getValue().shape()));
            }
        }
        if (stepBackend != null) {
            // Velocities not in saved keep their newest values, which may be on the device.
            stepBackend.synchronizeHost();
        }
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            velocities.get(e.getKey()).copyFrom(e.getValue());
        }
        if (stepBackend != null) {
            stepBackend.markHostWritten(saved.keySet().stream().map(name -> velocities.get(name).data())
                    .toArray(float[][]::new));
        }
    }
}
