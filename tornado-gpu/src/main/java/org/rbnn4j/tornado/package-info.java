/**
 * The TornadoVM backend of the compute SPI: training on a GPU (or any OpenCL device TornadoVM supports).
 *
 * <p>Entry points: {@link org.rbnn4j.tornado.TornadoBackendProvider} (found by {@code ServiceLoader}, name
 * {@code tornado}, priority 300), {@link org.rbnn4j.tornado.TornadoBackend} (the SPI on one device),
 * {@link org.rbnn4j.tornado.TornadoDevices} ({@code --backend tornado[:N]}: {@code N} indexes
 * {@link org.rbnn4j.tornado.TornadoDevices#list()}, or {@code B:D} names TornadoVM's backend and device) and
 * {@link org.rbnn4j.tornado.TornadoSettings} (reproducible mode), {@link org.rbnn4j.tornado.DeviceSelfCheck}
 * ({@code rbnn devices --check}: every operation against the reference on one device). The bi-rotation's batched products run on the
 * device too: {@code BiRotation} calls them on the current backend, and only the small SVDs stay on the host.
 *
 * <p>Running: the module needs an installed TornadoVM SDK (5.x for JDK 25) and a JVM started with its argfile. The
 * SDK's module directory also carries EJML 0.38, which would shadow the project's EJML 0.46; the build copies that
 * directory without EJML to {@code tornado-gpu/target/tornado-modules}, which replaces the argfile's module path:
 * <pre>
 * java &#64;$TORNADOVM_HOME/tornado-argfile --module-path tornado-gpu/target/tornado-modules \
 *      --add-modules jdk.incubator.vector -Dtornado.recover.bailout=False \
 *      -cp cli/target/rbnn.jar:tornado-gpu/target/rbnn4j-tornado-gpu-0.1.0-SNAPSHOT.jar \
 *      org.rbnn4j.cli.RbnnCommand train --backend tornado ...
 * </pre>
 *
 * <p>Design and its price: every SPI call copies its host arrays into staging arrays bound to a compiled TornadoVM
 * plan, transfers them to the device, runs the kernels and copies the results back ({@code ops.DeviceOperation}).
 * Nothing stays on the device between calls, because the SPI's layers keep their tensors in host arrays; the backend
 * is therefore bound by transfers (measured on an NVIDIA H200: 106 images/s for {@code resnet20_1w1a} at batch 256,
 * against 807 images/s for the SIMD backend on 16 cores). Keeping tensors on the device needs an SPI with device
 * buffers.
 */
package org.rbnn4j.tornado;
