package org.rbnn4j.tornado;

/**
 * One device TornadoVM can run on, as listed by {@link TornadoDevices#list()}.
 *
 * @param index         position in the listing: the {@code N} of {@code --backend tornado:N}
 * @param backendIndex  TornadoVM's backend (driver) index: OpenCL, PTX, SPIR-V...
 * @param deviceIndex   the device's index within its backend (TornadoVM's {@code -Ds0.t0.device=B:D})
 * @param backendName   the backend's name
 * @param name          the device's name as the driver reports it
 * @param type          CPU, GPU, ACCELERATOR...
 * @param globalMemory  bytes of global memory
 * @param isDefault     whether TornadoVM would pick this device by default
 */
public record DeviceDescription(int index, int backendIndex, int deviceIndex, String backendName, String name, String type,
                                long globalMemory, boolean isDefault) {

    /** One line for listings: {@code 0  [0:0]  OpenCL  GPU  NVIDIA H100 (79.2 GiB) default}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d  [%d:%d]  %s  %s  %s (%.1f GiB)%s", index, backendIndex, deviceIndex,
                backendName, type, name, globalMemory / (1024.0 * 1024 * 1024), isDefault ? "  default" : "");
    }
}
