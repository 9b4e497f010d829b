package org.rbnn4j.core.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor: a shape and a contiguous row-major (NCHW for images) {@code float[]}.
 *
 * <p>There is no autograd engine: layers keep what they need for their own backward pass. A tensor
 * exposes its backing array on purpose, so that kernels run over primitive arrays without copies.
 * {@link #reshape} is free: the view shares the same array.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A zero-filled tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], shape.clone());
    }

    /** Wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        int size = checkedSize(shape);
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " values but the array has " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    /** A tensor of the same shape as {@code like}, zero-filled. */
    public static Tensor zerosLike(Tensor like) {
        return new Tensor(new float[like.data.length], like.shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    private static int checkedSize(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one array");
        }
        return (int) size;
    }

    /** The backing array, shared with this tensor. */
    public float[] data() {
        return data;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** A view with a new shape over the same data; one dimension may be -1 (inferred). */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("only one -1 allowed in " + Arrays.toString(newShape));
                }
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || data.length % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
            }
            s[infer] = (int) (data.length / known);
        }
        if (checkedSize(s) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(data, s);
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape);
    }

    /** Flat offset of a full index. */
    public int offset(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index rank " + index.length + " != tensor rank " + shape.length);
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of shape " + Arrays.toString(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    public float get(int... index) {
        return data[offset(index)];
    }

    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    public Tensor fill(float value) {
        Arrays.fill(data, value);
        return this;
    }

    /** Copies {@code src}'s values into this tensor; the sizes must match. */
    public void copyFrom(Tensor src) {
        if (src.data.length != data.length) {
            throw new IllegalArgumentException("size mismatch: " + Arrays.toString(src.shape) + " into " + Arrays.toString(shape));
        }
        System.arraycopy(src.data, 0, data, 0, data.length);
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** Throws a clear error unless this tensor has the given rank. */
    public Tensor requireRank(int rank, String what) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(what + " expects a rank-" + rank + " tensor, got shape " + Arrays.toString(shape));
        }
        return this;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
