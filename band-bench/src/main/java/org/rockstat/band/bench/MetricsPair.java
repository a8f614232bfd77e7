package org.rockstat.band.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.BandClient;
import org.rockstat.band.RunningService;

/**
 * Pair 3m: what metrics cost per call. Two services of pair 3's shape (10 methods, {@code echo}, a
 * 100-byte params object, an in-process bus each) run in this JVM, one with metrics off and one
 * with {@code metrics.prometheus: true}. Each is driven in turn by a closed loop keeping
 * {@link #IN_FLIGHT} calls in flight, window after window, off and on alternating (the order flips
 * every round), so a change in the machine's load falls on both. Per window: wall time per call
 * (the inverse of throughput) and the process CPU time per call, the steadier of the two on a
 * shared machine.
 *
 * <pre>{@code
 * try (MetricsPair pair = new MetricsPair()) {
 *     MetricsPair.Window w = pair.window(true, 500);  // metrics on, a 500 ms window
 * }
 * }</pre>
 */
final class MetricsPair implements AutoCloseable {
    /** Calls kept in flight: enough to keep both cores busy, so the window measures cost, not wake-ups. */
    static final int IN_FLIGHT = 16;

    private static final String CALLER = "metrics-cli";
    private static final AtomicLong BUSES = new AtomicLong();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private final Side off;
    private final Side on;

    /**
     * One window's figures.
     *
     * @param wallNanosPerCall window length / calls answered in it
     * @param cpuNanosPerCall  process CPU time in the window / calls answered in it
     * @param calls            calls answered in the window
     * @param compileMillis    time the JIT spent compiling during the window (its CPU is billed to it)
     */
    record Window(double wallNanosPerCall, double cpuNanosPerCall, long calls, long compileMillis) {}

    MetricsPair() throws Exception {
        off = new Side(false);
        on = new Side(true);
    }

    /** Runs the side with metrics {@code metricsOn} for {@code millis} and measures it. */
    Window window(boolean metricsOn, long millis) throws Exception {
        return (metricsOn ? on : off).window(millis);
    }

    @Override
    public void close() {
        off.close();
        on.close();
    }

    /** One service and its closed-loop driver on a bus of their own. */
    private static final class Side implements AutoCloseable {
        private final RunningService service;
        private final BandClient caller;
        private final BandClient observer;
        private final BandClient.Subscription replies;
        private final String message;
        private final AtomicLong answered = new AtomicLong();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean();

        Side(boolean metrics) throws Exception {
            String dsn = "memory://metrics-bench-" + BUSES.incrementAndGet();
            service = DispatchBench.start(dsn, 10, metrics);
            caller = BandClient.connect("metrics-publisher", dsn);
            observer = BandClient.connect("metrics-observer", dsn);
            replies = observer.subscribe(CALLER, (channel, reply) -> answered());
            for (var ready : List.of(service.ready(), caller.ready(), observer.ready(), replies.ready())) {
                ready.toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            message = DispatchBench.request(
                    "1712345678901",
                    Peer.BAND_SERVICE,
                    "echo",
                    CALLER,
                    DispatchBench.params(DispatchBench.bytes("100B")));
        }

        private void answered() {
            answered.incrementAndGet();
            if (running.get()) {
                caller.publish(Peer.BAND_SERVICE, message);
            } else {
                inFlight.decrementAndGet();
            }
        }

        Window window(long millis) throws Exception {
            running.set(true);
            for (int i = 0; i < IN_FLIGHT; i++) {
                inFlight.incrementAndGet();
                caller.publish(Peer.BAND_SERVICE, message);
            }
            Thread.sleep(Math.max(50, millis / 5)); // the loop reaches its pace before the window opens
            long calls0 = answered.get();
            long compile0 = JIT.getTotalCompilationTime();
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(millis);
            long calls = answered.get() - calls0;
            long cpu = OS.getProcessCpuTime() - cpu0;
            long wall = System.nanoTime() - t0;
            long compile = JIT.getTotalCompilationTime() - compile0;
            running.set(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (inFlight.get() > 0) { // the loop's last calls are answered before the other side runs
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(inFlight.get() + " calls unanswered after 10 s");
                }
                Thread.sleep(1);
            }
            return new Window(wall / (double) calls, cpu / (double) calls, calls, compile);
        }

        @Override
        public void close() {
            List<AutoCloseable> all = new ArrayList<>(List.of(replies, observer, caller));
            for (AutoCloseable c : all) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing: " + e);
                }
            }
            service.stop();
        }
    }
}
