package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.tensor.Tensor;

/** Input checks shared by the layers, so that a wrong shape fails with a message naming the layer. */
final class Shapes {
    private Shapes() {
    }

    /** Requires {@code [N, channels, H, W]} with {@code N, H, W >= 1}. */
    static void requireImages(Tensor x, int channels, String layer) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(layer + " expects an NCHW input [N, " + channels + ", H, W], got "
                    + Arrays.toString(x.shape()));
        }
        if (channels >= 0 && x.dim(1) != channels) {
            throw new IllegalArgumentException(layer + " expects " + channels + " input channels, got "
                    + Arrays.toString(x.shape()));
        }
        if (x.dim(0) < 1 || x.dim(2) < 1 || x.dim(3) < 1) {
            throw new IllegalArgumentException(layer + " got an empty input " + Arrays.toString(x.shape()));
        }
    }

    /** Requires {@code [N, features]} with {@code N >= 1}. */
    static void requireMatrix(Tensor x, int features, String layer) {
        if (x.rank() != 2 || x.dim(1) != features || x.dim(0) < 1) {
            throw new IllegalArgumentException(layer + " expects an input [N, " + features + "], got "
                    + Arrays.toString(x.shape()));
        }
    }

    /** Requires that {@code gradOutput} has the shape of the last forward output. */
    static void requireGradient(Tensor gradOutput, Tensor output, String layer) {
        if (output == null) {
            throw new IllegalStateException(layer + ".backward called before forward");
        }
        if (!gradOutput.sameShape(output)) {
            throw new IllegalArgumentException(layer + ".backward expects a gradient of shape "
                    + Arrays.toString(output.shape()) + ", got " + Arrays.toString(gradOutput.shape()));
        }
    }

    static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
