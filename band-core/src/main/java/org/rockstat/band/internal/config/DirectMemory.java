package org.rockstat.band.internal.config;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The JVM's limit on direct memory, which HTTP bodies and Redis replies share (both are Netty
 * buffers). Band sizes what HTTP may hold from it, so a flood of large requests cannot take the
 * memory the Redis connections need to keep hearing.
 */
public final class DirectMemory {
    private static final long MIB = 1L << 20;

    private DirectMemory() {}

    /** {@code -XX:MaxDirectMemorySize}, or the heap's maximum when unset (the JVM's own default). */
    public static long limit() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
            if (set > 0) {
                return set;
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot VM: its default is the heap's maximum too
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * The default for {@code http.max_buffered}: a quarter of {@code limit}, between 2 MiB and
     * 32 MiB (in the container's 32 MiB of direct memory: 8 MiB, eight 1 MiB bodies at once).
     */
    public static long httpShare(long limit) {
        return Math.clamp(limit / 4, 2 * MIB, 32 * MIB);
    }
}
