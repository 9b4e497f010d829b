package org.rbnn4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.tensor.Tensor;

/** Forward values against hand computations, shape handling, reuse across batch sizes and names. */
class LayerForwardTest {

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    private static Tensor iota(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = i;
        }
        return t;
    }

    @Test
    void convolutionIsCrossCorrelationWithZeroPaddingAndBias() {
        Conv2d c = new Conv2d(1, 1, 2, 1, 1, true);
        c.weight().value().data()[0] = 1; // [[1, 2], [3, 4]]
        c.weight().value().data()[1] = 2;
        c.weight().value().data()[2] = 3;
        c.weight().value().data()[3] = 4;
        c.bias().value().data()[0] = 10;
        Tensor y = c.forward(Tensor.of(new float[]{1, 2, 3, 4}, 1, 1, 2, 2), Mode.EVAL);
        assertThat(y.shape()).containsExactly(1, 1, 3, 3);
        // top-left output sees only x[0,0] under w[1,1]: 1*4; centre sees all four: 1*1+2*2+3*3+4*4 = 30
        assertThat(y.data()[0]).isEqualTo(14f);
        assertThat(y.data()[4]).isEqualTo(40f);
        assertThat(y.data()[8]).isEqualTo(4f * 1 + 10);
    }

    @Test
    void convolutionOutputSizeWithStrideFloors() {
        Conv2d c = new Conv2d(2, 5, 3, 2, 1);
        assertThat(c.forward(Tensor.zeros(3, 2, 7, 8), Mode.EVAL).shape()).containsExactly(3, 5, 4, 4);
    }

    @Test
    void linearIsXTimesWeightTransposedPlusBias() {
        Linear l = new Linear(3, 2);
        System.arraycopy(new float[]{1, 0, -1, 2, 1, 0}, 0, l.weight().value().data(), 0, 6);
        l.bias().value().data()[1] = 0.5f;
        Tensor y = l.forward(Tensor.of(new float[]{1, 2, 3, -1, 0, 1}, 2, 3), Mode.EVAL);
        assertThat(y.data()).containsExactly(-2f, 4.5f, -2f, -1.5f);
    }

    @Test
    void poolingValues() {
        Tensor x = iota(1, 1, 4, 5);
        assertThat(new MaxPool2d(2).forward(x, Mode.EVAL).data()).containsExactly(6f, 8f, 16f, 18f);
        assertThat(new AvgPool2d(2).forward(x, Mode.EVAL).data()).containsExactly(3f, 5f, 13f, 15f);
        assertThat(new MaxPool2d(3, 1).forward(x, Mode.EVAL).data()).containsExactly(12f, 13f, 14f, 17f, 18f, 19f);
        Tensor g = new GlobalAvgPool().forward(iota(2, 2, 1, 3), Mode.EVAL);
        assertThat(g.shape()).containsExactly(2, 2);
        assertThat(g.data()).containsExactly(1f, 4f, 7f, 10f);
    }

    @Test
    void maxPoolTiesGoToTheFirstElement() {
        MaxPool2d p = new MaxPool2d(2);
        Tensor x = Tensor.full(1f, 1, 1, 2, 2);
        p.forward(x, Mode.TRAIN);
        Tensor dx = p.backward(Tensor.full(1f, 1, 1, 1, 1));
        assertThat(dx.data()).containsExactly(1f, 0f, 0f, 0f);
    }

    @Test
    void hardtanhClampsAndPassesGradientOnTheClosedInterval() {
        Hardtanh h = new Hardtanh();
        Tensor x = Tensor.of(new float[]{-2, -1, 0.5f, 1, 3}, 5);
        assertThat(h.forward(x, Mode.TRAIN).data()).containsExactly(-1f, -1f, 0.5f, 1f, 1f);
        assertThat(h.backward(Tensor.full(1f, 5)).data()).containsExactly(0f, 1f, 1f, 1f, 0f);
        ReLU r = new ReLU();
        assertThat(r.forward(x, Mode.TRAIN).data()).containsExactly(0f, 0f, 0.5f, 1f, 3f);
        assertThat(r.backward(Tensor.full(1f, 5)).data()).containsExactly(0f, 0f, 1f, 1f, 1f);
    }

    @Test
    void shortcutASubsamplesAndPadsChannelsSymmetrically() {
        // [1, 2, 3, 3] -> stride 2 keeps rows/cols 0 and 2; 2 -> 4 channels puts the input at channels 1 and 2
        Tensor y = new ShortcutA(2, 4, 2).forward(iota(1, 2, 3, 3), Mode.EVAL);
        assertThat(y.shape()).containsExactly(1, 4, 2, 2);
        assertThat(y.data()).containsExactly(
                0, 0, 0, 0,
                0, 2, 6, 8,
                9, 11, 15, 17,
                0, 0, 0, 0);
    }

    @Test
    void zeroPadTo32() {
        Tensor y = ZeroPad2d.to32From28().forward(Tensor.full(1f, 2, 1, 28, 28), Mode.EVAL);
        assertThat(y.shape()).containsExactly(2, 1, 32, 32);
        float sum = 0;
        for (float v : y.data()) {
            sum += v;
        }
        assertThat(sum).isEqualTo(2 * 28 * 28);
        assertThat(y.get(0, 0, 1, 5)).isZero();
        assertThat(y.get(0, 0, 2, 2)).isEqualTo(1f);
    }

    @Test
    void layersAreReusableAcrossBatchSizes() {
        Random rng = new Random(3);
        Sequential net = new Sequential()
                .add("conv", new Conv2d(2, 3, 3, 2, 1, true))
                .add("bn", new BatchNorm2d(3))
                .add("act", new Hardtanh())
                .add("pool", new MaxPool2d(2))
                .add("flat", new Flatten())
                .add("fc", new Linear(3 * 2 * 2, 4));
        Map<String, Parameter> params = new LinkedHashMap<>();
        net.visitParameters("", params::put);
        for (Parameter p : params.values()) {
            Initializers.normal(p.value(), 0, 1, rng);
        }
        Tensor small = GradientCheck.randn(rng, 2, 2, 8, 8);
        Tensor big = GradientCheck.randn(rng, 5, 2, 8, 8);
        float[] first = net.forward(small, Mode.EVAL).data().clone();
        assertThat(net.forward(big, Mode.EVAL).shape()).containsExactly(5, 4);
        assertThat(net.forward(small, Mode.EVAL).data()).containsExactly(first);
        // a training step at each size works too
        Tensor y = net.forward(big, Mode.TRAIN);
        assertThat(net.backward(Tensor.full(1f, y.shape())).shape()).containsExactly(5, 2, 8, 8);
        y = net.forward(small, Mode.TRAIN);
        assertThat(net.backward(Tensor.full(1f, y.shape())).shape()).containsExactly(2, 2, 8, 8);
    }

    @Test
    void wrongInputShapesGiveClearErrors() {
        assertThatThrownBy(() -> new Conv2d(3, 4, 3, 1, 1).forward(Tensor.zeros(2, 1, 8, 8), Mode.EVAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conv2d(3->4").hasMessageContaining("3 input channels").hasMessageContaining("[2, 1, 8, 8]");
        assertThatThrownBy(() -> new Conv2d(3, 4, 3, 1, 1).forward(Tensor.zeros(2, 3, 8), Mode.EVAL))
                .hasMessageContaining("NCHW");
        assertThatThrownBy(() -> new Conv2d(1, 1, 5, 1, 0).forward(Tensor.zeros(1, 1, 3, 3), Mode.EVAL))
                .hasMessageContaining("smaller than its kernel");
        assertThatThrownBy(() -> new Linear(4, 2).forward(Tensor.zeros(3, 5), Mode.EVAL))
                .hasMessageContaining("[N, 4]").hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> new MaxPool2d(3).forward(Tensor.zeros(1, 1, 2, 5), Mode.EVAL))
                .hasMessageContaining("smaller than its window");
        assertThatThrownBy(() -> new ShortcutA(4, 2, 2)).hasMessageContaining("cannot reduce");
        Linear l = new Linear(2, 2);
        assertThatThrownBy(() -> l.backward(Tensor.zeros(1, 2))).isInstanceOf(IllegalStateException.class);
        l.forward(Tensor.zeros(3, 2), Mode.TRAIN);
        assertThatThrownBy(() -> l.backward(Tensor.zeros(2, 2))).hasMessageContaining("gradient of shape [3, 2]");
    }

    @Test
    void residualShapeMismatchNamesTheBlock() {
        BasicBlock b = new BasicBlock(new Conv2d(2, 4, 3, 2, 1), new BatchNorm2d(4), new Conv2d(4, 4, 3, 1, 1),
                new BatchNorm2d(4), new Identity(), BasicBlock.Wiring.STANDARD);
        assertThatThrownBy(() -> b.forward(Tensor.zeros(2, 2, 4, 4), Mode.TRAIN))
                .hasMessageContaining("BasicBlock").hasMessageContaining("shortcut gives [2, 2, 4, 4]");
    }

    @Test
    void containersGivePyTorchStyleNamesAndWalkAllLayers() {
        Sequential projection = Sequential.of(new Conv2d(2, 4, 1, 2, 0), new BatchNorm2d(4));
        BasicBlock block = new BasicBlock(new Conv2d(2, 4, 3, 2, 1), new BatchNorm2d(4), new Conv2d(4, 4, 3, 1, 1),
                new BatchNorm2d(4), projection, BasicBlock.Wiring.STANDARD);
        Sequential root = new Sequential().add("conv1", new Conv2d(1, 2, 3, 1, 1))
                .add("layer1", Sequential.of(block))
                .add("linear", new Linear(4, 2));
        List<String> names = new ArrayList<>();
        root.visitParameters("", (n, p) -> names.add(n));
        assertThat(names).containsExactly("conv1.weight",
                "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias",
                "layer1.0.conv2.weight", "layer1.0.bn2.weight", "layer1.0.bn2.bias",
                "layer1.0.shortcut.0.weight", "layer1.0.shortcut.1.weight", "layer1.0.shortcut.1.bias",
                "linear.weight", "linear.bias");
        List<String> buffers = new ArrayList<>();
        root.visitBuffers("", (n, t) -> buffers.add(n));
        assertThat(buffers).contains("layer1.0.bn2.running_var", "layer1.0.shortcut.1.running_mean").hasSize(6);
        List<Layer> layers = new ArrayList<>();
        root.forEachLayer(layers::add);
        assertThat(layers).filteredOn(l -> l instanceof Conv2d).hasSize(4);
        assertThat(layers).filteredOn(l -> l instanceof Hardtanh).hasSize(2);
        assertThat(layers.get(0)).isSameAs(root);

        ResidualAdd flat = new ResidualAdd("", new Sequential().add("conv", new Conv2d(1, 1, 1, 1, 0)), "down", new Conv2d(1, 1, 1, 1, 0));
        List<String> flatNames = new ArrayList<>();
        flat.visitParameters("b.", (n, p) -> flatNames.add(n));
        assertThat(flatNames).containsExactly("b.conv.weight", "b.down.weight");
    }

    @Test
    void sequentialRejectsBadNames() {
        Sequential s = new Sequential().add("a", new Identity());
        assertThatThrownBy(() -> s.add("a", new Identity())).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> s.add("x.y", new Identity())).hasMessageContaining("without dots");
        assertThat(s.add(new Identity()).children().keySet()).containsExactly("a", "1");
    }

    @Test
    void batchNormOutputOfConvFeedsBackwardWithoutAliasing() {
        // The residual sum must not overwrite the tensors its branches keep for backward.
        Random rng = new Random(9);
        Conv2d c1 = new Conv2d(2, 2, 3, 1, 1);
        Conv2d c2 = new Conv2d(2, 2, 3, 1, 1);
        Initializers.kaimingNormal(c1.weight().value(), rng);
        Initializers.kaimingNormal(c2.weight().value(), rng);
        BasicBlock b = new BasicBlock(c1, new BatchNorm2d(2), c2, new BatchNorm2d(2), null, BasicBlock.Wiring.STANDARD);
        Tensor x = GradientCheck.randn(rng, 2, 2, 4, 4);
        Tensor xCopy = x.copy();
        b.forward(x, Mode.TRAIN);
        b.backward(Tensor.full(0.5f, 2, 2, 4, 4));
        assertThat(x.data()).containsExactly(xCopy.data(), within(0f));
    }
}
