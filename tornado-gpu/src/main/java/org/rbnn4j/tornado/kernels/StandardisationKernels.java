package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.ElementwiseReference;
import org.rbnn4j.core.compute.kernels.StandardisationReference;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The per-run standardisation of a binary layer (each sample of its input, each filter of its weights) and the
 * backward of {@code sign(standardise(x))}: one work item per run, each running {@code StandardisationReference}'s
 * sums (double, eight interleaved partial sums) for its run, so the device computes the reference's numbers.
 * {@code dims[RUNS]} runs of {@code dims[LEN]} values; {@code dims[WRITE_XHAT]} / {@code dims[WRITE_SIGNS]} say which
 * outputs the caller wants (the kernels take no nulls).
 */
public final class StandardisationKernels {
    public static final int RUNS = 0;
    public static final int LEN = 1;
    public static final int WRITE_XHAT = 2;
    public static final int WRITE_SIGNS = 3;
    /** Length of the {@code dims} array. */
    public static final int DIMS = 4;

    private StandardisationKernels() {
    }

    /** {@code xhat = (x - mean) * invStd} and/or {@code signs = sign(xhat)} per run, {@code invStd[r]}; grid: runs. */
    public static void standardise(float[] x, float[] xhat, float[] signs, float[] invStd, int[] dims) {
        int runs = dims[RUNS];
        int len = dims[LEN];
        boolean writeXhat = dims[WRITE_XHAT] != 0;
        boolean writeSigns = dims[WRITE_SIGNS] != 0;
        for (@Parallel int r = 0; r < runs; r++) {
            int off = r * len;
            float mean = StandardisationReference.mean(x, off, len);
            float inv = StandardisationReference.invStd(x, off, len, mean);
            invStd[r] = inv;
            for (int i = 0; i < len; i++) {
                float v = (x[off + i] - mean) * inv;
                if (writeXhat) {
                    xhat[off + i] = v;
                }
                if (writeSigns) {
                    signs[off + i] = ElementwiseReference.sign(v);
                }
            }
        }
    }

    /**
     * {@code StandardisationReference.signBackward} per run: {@code grad} holds {@code dL/dsigns} on entry and
     * {@code dL/dx} on return; {@code surrogate} holds {@code peak, slope, scale}; grid: runs.
     */
    public static void signBackward(float[] xhat, float[] invStd, float[] grad, int[] dims, float[] surrogate) {
        int runs = dims[RUNS];
        int len = dims[LEN];
        float peak = surrogate[0];
        float slope = surrogate[1];
        float scale = surrogate[2];
        for (@Parallel int r = 0; r < runs; r++) {
            int off = r * len;
            StandardisationReference.signBackward(xhat, off, len, invStd[r], peak, slope, scale, grad, off);
        }
    }
}
