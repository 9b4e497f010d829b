package org.rbnn4j.core.model;

import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.init.WeightInit;

/**
 * PyTorch's default weight initialisation of {@code nn.Conv2d} and {@code nn.Linear},
 * {@code kaiming_uniform_(a = sqrt(5))}: uniform in {@code +-1/sqrt(fanIn)}. The reference models that apply no
 * initialisation of their own (CIFAR ResNet-18; the ImageNet ResNets' linear layer) keep these weights.
 */
final class PyTorchDefaultInit {
    static final WeightInit WEIGHT = (w, rng) -> {
        double bound = 1.0 / Math.sqrt(Initializers.fanIn(w));
        Initializers.uniform(w, -bound, bound, rng);
    };

    private PyTorchDefaultInit() {
    }
}
