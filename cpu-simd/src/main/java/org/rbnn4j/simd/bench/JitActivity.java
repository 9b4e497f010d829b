package org.rbnn4j.simd.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether the JIT is still compiling, for benchmark warm-ups: a steady speed alone can be the first compilation
 * tier's while C2 is still at work (a warm-up that stopped at two equal windows timed resnet20_1w1a at 3,085 instead
 * of 4,053 images/s). Compare {@link #compilationMillis()} before and after a window of calls.
 */
public final class JitActivity {
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private JitActivity() {
    }

    /**
     * Milliseconds the JIT has spent compiling so far, or {@code -1} where the JVM does not report it (then it never
     * changes, and a warm-up waiting for it to settle does not wait).
     */
    public static long compilationMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }
}
