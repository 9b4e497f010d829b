package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The optimiser state resident on the device ({@code TornadoBackend.sgdStep}, {@code ResidentSgd}): velocities stay on
 * the device across steps (their host arrays untouched, no transfer back), come back when asked, are replaced by what
 * the host loads, and are not lost when the layout changes or the backend closes. Every step against the reference
 * backend's per-parameter {@code sgdUpdate}.
 */
class ResidentSgdTest {
    private static final int[] SIZES = {7, 1, 300, 64};
    private static final float LR = 0.1f;
    private static final float MOMENTUM = 0.9f;
    private static final float DECAY = 1e-4f;

    /** Parameters, gradients and velocities of one optimiser, on the host. */
    private static final class State {
        final float[][] w = new float[SIZES.length][];
        final float[][] g = new float[SIZES.length][];
        final float[][] v = new float[SIZES.length][];

        State(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < SIZES.length; i++) {
                w[i] = TestDevice.random(random, SIZES[i]);
                g[i] = TestDevice.random(random, SIZES[i]);
                v[i] = TestDevice.random(random, SIZES[i]);
            }
        }

        State copy() {
            State c = new State(0);
            for (int i = 0; i < SIZES.length; i++) {
                c.w[i] = w[i].clone();
                c.g[i] = g[i].clone();
                c.v[i] = v[i].clone();
            }
            return c;
        }

