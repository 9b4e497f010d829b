package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.tornado.kernels.GemmKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * {@code C = alpha * op(A) op(B) + beta * C} on the device ({@link GemmKernels#sgemm}, tiled through local memory). Only the regions of the
 * caller's arrays that the matrices span (from their offsets, with their leading dimensions) travel.
 */
public final class SgemmOp extends DeviceOperation {
    private final int[] dims = new int[GemmKernels.DIMS];
    private final float[] scalars = new float[2];
    private final KernelContext context = new KernelContext();
    private float[] a;
    private float[] b;
    private float[] c;

    public SgemmOp(TornadoDevice device) {
        super(device, "sgemm");
    }

    public void run(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] aIn, int aOff, int lda,
                    float[] bIn, int bOff, int ldb, float beta, float[] cInOut, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        int aSpan = k == 0 ? 0 : transA ? (k - 1) * lda + m : (m - 1) * lda + k;
        int bSpan = k == 0 ? 0 : transB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
        int cSpan = (m - 1) * ldc + n;
        reserve(aSpan, bSpan, cSpan);
        System.arraycopy(aIn, aOff, a, 0, aSpan);
        System.arraycopy(bIn, bOff, b, 0, bSpan);
        // C always travels, even with beta == 0 (where it is not read): the rows' gaps (ldc > n) come back unchanged.
        System.arraycopy(cInOut, cOff, c, 0, cSpan);
        GemmKernels.describe(transA, transB, m, n, k, lda, ldb, ldc, dims);
        scalars[0] = alpha;
        scalars[1] = beta;
        executeInGroups(new long[][] {{GemmKernels.TILE, GemmKernels.TILE}},
                new long[] {GemmKernels.roundUp(n), GemmKernels.roundUp(m)});
        System.arraycopy(c, 0, cInOut, cOff, cSpan);
    }

    @Override
    protected void allocate(int[] capacities) {
        a = new float[capacities[0]];
        b = new float[capacities[1]];
        c = new float[capacities[2]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        return new TaskGraph(graphName)
                .transferToDevice(EVERY_EXECUTION, a, b, c, dims, scalars)
                .task("t0", GemmKernels::sgemm, context, a, b, c, dims, scalars)
                .transferToHost(EVERY_EXECUTION, c);
    }

    @Override
    protected int[] gridDimensions() {
        return new int[] {2};
    }
}
