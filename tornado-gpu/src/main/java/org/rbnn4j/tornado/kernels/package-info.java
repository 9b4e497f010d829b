/**
 * The device kernels: static methods that TornadoVM compiles to OpenCL (or PTX), each a thin {@code @Parallel} loop
 * around the scalar reference kernels of {@code core} ({@code ConvReference}, {@code GemmReference},
 * {@code ElementwiseReference}, {@code RotationKernels}), so that the arithmetic that runs on the device is the
 * arithmetic that the reference tests cover. The convolutions are the exception in form, not in arithmetic:
 * {@link org.rbnn4j.tornado.kernels.TiledConvKernels} runs them as implicit GEMMs tiled through local memory
 * ({@code KernelContext}), keeping the reference's summation order, so they equal it bit for bit without fused
 * multiply-adds ({@link org.rbnn4j.tornado.kernels.ConvKernels} keeps the direct per-element forms).
 *
 * <p>Shapes are passed in small {@code int[]} arrays (and floating-point settings in {@code float[]} arrays) rather
 * than as scalar parameters: TornadoVM specialises a compiled kernel to the values of its scalar parameters, so a
 * scalar shape would cost one device compilation per layer shape, while an array keeps one compiled kernel per
 * operation for every shape. The loop bounds are then unknown to the compiler, so every kernel runs with an explicit
 * {@code GridScheduler} (one work item per iteration of the {@code @Parallel} loop; TornadoVM emits a grid-stride
 * loop, correct for any grid size). Without TornadoVM the same methods run as ordinary sequential Java.
 *
 * <p>The methods are written in the subset TornadoVM compiles: primitive arrays and indices only, no allocation, no
 * exceptions, no virtual calls.
 */
package org.rbnn4j.tornado.kernels;
