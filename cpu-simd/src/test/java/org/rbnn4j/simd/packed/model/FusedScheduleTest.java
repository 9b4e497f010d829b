package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.tensor.Tensor;

/**
 * What the {@link Planner} fuses, and workspace reuse across batch sizes. (That the fused schedule equals the logical
 * ops bit for bit on every zoo model is checked in {@link PackedModelTest}.)
 */
class FusedScheduleTest {

    @Test
    void batchesLargerAndSmallerThanAChunkReuseWorkspacesCorrectly() {
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 3, 10);
        Network net = ModelZoo.create(spec, 5);
        PackedModelTest.randomiseStatistics(net, new Random(3));
        Tensor big = PackedModelTest.randomImages(21, spec, new Random(8));
        Tensor small = PackedModelTest.slice(big, 4, 3);
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 1)) {
            float[] expectedBig = packed.referenceLogits(big).data();
            float[] expectedSmall = Arrays.copyOfRange(expectedBig, 4 * 10, 7 * 10);
            // big, small, big again through the same pooled workspace: stale images must not leak into results
            assertThat(packed.logits(big).data()).isEqualTo(expectedBig);
            assertThat(packed.logits(small).data()).isEqualTo(expectedSmall);
            assertThat(packed.logits(big).data()).isEqualTo(expectedBig);
        }
    }

    @Test
    void outputsThatOnlyBinaryLayersReadAreNotKeptAsFloats() {
        // vgg_small_1w1a: the outputs of conv1..conv4 (32,768 to 65,536 floats per image) are read only as packed bits
        // by the next binary layer, so the fused steps finish them in scratch; the float slots left hold the input,
        // conv5's pooled output (8,192) and what follows it.
        ModelSpec spec = ModelSpec.of("vgg_small_1w1a", 3, 10);
        Network net = ModelZoo.create(spec, 3);
        PackedModelTest.randomiseStatistics(net, new Random(9));
        Tensor x = PackedModelTest.randomImages(3, spec, new Random(10));
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 1)) {
            assertThat(packed.scheduleFloatsPerImage()).isLessThan(32_768);
            assertThat(packed.logits(x).data()).isEqualTo(packed.referenceLogits(x).data());
        }
    }

    @Test
    void maxPoolingFusedAfterBinaryConvolutionsHandlesEverySignOfAlpha() {
        ModelSpec spec = ModelSpec.of("vgg_small_1w1a", 3, 10);
        Network net = ModelZoo.create(spec, 2);
        PackedModelTest.randomiseStatistics(net, new Random(4));
        Random r = new Random(6);
        assertThat(net.binaryLayers()).containsKey("conv3");
        // negative scales (pooling then takes the minimum of the integer sums), and in one layer a zero and a NaN
        // scale (pooling then goes through the products one by one)
        net.binaryLayers().forEach((name, layer) -> {
            float[] a = layer.alpha().value().data();
            for (int i = 0; i < a.length; i++) {
                if (r.nextBoolean()) {
                    a[i] = -a[i];
                }
            }
            if (name.equals("conv3")) {
                a[0] = 0f;
                a[1] = Float.NaN;
            }
        });
        Tensor x = PackedModelTest.randomImages(2, spec, new Random(7));
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 1)) {
            assertThat(packed.describeSchedule()).contains("+ maxpool");
            assertThat(packed.logits(x).data()).isEqualTo(packed.referenceLogits(x).data());
        }
    }

    @Test
    void resnetBinaryLayersFuseTheirBatchNormResidualAndHardtanh() {
        Network net = ModelZoo.create(ModelSpec.of("resnet20_1w1a", 3, 10), 1);
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 1)) {
            String[] steps = packed.describeSchedule().split("\n");
            long fused = Arrays.stream(steps).filter(s -> s.startsWith("fused binary_conv")).count();
            long withAdd = Arrays.stream(steps)
                    .filter(s -> s.startsWith("fused binary_conv") && s.contains(" + batchnorm") && s.contains(" + add")
                            && s.contains(" + hardtanh"))
                    .count();
            long standaloneHardtanh = Arrays.stream(steps).filter(s -> s.startsWith("hardtanh")).count();
            long packSteps = Arrays.stream(steps).filter(s -> s.startsWith("pack ")).count();
            long packedByConvolutions = Arrays.stream(steps)
                    .filter(s -> s.startsWith("fused binary_conv") && s.contains(" -> packed ")).count();
            assertThat(fused).as("binary convolutions").isEqualTo(18);
            assertThat(withAdd).as("second convolutions of blocks with the residual add fused").isEqualTo(9);
            // every binary layer but the last packs its output for the next; the first layer's output is packed
            // by a step of its own (it is also the first block's shortcut)
            assertThat(packedByConvolutions).isEqualTo(17);
            assertThat(packSteps).isEqualTo(1);
            // the first (float) layer's convolution, BatchNorm and hardtanh are one step writing NHWC for the binary
            // layers
            assertThat(standaloneHardtanh).isZero();
            assertThat(steps).contains("fused conv 16x3x3x3 in 32x32 stride 1 pad 1 + batchnorm 16x1024"
                    + " + hardtanh 16384 -> nhwc");
        }
    }

    @Test
    void projectionShortcutSharesThePackedInputOfTheBlock() {
        Network net = ModelZoo.create(ModelSpec.of("resnet18_1w1a", 3, 10), 1);
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 1)) {
            String[] steps = packed.describeSchedule().split("\n");
            long fused = Arrays.stream(steps).filter(s -> s.startsWith("fused binary_conv")).count();
            long packs = Arrays.stream(steps).filter(s -> s.startsWith("pack ") || s.contains(" -> packed ")).count();
            assertThat(fused).isEqualTo(19);
            // 16 block convolutions read 16 different values; the 3 projections read their block's input
            assertThat(packs).isEqualTo(16);
        }
    }
}
