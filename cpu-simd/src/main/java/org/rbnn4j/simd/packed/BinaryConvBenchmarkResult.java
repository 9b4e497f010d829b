package org.rbnn4j.simd.packed;

import java.util.Locale;

/**
 * One measurement of {@link BinaryConvBenchmark}: a packed 3x3 binary convolution (stride 1, padding 1) against the
 * float convolution of the same shape, measured in the same run. Times are medians over {@code *Reps} timed calls
 * after warm-up.
 *
 * @param cin            input channels
 * @param cout           output channels
 * @param hw             input (and output) height and width
 * @param threads        threads of both the binary executor and the float backend
 * @param batch          images per call
 * @param binaryKernel   {@link PopcountKernel} used
 * @param floatBackend   name of the float compute backend measured ({@code simd}, or {@code scalar} when absent)
 * @param binaryMs       median milliseconds of the packed convolution (activations already packed)
 * @param packMs         median milliseconds of binarising and packing the float NCHW input
 * @param floatMs        median milliseconds of the float convolution
 * @param binaryGbitmacs {@code Cin*9 * Cout * hw*hw * batch / binaryMs} in 10^9 bit multiply-accumulates per second
 * @param floatGflops    {@code 2 * MACs / floatMs} in 10^9 floating-point operations per second
 * @param speedup        {@code floatMs / binaryMs}
 * @param speedupWithPacking {@code floatMs / (binaryMs + packMs)}
 * @param binaryReps     timed binary calls
 * @param floatReps      timed float calls
 */
public record BinaryConvBenchmarkResult(int cin, int cout, int hw, int threads, int batch, String binaryKernel,
                                        String floatBackend, double binaryMs, double packMs, double floatMs,
                                        double binaryGbitmacs, double floatGflops, double speedup,
                                        double speedupWithPacking, int binaryReps, int floatReps) {

    /** One JSON object with every component (keys in snake case). */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"cin\":%d,\"cout\":%d,\"hw\":%d,\"threads\":%d,\"batch\":%d,\"kernel\":\"3x3\",\"stride\":1,"
                        + "\"padding\":1,\"binary_kernel\":\"%s\",\"float_backend\":\"%s\",\"binary_ms\":%.4f,"
                        + "\"pack_ms\":%.4f,\"float_ms\":%.4f,\"binary_gbitmacs\":%.2f,\"float_gflops\":%.2f,"
                        + "\"speedup\":%.2f,\"speedup_with_packing\":%.2f,\"binary_reps\":%d,\"float_reps\":%d}",
                cin, cout, hw, threads, batch, binaryKernel, floatBackend, binaryMs, packMs, floatMs, binaryGbitmacs,
                floatGflops, speedup, speedupWithPacking, binaryReps, floatReps);
    }
}
