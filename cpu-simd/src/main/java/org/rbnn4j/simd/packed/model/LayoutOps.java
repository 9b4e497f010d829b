package org.rbnn4j.simd.packed.model;

/**
 * Steps that exist only in a fused plan (see {@link Planner}): layout conversions between {@link Layout#NCHW} and
 * {@link Layout#NHWC}, and NHWC versions of the cheap float layers that sit between fused binary convolutions. They
 * move values without arithmetic, so they change no result.
 */
final class LayoutOps {
    private LayoutOps() {
    }

    /** {@code dst[p * c + ch] = src[ch * hw + p]}: one image from NCHW to NHWC. */
    static void nchwToNhwc(float[] src, int srcOff, float[] dst, int dstOff, int c, int hw) {
        Transpose.transpose(src, srcOff, hw, dst, dstOff, c, c, hw);
    }

    /** {@code dst[ch * hw + p] = src[p * c + ch]}: one image from NHWC to NCHW. */
    static void nhwcToNchw(float[] src, int srcOff, float[] dst, int dstOff, int c, int hw) {
        Transpose.transpose(src, srcOff, c, dst, dstOff, hw, hw, c);
    }

    private abstract static class Unary implements Op {
        final int in;
        final int out;

        Unary(int in, int out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int[] inputs() {
            return new int[] {in};
        }

        @Override
        public int output() {
            return out;
        }
    }

    /** A copy of an image value in the other layout. */
    static final class Convert extends Unary {
        private final Layout to;
        private final int c;
        private final int hw;

        Convert(int in, int out, Layout to, int c, int hw) {
            super(in, out);
            this.to = to;
            this.c = c;
            this.hw = hw;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] x = ws.buffer(in);
            float[] y = ws.buffer(out);
            int size = c * hw;
            for (int i = 0; i < n; i++) {
                if (to == Layout.NHWC) {
                    nchwToNhwc(x, i * size, y, i * size, c, hw);
                } else {
                    nhwcToNchw(x, i * size, y, i * size, c, hw);
                }
            }
        }

        @Override
        public String describe() {
            return "to_" + to.name().toLowerCase(java.util.Locale.ROOT) + " " + c + "x" + hw;
        }
    }

    /** {@link Ops.ShortcutA} on NHWC values: each kept pixel's channels are one contiguous copy. */
    static final class ShortcutANhwc extends Unary {
        private final int inC;
        private final int outC;
        private final int h;
        private final int w;
        private final int stride;

        ShortcutANhwc(int in, int out, int inC, int outC, int h, int w, int stride) {
            super(in, out);
            this.inC = inC;
            this.outC = outC;
            this.h = h;
            this.w = w;
            this.stride = stride;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] xs = ws.buffer(in);
            float[] ys = ws.buffer(out);
            int oh = (h + stride - 1) / stride;
            int ow = (w + stride - 1) / stride;
            int padFront = (outC - inC) / 2;
            java.util.Arrays.fill(ys, 0, n * outC * oh * ow, 0f);
            for (int i = 0; i < n; i++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int src = ((i * h + oy * stride) * w + ox * stride) * inC;
                        int dst = ((i * oh + oy) * ow + ox) * outC + padFront;
                        System.arraycopy(xs, src, ys, dst, inC);
                    }
                }
            }
        }

        @Override
        public String describe() {
            return "shortcut_a_nhwc " + inC + "->" + outC + " in " + h + "x" + w + " stride " + stride;
        }
    }
}
