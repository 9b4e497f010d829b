package org.rbnn4j.core.compute;

import org.rbnn4j.core.compute.kernels.ConvReference;
import org.rbnn4j.core.compute.kernels.ElementwiseReference;
import org.rbnn4j.core.compute.kernels.GemmReference;
import org.rbnn4j.core.compute.kernels.NormReference;

/**
 * The scalar reference backend: plain single-threaded loops over the reference kernels. It defines the
 * semantics every other backend is tested against; it is not meant to be fast.
 */
public final class ScalarBackend implements ComputeBackend {

    public static final ComputeBackendProvider PROVIDER = new ComputeBackendProvider() {
        @Override
        public String name() {
            return "scalar";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public ComputeBackend create(int threads) {
            return new ScalarBackend();
        }
    };

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] y) {
        int oh = g.outH();
        int ow = g.outW();
        int idx = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int co = 0; co < g.outChannels(); co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        y[idx++] = ConvReference.forwardAt(x, w, g.inChannels(), g.inH(), g.inW(), g.kernelH(),
                                g.kernelW(), g.stride(), g.padding(), g.padValue(), n, co, oy, ox);
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int oh = g.outH();
        int ow = g.outW();
        int idx = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int ci = 0; ci < g.inChannels(); ci++) {
                for (int iy = 0; iy < g.inH(); iy++) {
                    for (int ix = 0; ix < g.inW(); ix++) {
                        dx[idx++] = ConvReference.backwardDataAt(dy, w, g.inChannels(), g.outChannels(), oh, ow,
                                g.kernelH(), g.kernelW(), g.stride(), g.padding(), n, ci, iy, ix);
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int oh = g.outH();
        int ow = g.outW();
        int idx = 0;
        for (int co = 0; co < g.outChannels(); co++) {
            for (int ci = 0; ci < g.inChannels(); ci++) {
                for (int ky = 0; ky < g.kernelH(); ky++) {
                    for (int kx = 0; kx < g.kernelW(); kx++) {
                        dw[idx++] += ConvReference.backwardWeightsAt(x, dy, g.batch(), g.inChannels(), g.inH(), g.inW(),
                                g.outChannels(), oh, ow, g.stride(), g.padding(), g.padValue(), co, ci, ky, kx);
                    }
                }
            }
        }
    }

    @Override
    public void channelMeanVariance(float[] x, int n, int c, int hw, float[] mean, float[] variance) {
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = NormReference.channelMean(x, n, c, hw, ch);
            variance[ch] = NormReference.channelVariance(x, n, c, hw, ch, mean[ch]);
        }
    }

    @Override
    public void channelAffine(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y) {
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * hw;
                float s = scale[ch];
                float t = shift[ch];
                for (int p = 0; p < hw; p++) {
                    y[base + p] = x[base + p] * s + t;
                }
            }
        }
    }

    @Override
    public void batchNormBackward(float[] dy, float[] xhat, int n, int c, int hw, float[] gamma, float[] invStd,
                                  float[] dgamma, float[] dbeta, float[] dx) {
        for (int ch = 0; ch < c; ch++) {
            NormReference.channelBackward(dy, xhat, n, c, hw, gamma, invStd, dgamma, dbeta, dx, ch);
        }
    }

    @Override
    public void hardtanhForward(float[] x, float[] y, int length) {
        for (int i = 0; i < length; i++) {
            y[i] = ElementwiseReference.hardtanh(x[i]);
        }
    }

    @Override
    public void hardtanhBackward(float[] x, float[] dy, float[] dx, int length) {
        for (int i = 0; i < length; i++) {
            dx[i] = ElementwiseReference.hardtanhGrad(x[i], dy[i]);
        }
    }

    @Override
    public void sgdUpdate(float[] w, float[] g, float[] velocity, int length, float lr, float momentum, float weightDecay) {
        for (int i = 0; i < length; i++) {
            ElementwiseReference.sgdStep(w, g, velocity, i, lr, momentum, weightDecay);
        }
    }
}
