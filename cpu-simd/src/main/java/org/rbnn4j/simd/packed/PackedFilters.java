package org.rbnn4j.simd.packed;

import java.util.Objects;

/**
 * Binary convolution weights {@code sign(w)} ({@code sign(0) = +1}) of shape {@code [Cout, Cin, kh, kw]}, 1 bit each
 * in 64-bit words, laid out as panels for the register-blocked popcount kernel.
 *
 * <p><b>Bits</b>: as {@link PackedActivations}, a set bit means -1, tail bits past {@code Cin} are 0, so that
 * {@code a XOR w} of two packed words has ones only at valid, disagreeing channels.
 *
 * <p><b>Layout</b>: output channels are grouped into panels of {@link #panelWidth()} filters (the last one padded
 * with all-zero filters whose outputs are never stored). Within a panel the reduction index
 * {@code k = (ky * kw + kx) * wordsPerPixel + word} runs outermost and the filter's slot innermost:
 * channel word {@code q = (panel * kWords + k) * panelWidth + co % panelWidth}, where a channel word is the 32 bits of
 * channels {@code 32g ..} as in {@link PackedActivations}. The 64-bit words of {@link #bits()} hold two consecutive
 * channel words each: {@code q} in the low half of {@code bits[q / 2]} when {@code q} is even, in the high half when
 * odd. One {@code k} step of the kernel thus loads {@code panelWidth} consecutive channel words as 64-bit words and
 * reads them as int lanes, one filter per lane in filter order, and a kernel row {@code ky} of the window is one
 * contiguous run of {@code kw * wordsPerPixel} words both here and in the NHWC-words activations, whatever the stride.
 *
 * <p>Also kept: per filter and tap, the sum of that tap's binary weights over the input channels
 * ({@code Cin - 2 * popcount}), from which {@link PackedConv2d} builds its zero-padding corrections. Immutable.
 */
public final class PackedFilters {
    /** Filters must stay below this many bits, so that every count and result is exact as an int and as a float. */
    static final long MAX_FILTER_BITS = 1L << 24;

    private final int outChannels;
    private final int inChannels;
    private final int kernelH;
    private final int kernelW;
    private final int wordsPerPixel;
    private final int panelWidth;
    private final int panelCount;
    private final long[] bits;
    private final int[] tapSums;

