package org.rbnn4j.simd.packed;

import java.util.SplittableRandom;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.ScalarBackend;

/** Random inputs and the float reference for the packed convolution tests. */
final class PackedConvTestSupport {
    private PackedConvTestSupport() {
    }

    /** Gaussian floats with about one in eight exactly zero (or negative zero), to exercise {@code sign(0) = +1}. */
    static float[] randomWithZeros(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            int r = rnd.nextInt(16);
            x[i] = r == 0 ? 0f : r == 1 ? -0f : (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** {@code sign(v)} with {@code sign(0) = +1}, as +-1 floats. */
    static float[] signs(float[] v) {
        float[] s = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = v[i] < 0f ? -1f : 1f;
        }
        return s;
    }

    /** The float model: {@code ScalarBackend.conv2dForward} on +-1 tensors, NCHW. */
    static float[] floatConv(ConvGeometry g, float[] signX, float[] signW) {
        float[] y = new float[g.outputSize()];
        new ScalarBackend().conv2dForward(g, signX, signW, y);
        return y;
    }

    /** NCHW {@code [n, c, h, w]} to NHWC. */
    static float[] toNhwc(float[] nchw, int n, int c, int h, int w) {
        float[] out = new float[nchw.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    out[(i * h * w + p) * c + ch] = nchw[(i * c + ch) * h * w + p];
                }
            }
        }
        return out;
    }
}
