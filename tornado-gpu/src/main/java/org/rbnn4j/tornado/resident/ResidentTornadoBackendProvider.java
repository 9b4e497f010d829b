package org.rbnn4j.tornado.resident;

import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.tornado.AbstractTornadoBackendProvider;
import org.rbnn4j.tornado.TornadoBackend;
import org.rbnn4j.tornado.TornadoBackendProvider;

/**
 * {@link java.util.ServiceLoader} entry for the resident TornadoVM backend, the one {@code --backend tornado[:N]}
 * selects: name {@code tornado}, priority 300 (above SIMD, so it is chosen automatically wherever TornadoVM works;
 * the staged backend is {@code tornado-staged}). On an H200, resnet20_1w1a at batch 256 trains at 0.63 s per step
 * against the staged backend's 2.94. The arena starts at {@value #INITIAL_CAPACITY} floats and doubles up to
 * {@code -D}{@value #MAX_CAPACITY_PROPERTY} floats. By default that is the most that fits four limits: a Java array
 * (2<sup>31</sup> - 8 floats), the device's largest allocation, three quarters of the device memory TornadoVM lets a
 * program use ({@code -Dtornado.device.memory}, 4GB unless set; the staged operations need the rest), and half the
 * JVM's heap (the arena has a host copy there, and the layers' arrays need the rest). A training step's arrays must fit
 * to run without flushes: resnet20_1w1a holds about 2.2 million floats per image of the batch at once (measured: 140
 * MB at batch 16, 273 MB at 32, 2.36 GB at 256 on an H200), so a 256-image batch fits the default 3 GB arena with a
 * heap of {@code -Xmx8g} or more; larger batches need {@code -Dtornado.device.memory} raised.
 */
public final class ResidentTornadoBackendProvider extends AbstractTornadoBackendProvider {
    /** System property: the most floats the arena doubles to. */
    public static final String MAX_CAPACITY_PROPERTY = "rbnn.tornado.arena.max";
    static final int INITIAL_CAPACITY = 1 << 22;
    private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 8;
    private static final String TORNADO_DEVICE_MEMORY_PROPERTY = "tornado.device.memory";

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public int priority() {
        return 300;
    }

    /** {@code threads} is ignored: the device does the parallel work. */
    @Override
    public ComputeBackend create(int threads) {
        TornadoBackend staged = TornadoBackendProvider.onSelectedDevice();
        Long chosen = Long.getLong(MAX_CAPACITY_PROPERTY);
        long max = chosen != null ? chosen
                : defaultMaxCapacity(staged.device().getMaxAllocMemory(), tornadoDeviceMemory(),
                        Runtime.getRuntime().maxMemory());
        if (max < INITIAL_CAPACITY) {
            staged.close();
            throw new IllegalArgumentException("-D" + MAX_CAPACITY_PROPERTY + "=" + max + " is below the arena's start ("
                    + INITIAL_CAPACITY + " floats)");
        }
        return new ResidentTornadoBackend(staged, INITIAL_CAPACITY, max);
    }

    /**
     * The most floats the arena may grow to: a Java array's limit, the device's largest allocation, three quarters of
     * TornadoVM's device memory limit, half the heap ({@code maxHeapBytes}); never below the arena's start.
     */
    static long defaultMaxCapacity(long deviceMaxAllocBytes, long tornadoDeviceMemoryBytes, long maxHeapBytes) {
        long max = LARGEST_ARRAY;
        if (deviceMaxAllocBytes > 0) {
            max = Math.min(max, deviceMaxAllocBytes / Float.BYTES);
        }
        max = Math.min(max, tornadoDeviceMemoryBytes / 4 * 3 / Float.BYTES);
        max = Math.min(max, maxHeapBytes / 2 / Float.BYTES);
        return Math.max(max, INITIAL_CAPACITY);
    }

    /** TornadoVM's limit on the device memory a program allocates: {@code -Dtornado.device.memory}, 4GB by default. */
    static long tornadoDeviceMemory() {
        return parseSize(System.getProperty(TORNADO_DEVICE_MEMORY_PROPERTY, "4GB"));
    }

    /** {@code 4GB}, {@code 512MB}, {@code 2048KB}, {@code 100B} or a plain number of bytes (units as TornadoVM's). */
    static long parseSize(String size) {
        String s = size.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        for (String[] u : new String[][] {{"TB", "1099511627776"}, {"GB", "1073741824"}, {"MB", "1048576"},
                {"KB", "1024"}, {"B", "1"}}) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("-D" + TORNADO_DEVICE_MEMORY_PROPERTY + "=" + size
                    + " is not a size such as 4GB or 512MB", e);
        }
    }
}