    private PackedFilters(int outChannels, int inChannels, int kernelH, int kernelW, int panelWidth) {
        if (outChannels <= 0 || inChannels <= 0 || kernelH <= 0 || kernelW <= 0 || panelWidth <= 0) {
            throw new IllegalArgumentException("invalid filter shape [" + outChannels + "," + inChannels + ","
                    + kernelH + "," + kernelW + "], panel width " + panelWidth);
        }
        this.outChannels = outChannels;
        this.inChannels = inChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.wordsPerPixel = PackedActivations.wordsFor(inChannels);
        this.panelWidth = panelWidth;
        this.panelCount = (outChannels + panelWidth - 1) / panelWidth;
        if ((long) kernelH * kernelW * wordsPerPixel * PackedActivations.WORD_BITS >= MAX_FILTER_BITS) {
            throw new IllegalArgumentException("filters of " + kernelH + "x" + kernelW + " taps over " + inChannels
                    + " channels have too many bits for exact integer results (at most 2^24)");
        }
        long size = ((long) panelCount * kernelH * kernelW * wordsPerPixel * panelWidth + 1) / 2;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed filters too large for one array: " + size + " words");
        }
        this.bits = new long[(int) size];
        this.tapSums = new int[outChannels * kernelH * kernelW];
    }

    /** Packs {@code sign(w)} with the panel width of the best available kernel ({@link PopcountKernel#vectorPanelWidth(int)}). */
    public static PackedFilters pack(float[] w, int outChannels, int inChannels, int kernelH, int kernelW) {
        return pack(w, 0, outChannels, inChannels, kernelH, kernelW, PopcountKernel.vectorPanelWidth(outChannels));
    }

    /**
     * Packs {@code sign(w[wOffset ..])}, {@code w} in PyTorch order {@code [Cout, Cin, kh, kw]}.
     *
     * @param panelWidth filters per panel; must be {@link PopcountKernel#vectorPanelWidth(int)} for the vector kernel
     */
    public static PackedFilters pack(float[] w, int wOffset, int outChannels, int inChannels, int kernelH, int kernelW,
                                     int panelWidth) {
        Objects.requireNonNull(w, "w");
        PackedFilters f = new PackedFilters(outChannels, inChannels, kernelH, kernelW, panelWidth);
        long need = (long) outChannels * inChannels * kernelH * kernelW;
        if (wOffset < 0 || wOffset + need > w.length) {
            throw new IllegalArgumentException("weights hold " + (w.length - wOffset) + " floats after offset "
                    + wOffset + ", need " + need);
        }
        int taps = kernelH * kernelW;
        int kWords = f.kWords();
        for (int co = 0; co < outChannels; co++) {
            int panelBase = (co / panelWidth) * kWords * panelWidth + co % panelWidth;
            for (int ci = 0; ci < inChannels; ci++) {
                int src = wOffset + (co * inChannels + ci) * taps;
                for (int tap = 0; tap < taps; tap++) {
                    boolean negative = w[src + tap] < 0f;
                    if (negative) {
                        int k = tap * f.wordsPerPixel + (ci >>> 5);
                        int q = panelBase + k * panelWidth;
                        f.bits[q >>> 1] |= 1L << ((ci & 31) + ((q & 1) << 5));
                    }
                    f.tapSums[co * taps + tap] += negative ? -1 : 1;
                }
            }
        }
        return f;
    }

    public int outChannels() {
        return outChannels;
    }

    public int inChannels() {
        return inChannels;
    }

    public int kernelH() {
        return kernelH;
    }

    public int kernelW() {
        return kernelW;
    }

    public int wordsPerPixel() {
        return wordsPerPixel;
    }

    public int panelWidth() {
        return panelWidth;
    }

    public int panelCount() {
        return panelCount;
    }

    /** Words of one filter: {@code kh * kw * ceil(Cin / 32)}, the binary GEMM's K in words. */
    public int kWords() {
        return kernelH * kernelW * wordsPerPixel;
    }

    /** Valid bits of one filter: {@code Cin * kh * kw}. */
    public int kBits() {
        return inChannels * kernelH * kernelW;
    }

    /** The backing panel words, shared (see the class comment for the layout). */
    public long[] bits() {
        return bits;
    }

    /** Word {@code g} (channels {@code 32g ..}) of tap {@code (ky, kx)} of filter {@code co}. */
    public int word(int co, int ky, int kx, int g) {
        int k = (ky * kernelW + kx) * wordsPerPixel + g;
        return wordAt(((co / panelWidth) * kWords() + k) * panelWidth + co % panelWidth);
    }

    /** Channel word {@code q} of the layout (see the class comment): a half of one of the 64-bit words. */
    int wordAt(int q) {
        return (int) (bits[q >>> 1] >>> ((q & 1) << 5));
    }

    /** Sum of the binary weights of tap {@code (ky, kx)} of filter {@code co} over the input channels. */
    public int tapSum(int co, int ky, int kx) {
        return tapSums[(co * kernelH + ky) * kernelW + kx];
    }

    /** The binary weights as +-1 floats in {@code [Cout, Cin, kh, kw]} order, for tests and debugging. */
    public float[] toFloat() {
        float[] out = new float[outChannels * inChannels * kernelH * kernelW];
        int idx = 0;
        for (int co = 0; co < outChannels; co++) {
            for (int ci = 0; ci < inChannels; ci++) {
                for (int ky = 0; ky < kernelH; ky++) {
                    for (int kx = 0; kx < kernelW; kx++) {
                        int word = word(co, ky, kx, ci >>> 5);
                        out[idx++] = ((word >>> (ci & 31)) & 1) == 0 ? 1f : -1f;
                    }
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "PackedFilters[" + outChannels + "x" + inChannels + "x" + kernelH + "x" + kernelW + ", "
                + panelCount + " panels of " + panelWidth + "]";
    }
}
