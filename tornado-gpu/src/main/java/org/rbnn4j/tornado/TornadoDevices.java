package org.rbnn4j.tornado;

import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoDeviceMap;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * The devices TornadoVM sees, and the choice among them ({@code --backend tornado[:N]}, system property
 * {@code rbnn.device}). Touches TornadoVM classes: call only after {@link TornadoRuntimeCheck} found the runtime.
 */
public final class TornadoDevices {
    /** System property holding the device choice ({@code Backends} sets it from {@code tornado:N}). */
    public static final String DEVICE_PROPERTY = "rbnn.device";

    private TornadoDevices() {
    }

    /** Every device of every TornadoVM backend, numbered in backend order then device order. */
    public static List<DeviceDescription> list() {
        TornadoDeviceMap map = TornadoExecutionPlan.getTornadoDeviceMap();
        TornadoDevice defaultDevice = TornadoExecutionPlan.DEFAULT_DEVICE;
        List<DeviceDescription> devices = new ArrayList<>();
        List<TornadoBackend> backends = map.getAllBackends();
        for (int b = 0; b < backends.size(); b++) {
            TornadoBackend backend = backends.get(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                TornadoDevice device = backend.getDevice(d);
                boolean isDefault = defaultDevice != null && defaultDevice.getBackendIndex() == device.getBackendIndex()
                        && defaultDevice.getDeviceName().equals(device.getDeviceName());
                devices.add(new DeviceDescription(devices.size(), b, d, backend.getName(), device.getPhysicalDevice().getDeviceName(),
                        String.valueOf(device.getDeviceType()), device.getMaxGlobalMemory(), isDefault));
            }
        }
        return devices;
    }

    /**
     * The device named by {@code choice}: {@code null} or blank for TornadoVM's default, {@code N} for the {@code N}-th
     * device of {@link #list()}, or {@code B:D} for device {@code D} of backend {@code B}.
     *
     * @throws IllegalArgumentException for a malformed or out-of-range choice, listing the devices
     */
    public static TornadoDevice select(String choice) {
        if (choice == null || choice.isBlank()) {
            return TornadoExecutionPlan.DEFAULT_DEVICE;
        }
        List<DeviceDescription> devices = list();
        String c = choice.trim();
        try {
            int colon = c.indexOf(':');
            if (colon < 0) {
                int index = Integer.parseInt(c);
                if (index >= 0 && index < devices.size()) {
                    DeviceDescription d = devices.get(index);
                    return TornadoExecutionPlan.getDevice(d.backendIndex(), d.deviceIndex());
                }
            } else {
                int backend = Integer.parseInt(c.substring(0, colon));
                int device = Integer.parseInt(c.substring(colon + 1));
                for (DeviceDescription d : devices) {
                    if (d.backendIndex() == backend && d.deviceIndex() == device) {
                        return TornadoExecutionPlan.getDevice(backend, device);
                    }
                }
            }
        } catch (NumberFormatException e) {
            // reported below with the listing
        }
        StringBuilder message = new StringBuilder("no TornadoVM device '" + choice + "'; use tornado:N or tornado:B:D with one of:");
        for (DeviceDescription d : devices) {
            message.append(System.lineSeparator()).append("  ").append(d.describe());
        }
        throw new IllegalArgumentException(message.toString());
    }
}
