package org.rbnn4j.simd.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register and cache blocking of the SGEMM (Goto / BLIS scheme).
 *
 * <p>The micro-kernel keeps an {@link #MR} x {@link #NR} tile of C in {@code MR * 2} vector registers
 * ({@code NR} is two vectors wide). Around it:
 * <ul>
 *   <li>{@link #KC}: depth of one rank-kc update; an {@code MR x KC} sliver of A stays in L1 while the
 *       micro-kernel sweeps the packed B block;</li>
 *   <li>{@link #NC}: width of the packed {@code KC x NC} B block, sized to stay in L2 (1 MiB here);</li>
 *   <li>{@link #MC}: rows of A handled per pass over the B block.</li>
 * </ul>
 * The cache sizes may be overridden with the system properties {@code rbnn.gemm.kc}, {@code rbnn.gemm.mc},
 * {@code rbnn.gemm.nc} (for tuning experiments; they are rounded to the register tile).
 */
public final class GemmBlocking {

    /** The float species the kernels use: the widest the CPU supports (16 lanes with AVX-512). */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Lanes of one vector. */
    public static final int LANES = SPECIES.length();

    /**
     * Rows of the register tile (broadcast operand A): 8 with 16-lane vectors (AVX-512 has 32 vector registers), 6
     * otherwise (AVX2 has 16: 12 accumulators + 2 B vectors + 1 broadcast).
     */
    public static final int MR = LANES >= 16 ? 8 : 6;

    /** Columns of the register tile (vector operand B): two vectors. */
    public static final int NR = 2 * LANES;

    /** Depth of one packed block. */
    public static final int KC = Math.max(16, Integer.getInteger("rbnn.gemm.kc", 384));

    /** Rows of A per block, a multiple of {@link #MR}. */
    public static final int MC = roundUp(Math.max(MR, Integer.getInteger("rbnn.gemm.mc", 192)), MR);

    /** Columns of the packed B block, a multiple of {@link #NR}. */
    public static final int NC = roundUp(Math.max(NR, Integer.getInteger("rbnn.gemm.nc", 384)), NR);

    private GemmBlocking() {
    }

    /** {@code value} rounded up to a multiple of {@code multiple}. */
    public static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
