package org.rbnn4j.simd;

import java.util.Random;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.tensor.Tensor;

/** Random model state and inputs shared by the packed-engine and export tests. */
public final class RandomModels {
    private RandomModels() {
    }

    /** Random BN statistics, gammas, betas and blend angles, so that every folded or exported number matters. */
    public static void randomiseStatistics(Network net, Random r) {
        net.buffers().forEach((name, t) -> {
            float[] d = t.data();
            if (name.endsWith("running_mean")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (r.nextGaussian() * 0.1);
                }
            } else if (name.endsWith("running_var")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = 0.5f + r.nextFloat();
                }
            }
        });
        net.parameters().forEach((name, p) -> {
            float[] d = p.value().data();
            if (name.matches(".*bn\\d?\\.weight|.*shortcut\\.1\\.weight")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = 0.5f + r.nextFloat();
                }
            } else if (name.matches(".*bn\\d?\\.bias|.*shortcut\\.1\\.bias")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (r.nextGaussian() * 0.1);
                }
            } else if (name.endsWith(".theta")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (r.nextDouble() * Math.PI);
                }
            }
        });
    }

    /** {@code n} standard-normal images of the spec's input shape. */
    public static Tensor randomImages(int n, ModelSpec spec, Random r) {
        int size = spec.inputSize();
        float[] d = new float[n * spec.inChannels() * size * size];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return Tensor.of(d, n, spec.inChannels(), size, size);
    }
}
