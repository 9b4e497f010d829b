/**
 * ONNX export of trained networks ({@link org.rbnn4j.simd.onnx.OnnxExporter}), so that other runtimes can run
 * rbnn4j models.
 *
 * <p>The exported model is the float simulation of the network in evaluation mode, written with standard operators
 * of opset 13 only (no custom domain): a runtime without binary kernels runs it as a float network, and its logits
 * equal those of {@code network.forward(x, Mode.EVAL)} and of the packed engine up to float summation order.
 * Binary convolutions become
 * <pre>
 *   mean  = ReduceMean(x, axes=[1,2,3], keepdims=1)        per-sample mean over C*H*W
 *   s     = Where(Less(x, mean), -1, +1)                    sign(x - mean) with sign(0) = +1 (ONNX Sign(0) = 0)
 *   [s    = Pad(s, value 1)]                                only for one-padding layers
 *   y     = Mul(Conv(s, sign(w3)), alpha[1,C,1,1])          constant +-1 weights, no bias
 * </pre>
 * (1W/32A layers skip the first two lines). BatchNorm becomes {@code BatchNormalization} with the running
 * statistics, Hardtanh {@code Clip(-1, 1)}, the option-A shortcut {@code Slice} (step 2) then {@code Pad} of the
 * channels, pools {@code MaxPool} / {@code AveragePool} / {@code GlobalAveragePool}, linear layers {@code Gemm}
 * with {@code transB = 1}. Initializers carry the checkpoint's tensor names ({@code layer1.0.bn1.running_mean});
 * the binary weights are {@code <layer>.sign_weight}.
 *
 * <p>The protobuf wire format is written with protobuf-java's {@code CodedOutputStream}, using the field numbers
 * of {@code onnx/onnx.proto} ({@code OnnxProto}); no generated classes are needed.
 *
 * <p>Tested with ONNX Runtime against the float simulation and the packed engine on the CIFAR zoo models.
 * Where a value lies within a rounding error of its sample mean, ONNX Runtime (which sums in another order) may
 * binarise it the other way; that moves the logits of roughly one image in a hundred by a few percent.
 */
package org.rbnn4j.simd.onnx;
