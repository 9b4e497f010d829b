package org.rbnn4j.simd.packed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two implementations of the packed binary convolution, with the same results bit for bit.
 *
 * <p>{@link #best()} picks {@link #VECTOR} where the CPU has a vector popcount that the JIT uses for
 * {@code VectorOperators.BIT_COUNT} (x86 with AVX-512 VPOPCNTDQ, or AVX2 where the JIT emulates it with byte
 * shuffles; AArch64 with NEON/SVE {@code CNT}), else {@link #SCALAR}. The system property
 * {@code rbnn.binary.kernel=vector|scalar} overrides the choice.
 */
public enum PopcountKernel {
    /** {@link Long#bitCount} one output at a time: the definition and the portable fallback. */
    SCALAR {
        @Override
        void compute(PackedConv2d conv, PackedActivations in, int firstImage, int pixelFrom, int pixelTo,
                     int panelFrom, int panelTo, float[] out, OutputLayout layout) {
            ScalarBinaryConv.compute(conv, in, firstImage, pixelFrom, pixelTo, panelFrom, panelTo, out, layout);
        }

        @Override
        boolean supportsMax2x2(PackedConv2d conv) {
            return conv.outH() >= 2 && conv.outW() >= 2;
        }

        @Override
        void computeMax2x2(PackedConv2d conv, PackedActivations in, int firstImage, int images, int rowFrom,
                           int rowTo, int panelFrom, int panelTo, float[] out, int outOff) {
            ScalarBinaryConv.computeMax2x2(conv, in, firstImage, images, rowFrom, rowTo, panelFrom, panelTo, out,
                    outOff);
        }
    },
    /**
     * Filter words loaded as {@code LongVector}s and read as int lanes (one filter per lane), XOR with the broadcast
     * activation word + {@code BIT_COUNT}, register-blocked 2 pixels x 4 (or 4 x 2, 8 x 1) vectors of filters.
     */
    VECTOR {
        @Override
        void compute(PackedConv2d conv, PackedActivations in, int firstImage, int pixelFrom, int pixelTo,
                     int panelFrom, int panelTo, float[] out, OutputLayout layout) {
            if (!VectorBinaryConv.supportsPanelWidth(conv.filters().panelWidth())) {
                throw new IllegalArgumentException("the vector kernel needs filters packed in panels of "
                        + vectorPanelWidth(conv.outChannels()) + ", got " + conv.filters());
            }
            VectorBinaryConv.compute(conv, in, firstImage, pixelFrom, pixelTo, panelFrom, panelTo, out, layout);
        }

        @Override
        boolean supportsMax2x2(PackedConv2d conv) {
            return VectorBinaryConv.supportsMax2x2(conv);
        }

        @Override
        void computeMax2x2(PackedConv2d conv, PackedActivations in, int firstImage, int images, int rowFrom,
                           int rowTo, int panelFrom, int panelTo, float[] out, int outOff) {
            VectorBinaryConv.computeMax2x2(conv, in, firstImage, images, rowFrom, rowTo, panelFrom, panelTo, out,
                    outOff);
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(PopcountKernel.class);
    private static final String PROPERTY = "rbnn.binary.kernel";
    private static final int FALLBACK_PANEL_WIDTH = 16;

    /**
     * Output pixels {@code [pixelFrom, pixelTo)} (flat over the batch) times filter panels
     * {@code [panelFrom, panelTo)}; image {@code n} is stored as image {@code n - firstImage} of {@code out}.
     * Arguments are assumed checked.
     */
    abstract void compute(PackedConv2d conv, PackedActivations in, int firstImage, int pixelFrom, int pixelTo,
                          int panelFrom, int panelTo, float[] out, OutputLayout layout);

    /** Whether {@link #computeMax2x2} takes {@code conv}. */
    abstract boolean supportsMax2x2(PackedConv2d conv);

    /**
     * The convolution followed by a 2 x 2, stride 2 max pool of its integer results, pooled rows
     * {@code [rowFrom, rowTo)} of images {@code [firstImage, firstImage + images)}, filters of panels
     * {@code [panelFrom, panelTo)}, stored NHWC from {@code out[outOff]} (see {@link PackedConv2d#forwardMaxPool2x2}).
     * Arguments are assumed checked.
     */
    abstract void computeMax2x2(PackedConv2d conv, PackedActivations in, int firstImage, int images, int rowFrom,
                                int rowTo, int panelFrom, int panelTo, float[] out, int outOff);

    /**
     * Filters per panel for {@code outChannels} filters that the vector kernel runs fastest: 4 vectors of int lanes
     * (64 filters with AVX-512), or 2 or 1 vectors (32, 16) where that wastes fewer lanes (e.g. 32, 96, 16 or 48
     * filters). The scalar kernel takes any width.
     */
    public static int vectorPanelWidth(int outChannels) {
        return Holder.VECTOR_AVAILABLE ? VectorBinaryConv.panelWidthFor(outChannels) : FALLBACK_PANEL_WIDTH;
    }

    /** The kernel to use on this machine (see the class comment). */
    public static PopcountKernel best() {
        return Holder.BEST;
    }

    /** Whether the vector kernel can run at all here (the incubator module is present and vectors are wider than an int). */
    public static boolean vectorAvailable() {
        return Holder.VECTOR_AVAILABLE;
    }

    private static final class Holder {
        static final boolean VECTOR_AVAILABLE = probeVector();
        static final PopcountKernel BEST = choose();

        private static boolean probeVector() {
            try {
                return VectorBinaryConv.LANES >= 2;
            } catch (LinkageError e) {
                LOG.debug("vector popcount kernel unavailable: {}", e.toString());
                return false;
            }
        }

        private static PopcountKernel choose() {
            String forced = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
            switch (forced) {
                case "scalar":
                    return SCALAR;
                case "vector":
                    if (!VECTOR_AVAILABLE) {
                        throw new IllegalStateException(PROPERTY + "=vector but the Vector API is not available "
                                + "(run with --add-modules jdk.incubator.vector)");
                    }
                    return VECTOR;
                case "auto":
                case "":
                    break;
                default:
                    throw new IllegalArgumentException(PROPERTY + " must be vector, scalar or auto, not '" + forced + "'");
            }
            PopcountKernel k = VECTOR_AVAILABLE && cpuHasVectorPopcount() ? VECTOR : SCALAR;
            LOG.debug("packed binary convolution kernel: {}", k);
            return k;
        }

        private static boolean cpuHasVectorPopcount() {
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            if (arch.equals("aarch64") || arch.equals("arm64")) {
                return true;
            }
            if (!arch.equals("amd64") && !arch.equals("x86_64")) {
                return false;
            }
            String flags = cpuFlags();
            if (flags == null) {
                // No /proc/cpuinfo (not Linux): the JIT only emits vector popcount for AVX2 and up, which any x86
                // machine recent enough to run JDK 25 well has.
                return true;
            }
            return flags.contains(" avx512_vpopcntdq") || flags.contains(" avx2");
        }

        private static String cpuFlags() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("flags")) {
                        return line + " ";
                    }
                }
            } catch (IOException | SecurityException e) {
                LOG.debug("cannot read /proc/cpuinfo: {}", e.toString());
            }
            return null;
        }
    }
}
