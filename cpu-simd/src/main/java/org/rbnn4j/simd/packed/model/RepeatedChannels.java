package org.rbnn4j.simd.packed.model;

/**
 * Per-channel constants (alpha, BatchNorm scale and shift) repeated over whole NHWC pixels, for the epilogue loops
 * that map runs of channels-last values ({@link FusedBinaryConv}).
 *
 * <p>Why: with the constants per channel, such a loop reads them at a channel index that wraps at the channel count
 * while the value index runs on; the wrapped index is no induction variable, so C2 keeps a range check per load in
 * the loop, and the extra live values pushed array bases out to vector registers and back on every iteration
 * (disassembled: about ten such moves per 16 floats). Repeated over a run of pixels, every load indexes by the loop's
 * own counter and the checks are hoisted: a map of 131,072 floats (vgg_small_1w1a's first layer) 20 instead of 25 us
 * in a micro-benchmark; whole networks, same JVM alternating with the per-channel form, resnet20_1w1a +2% (three runs
 * of 41-61 pairs: 1.021, 1.024, 1.020), vgg_small_1w1a equal within the noise (0.98-1.01). The loops take chunks of
 * the repeated array's length.
 */
final class RepeatedChannels {
    /** Floats of a repeated array at most (whole pixels; one pixel when a pixel is longer): 4 KB, about L1's eighth. */
    static final int RUN_FLOATS = 1024;

    private RepeatedChannels() {
    }

    /** {@code perChannel} repeated over {@code max(1, RUN_FLOATS / c)} pixels ({@code c = perChannel.length}). */
    static float[] of(float[] perChannel) {
        int c = perChannel.length;
        int pixels = Math.max(1, RUN_FLOATS / c);
        float[] run = new float[pixels * c];
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(perChannel, 0, run, p * c, c);
        }
        return run;
    }
}
