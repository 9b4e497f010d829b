package org.rbnn4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ResidencyCheckingBackend;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.GlobalAvgPool;
import org.rbnn4j.core.nn.Hardtanh;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.tensor.Tensor;

class SgdTest {

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    @Test
    void twoStepsByHand() {
        Parameter p = new Parameter(Tensor.of(new float[]{1f, -2f}, 2));
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("w", p);
        Sgd sgd = new Sgd(params, 0.1, 0.9, 0.01);

        p.grad().data()[0] = 0.5f;
        p.grad().data()[1] = 1f;
        sgd.step();
        // g = grad + 0.01 w = (0.51, 0.98); v = g; w = w - 0.1 v = (0.949, -2.098)
        assertThat(sgd.velocities().get("w").data()).containsExactly(new float[]{0.51f, 0.98f}, within(1e-6f));
        assertThat(p.value().data()).containsExactly(new float[]{0.949f, -2.098f}, within(1e-6f));

        sgd.setLearningRate(0.05);
        sgd.step(); // same gradient (not cleared by step)
        // g = (0.5 + 0.00949, 1 - 0.02098) = (0.50949, 0.97902); v = 0.9 v + g = (0.96849, 1.86102)
        assertThat(sgd.velocities().get("w").data()).containsExactly(new float[]{0.96849f, 1.86102f}, within(1e-5f));
        assertThat(p.value().data()).containsExactly(new float[]{0.949f - 0.05f * 0.96849f, -2.098f - 0.05f * 1.86102f},
                within(1e-5f));
        assertThat(sgd.steps()).isEqualTo(2);
        assertThat(p.grad().data()).containsExactly(0.5f, 1f);
        sgd.zeroGrad();
        assertThat(p.grad().data()).containsOnly(0f);
    }

    @Test
    void velocitiesAreNamedLikeParametersAndCanBeRestored() {
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("conv.weight", new Parameter(Tensor.zeros(2, 1, 1, 1)));
        params.put("bn.bias", new Parameter(Tensor.zeros(3)));
        Sgd sgd = new Sgd(params);
        assertThat(sgd.learningRate()).isEqualTo(0.1);
        assertThat(sgd.momentum()).isEqualTo(0.9);
        assertThat(sgd.weightDecay()).isEqualTo(1e-4);
        assertThat(sgd.velocities().keySet()).containsExactly("conv.weight", "bn.bias");

        sgd.loadVelocities(Map.of("bn.bias", Tensor.of(new float[]{1, 2, 3}, 3)));
        assertThat(sgd.velocities().get("bn.bias").data()).containsExactly(1f, 2f, 3f);
        assertThatThrownBy(() -> sgd.loadVelocities(Map.of("nope", Tensor.zeros(3)))).hasMessageContaining("nope");
        assertThatThrownBy(() -> sgd.loadVelocities(Map.of("bn.bias", Tensor.zeros(4)))).hasMessageContaining("shape");
    }

    @Test
    void velocitiesKeptOnADeviceAreReadAndLoadedThroughIt() {
        // Keeps weights and velocities "on its device" after each step, host copies poisoned until synchronised.
        ResidencyCheckingBackend device = new ResidencyCheckingBackend(new ScalarBackend());
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("a", new Parameter(Tensor.of(new float[]{1f, -2f}, 2)));
        params.put("b", new Parameter(Tensor.of(new float[]{3f}, 1)));
        params.values().forEach(p -> java.util.Arrays.fill(p.grad().data(), 1f));
        Map<String, Parameter> twin = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            Parameter q = new Parameter(Tensor.of(p.value().data().clone(), p.value().shape()));
            System.arraycopy(p.grad().data(), 0, q.grad().data(), 0, p.size());
            twin.put(name, q);
        });
        Sgd sgd = new Sgd(params, 0.1, 0.9, 0.0);
        Sgd reference = new Sgd(twin, 0.1, 0.9, 0.0);
        var previous = Backends.use(device);
        try {
            sgd.step();
            sgd.step();
        } finally {
            Backends.use(previous);
        }
        reference.step();
        reference.step();
        // A checkpoint reads the device's values: v = 0.9 * 1 + 1 = 1.9 after two steps of gradient 1.
        assertThat(sgd.velocities().get("a").data()).containsExactly(1.9f, 1.9f);
        assertThat(device.transfers()[1]).as("two weights and two velocities downloaded once").isEqualTo(4);

        // Another step, then a resume loads one velocity; the other keeps its newest (device) value, and the next
        // step starts from both.
        Backends.use(device);
        try {
            sgd.step();
            sgd.loadVelocities(Map.of("b", Tensor.of(new float[]{-5f}, 1)));
            sgd.step();
            sgd.step();
        } finally {
            Backends.use(previous);
        }
        reference.step();
        reference.loadVelocities(Map.of("b", Tensor.of(new float[]{-5f}, 1)));
        reference.step();
        reference.step();
        // Stepping on another backend first takes the velocities from the one that had them.
        sgd.step();
        reference.step();
        for (String name : params.keySet()) {
            assertThat(sgd.velocities().get(name).data()).as(name).containsExactly(reference.velocities().get(name).data());
            assertThat(params.get(name).value().data()).as(name).containsExactly(twin.get(name).value().data());
        }
    }

    @Test
    void aSmallConvNetFitsOneBatch() {
        Random rng = new Random(7);
        Conv2d conv = new Conv2d(1, 4, 3, 1, 1);
        Linear fc = new Linear(4, 3);
        Initializers.kaimingNormal(conv.weight().value(), rng);
        Initializers.kaimingNormal(fc.weight().value(), rng);
        Sequential net = new Sequential().add("conv", conv).add("bn", new BatchNorm2d(4)).add("act", new Hardtanh())
                .add("pool", new GlobalAvgPool()).add("fc", fc);
        Map<String, Parameter> params = new LinkedHashMap<>();
        net.visitParameters("", params::put);
        Sgd sgd = new Sgd(params, 0.1, 0.9, 1e-4);
        Tensor x = Tensor.zeros(6, 1, 5, 5);
        int[] labels = {0, 1, 2, 0, 1, 2};
        for (int i = 0; i < x.size(); i++) {
            int sample = i / 25;
            x.data()[i] = (float) (rng.nextGaussian() * 0.3 + (labels[sample] - 1) * ((i % 5) - 2) * 0.5);
        }
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 60; step++) {
            sgd.zeroGrad();
            double loss = ce.forward(net.forward(x, Mode.TRAIN), labels);
            net.backward(ce.backward());
            sgd.step();
            if (step == 0) {
                first = loss;
            }
            last = loss;
        }
        assertThat(first).isGreaterThan(0.8);
        assertThat(last).isLessThan(0.3 * first);
    }
}