        /** New gradients, as the next batch would give. */
        void newGradients(SplittableRandom random, State also) {
            for (int i = 0; i < SIZES.length; i++) {
                g[i] = TestDevice.random(random, SIZES[i]);
                also.g[i] = g[i].clone();
            }
        }
    }

    private static void referenceStep(State s) {
        new ScalarBackend().sgdStep(s.w, s.g, s.v, LR, MOMENTUM, DECAY);
    }

    /** One step of {@code s} on the device and of {@code reference} on the scalar reference. */
    private static void stepBoth(TornadoBackend device, State s, State reference) {
        device.sgdStep(s.w, s.g, s.v, LR, MOMENTUM, DECAY);
        referenceStep(reference);
    }

    private static void assertClose(String what, float[][] actual, float[][] expected) {
        for (int i = 0; i < expected.length; i++) {
            TestDevice.assertClose(what + " " + i, actual[i], expected[i], 1e-6);
        }
    }

    @Test
    void velocitiesStayOnTheDeviceAcrossStepsAndComeBackWhenAsked() {
        TornadoBackend device = TestDevice.backend();
        State onDevice = new State(1);
        State reference = onDevice.copy();
        float[][] initialVelocities = onDevice.copy().v;
        long[] before = device.residentSgdTransfers();
        SplittableRandom random = new SplittableRandom(2);
        for (int step = 0; step < 5; step++) {
            stepBoth(device, onDevice, reference);
            assertClose("weights after step " + step, onDevice.w, reference.w);
            for (int i = 0; i < SIZES.length; i++) {
                assertThat(onDevice.v[i]).as("host velocity %d untouched while it lives on the device", i)
                        .containsExactly(initialVelocities[i]);
            }
            onDevice.newGradients(random, reference);
        }
        long[] after = device.residentSgdTransfers();
        assertThat(after[0] - before[0]).as("steps").isEqualTo(5);
        assertThat(after[1] - before[1]).as("uploads of the velocities: the first step only").isEqualTo(1);
        assertThat(after[2] - before[2]).as("downloads of the velocities").isZero();

        device.synchronizeHost();
        assertClose("velocities brought home", onDevice.v, reference.v);
        device.synchronizeHost(); // nothing newer on the device: no second transfer
        assertThat(device.residentSgdTransfers()[2] - before[2]).as("downloads").isEqualTo(1);
    }

    @Test
    void velocitiesWrittenOnTheHostReplaceTheDevicesAtTheNextStep() {
        TornadoBackend device = TestDevice.backend();
        State onDevice = new State(3);
        State reference = onDevice.copy();
        stepBoth(device, onDevice, reference);

        // As when resuming from a checkpoint: the host loads velocities of its own (new values, same arrays).
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < SIZES.length; i++) {
            float[] loaded = TestDevice.random(random, SIZES[i]);
            System.arraycopy(loaded, 0, onDevice.v[i], 0, loaded.length);
            reference.v[i] = loaded.clone();
        }
        device.markHostWritten(onDevice.v);
        stepBoth(device, onDevice, reference);
        device.synchronizeHost();
        assertClose("weights after a step from loaded velocities", onDevice.w, reference.w);
        assertClose("velocities after a step from loaded velocities", onDevice.v, reference.v);
    }

    @Test
    void anotherOptimiserFirstBringsTheResidentVelocitiesHome() {
        TornadoBackend device = TestDevice.backend();
        State first = new State(5);
        State firstReference = first.copy();
        stepBoth(device, first, firstReference);

        State second = new State(6);
        State secondReference = second.copy();
        stepBoth(device, second, secondReference);
        assertClose("first optimiser's velocities, brought home when the second stepped", first.v, firstReference.v);

        device.synchronizeHost();
        assertClose("second optimiser's velocities", second.v, secondReference.v);
    }

    @Test
    void closingTheBackendBringsTheVelocitiesHome() {
        State onDevice = new State(7);
        State reference = onDevice.copy();
        try (TornadoBackend own = new TornadoBackend(TornadoDevices.select(
                System.getProperty(TornadoDevices.DEVICE_PROPERTY)))) {
            TestDevice.backend(); // checks the runtime and the bailout setting
            own.sgdStep(onDevice.w, onDevice.g, onDevice.v, LR, MOMENTUM, DECAY);
            own.sgdStep(onDevice.w, onDevice.g, onDevice.v, LR, MOMENTUM, DECAY);
        }
        referenceStep(reference);
        referenceStep(reference);
        assertClose("velocities after close", onDevice.v, reference.v);
        assertClose("weights", onDevice.w, reference.w);
    }

    /** Through the optimiser: what a checkpoint reads is the device's newest state, and a resume replaces it. */
    @Test
    void sgdReadsAndLoadsVelocitiesThroughTheBackend() {
        TornadoBackend device = TestDevice.backend();
        Map<String, Parameter> onDevice = parameters(8);
        Map<String, Parameter> reference = parameters(8);
        Sgd deviceSgd = new Sgd(onDevice, LR, MOMENTUM, DECAY);
        Sgd referenceSgd = new Sgd(reference, LR, MOMENTUM, DECAY);
        for (int step = 0; step < 3; step++) {
            run(device, deviceSgd);
            run(new ScalarBackend(), referenceSgd);
        }
        for (String name : onDevice.keySet()) {
            TestDevice.assertClose("checkpointed velocity " + name, deviceSgd.velocities().get(name).data(),
                    referenceSgd.velocities().get(name).data(), 1e-6);
        }
        // Resume: only one velocity loaded; the others keep their newest (device) values.
        Tensor loaded = Tensor.full(0.5f, SIZES[0]);
        deviceSgd.loadVelocities(Map.of("p0", loaded));
        referenceSgd.loadVelocities(Map.of("p0", loaded));
        run(device, deviceSgd);
        run(new ScalarBackend(), referenceSgd);
        for (String name : onDevice.keySet()) {
            TestDevice.assertClose("weights " + name + " after resuming", onDevice.get(name).value().data(),
                    reference.get(name).value().data(), 1e-6);
            TestDevice.assertClose("velocity " + name + " after resuming", deviceSgd.velocities().get(name).data(),
                    referenceSgd.velocities().get(name).data(), 1e-6);
        }
    }

    private static Map<String, Parameter> parameters(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Parameter> map = new LinkedHashMap<>();
        for (int i = 0; i < SIZES.length; i++) {
            Parameter p = new Parameter(Tensor.of(TestDevice.random(random, SIZES[i]), SIZES[i]));
            System.arraycopy(TestDevice.random(random, SIZES[i]), 0, p.grad().data(), 0, SIZES[i]);
            map.put("p" + i, p);
        }
        return map;
    }

    private static void run(ComputeBackend backend, Sgd sgd) {
        ComputeBackend previous = Backends.use(backend);
        try {
            sgd.step();
        } finally {
            Backends.use(previous);
        }
    }
}
